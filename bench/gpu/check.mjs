// The WebGPU kernels on the machine's own adapter, before any timing: where a
// workgroup's lanes share one chain (`--gpu-lanes`), a missing barrier shows
// only on hardware that runs the lanes out of step, which SwiftShader may not
// (test/gpu/lanes.test.ts runs there). Per model and lane count (one lane
// too): log-densities and gradients at 8 points against the CPU's float64
// density (the WebAssembly core and the reference), and 16 chains' 12-step
// leapfrog trajectories against the same trajectories in float64 on the CPU
// (a step size small enough that f32 rounding does not grow along them).
// Exits 1 if any error passes the f32 tolerances of test/gpu (1e-5 relative
// on values, 5e-5 of the largest gradient entry; 1e-4 on the trajectories'
// end log-densities, relative, and positions), naming the model and lane
// count; writes every figure to --results FILE.
//   node bench/gpu/check.mjs [--lanes 4,32,64] [--results FILE]
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { MmmDensity, gpu, referenceLogDensity } from "../../dist/index.js";
import { randomModel, uniforms } from "./models.mjs";

const VALUE_TOL = 1e-5;
const GRAD_TOL = 5e-5;
const TRAJECTORY_LP_TOL = 1e-4;
const TRAJECTORY_POSITION_TOL = 1e-4;
const STEP_SIZE = 5e-4;
const STEPS = 12;

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const lanesList = arg("lanes", "4,32,64").split(",").filter(Boolean).map(Number);
const results = arg("results", undefined);

const probe = await gpu.probeWebGpu();
if (!probe.available) {
  console.log(`no WebGPU adapter: ${probe.reason}`);
  process.exit(1);
}
const { device, adapter } = await gpu.sharedGpuDevice();
console.log(`adapter: ${adapter}`);

// The sizes the benchmark runs, a convolution adstock, and per-geo extras.
const MODELS = [
  randomModel("hill_adstock national T=156 C=5 F=2", 1, 156, 5, 2),
  randomModel("weibull_pdf+hill national T=104 C=3 F=1", 1, 104, 3, 1, { model: "weibull_pdf+hill", seed: 8 }),
  randomModel("hill_adstock geo G=8 T=104 C=3 F=1", 8, 104, 3, 1),
  randomModel("carryover geo G=4 T=52 C=3 F=2, extras per geo", 4, 52, 3, 2, { model: "carryover", geoExtra: true, seed: 9 }),
];

/** count points near the prior medians (uniform jitter of the given radius). */
function pointsNear(center, count, radius, seed) {
  const r = uniforms(seed);
  return Float64Array.from({ length: count * center.length }, (_, k) => center[k % center.length] + radius * (2 * r() - 1));
}

async function evaluate(model, lanes, positions, count) {
  const density = await gpu.WebGpuMmmDensity.create(model, { device, lanes });
  try {
    const grads = new Float64Array(count * density.dim);
    const lps = new Float64Array(count);
    await density.logpGradBatch(positions, grads, lps, count);
    return { grads, lps };
  } finally {
    await density.dispose();
  }
}

/** The start's momenta: the same for the GPU and the CPU. */
const momentum = (chains, dim) => Float64Array.from({ length: chains * dim }, (_, i) => Math.sin(i));

async function gpuTrajectory(model, lanes, start, chains) {
  const dim = model.layout.dim;
  const integrator = await gpu.WebGpuLockstepIntegrator.create(model, chains, { device, lanes });
  try {
    const pos = start.slice();
    const grad = new Float64Array(chains * dim);
    const lps = new Float64Array(chains);
    await integrator.evaluate(pos, grad, lps);
    await integrator.leapfrog(pos, momentum(chains, dim), grad, lps, STEP_SIZE, STEPS, new Float64Array(dim).fill(1));
    return { pos, lps };
  } finally {
    await integrator.dispose();
  }
}

/** The same leapfrog steps (unit metric) in float64 with the WebAssembly core's gradient. */
function cpuTrajectory(cpu, dim, start, chains) {
  const pos = start.slice();
  const mom = momentum(chains, dim);
  const lps = new Float64Array(chains);
  const g = new Float64Array(dim);
  for (let c = 0; c < chains; c++) {
    const x = pos.subarray(c * dim, (c + 1) * dim);
    const p = mom.subarray(c * dim, (c + 1) * dim);
    let lp = cpu.logpGrad(x, g);
    for (let s = 0; s < STEPS && Number.isFinite(lp); s++) {
      for (let i = 0; i < dim; i++) p[i] += 0.5 * STEP_SIZE * g[i];
      for (let i = 0; i < dim; i++) x[i] += STEP_SIZE * p[i];
      lp = cpu.logpGrad(x, g);
      for (let i = 0; i < dim; i++) p[i] += 0.5 * STEP_SIZE * g[i];
    }
    lps[c] = lp;
  }
  return { pos, lps };
}

const rows = [];
let failed = false;
for (const { label, model } of MODELS) {
  const dim = model.layout.dim;
  const count = 8;
  const positions = pointsNear(model.layout.medianPoint(), count, 0.5, 21);
  const cpu = new MmmDensity(model.layout, model.data);
  const reference = [];
  const gradients = [];
  for (let b = 0; b < count; b++) {
    const u = positions.subarray(b * dim, (b + 1) * dim);
    const g = new Float64Array(dim);
    cpu.logpGrad(u, g);
    reference.push(referenceLogDensity(model.layout, model.data, u).lpJacobian);
    gradients.push(g);
  }
  const chains = 16;
  const start = pointsNear(model.layout.medianPoint(), chains, 0.3, 22);
  const exact = cpuTrajectory(cpu, dim, start, chains);
  for (const lanes of [1, ...lanesList.filter((l) => l !== 1)]) {
    const got = await evaluate(model, lanes, positions, count);
    let valueError = 0;
    let gradientError = 0;
    for (let b = 0; b < count; b++) {
      valueError = Math.max(valueError, Math.abs(got.lps[b] - reference[b]) / Math.max(1, Math.abs(reference[b])));
      const scale = Math.max(1, ...Array.from(gradients[b], Math.abs));
      for (let i = 0; i < dim; i++) gradientError = Math.max(gradientError, Math.abs(got.grads[b * dim + i] - gradients[b][i]) / scale);
    }
    // Trajectories against float64's: the same chains stop, the others end where those do.
    const many = await gpuTrajectory(model, lanes, start, chains);
    let lpGap = 0;
    let positionGap = 0;
    let stopsDiffer = 0;
    for (let c = 0; c < chains; c++) {
      if (Number.isFinite(exact.lps[c]) !== Number.isFinite(many.lps[c])) {
        stopsDiffer++;
        continue;
      }
      if (!Number.isFinite(exact.lps[c])) continue;
      lpGap = Math.max(lpGap, Math.abs(many.lps[c] - exact.lps[c]) / Math.max(1, Math.abs(exact.lps[c])));
      for (let i = 0; i < dim; i++) positionGap = Math.max(positionGap, Math.abs(many.pos[c * dim + i] - exact.pos[c * dim + i]));
    }
    const ok =
      valueError < VALUE_TOL && gradientError < GRAD_TOL && stopsDiffer === 0 && lpGap < TRAJECTORY_LP_TOL && positionGap < TRAJECTORY_POSITION_TOL;
    failed ||= !ok;
    const row = { model: label, lanes, valueError, gradientError, trajectoryLpGap: lpGap, trajectoryPositionGap: positionGap, stopsDiffer, ok };
    rows.push(row);
    console.log(
      `${ok ? "ok  " : "FAIL"} ${label}, ${lanes} lane${lanes === 1 ? "" : "s"}: value ${valueError.toExponential(1)}, gradient ${gradientError.toExponential(1)}; ` +
        `trajectory log-density ${lpGap.toExponential(1)}, position ${positionGap.toExponential(1)}, stops differing ${stopsDiffer}`,
    );
  }
}
if (results) {
  mkdirSync(dirname(results), { recursive: true });
  writeFileSync(results, JSON.stringify({ check: "gpu-kernels", adapter, date: new Date().toISOString(), rows, passed: !failed }, null, 2) + "\n");
}
console.log(failed ? "some kernels disagree with the CPU: see the FAIL lines" : "every kernel agrees with the CPU");
process.exit(failed ? 1 : 0);
