// Gradient evaluations per second of the WebGPU batched MMM density against
// batch size (1 to 16384 positions per dispatch), on whatever adapter exists:
// one batched evaluation per call (upload, dispatch, readback), and whole
// leapfrog trajectories (10 steps per command buffer, one readback), which
// is how the lockstep sampler uses the GPU.
// Writes bench/results/gpu.json. `--quick`: fewer repetitions.
// On a real GPU run it as is; on SwiftShader (no GPU) the figures only show
// that the path works, not what a GPU does.
import { mkdirSync, writeFileSync } from "node:fs";
import { gpu, ParameterLayout, makeStructure, sampler } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const quick = process.argv.includes("--quick");
const T = 104;
const C = 5;
const F = 2;
const SIZES = [1, 4, 16, 64, 256, 1024, 4096, 16384];
const STEPS = 10;

function rng(seed) {
  const r = new sampler.PhiloxRng(seed, 0);
  return () => r.uniform();
}

const probe = await gpu.probeWebGpu();
if (!probe.available) {
  console.log(`no WebGPU adapter: ${probe.reason}`);
  process.exit(0);
}
const r = rng(7);
const layout = new ParameterLayout(makeStructure({ model: "hill_adstock", nChannels: C, nExtra: F, mediaPrior: Array(C).fill(0.15) }));
const data = {
  T,
  media: Float64Array.from({ length: T * C }, () => (r() < 0.15 ? 0 : 2 * r())),
  extra: Float64Array.from({ length: T * F }, () => 0.5 + r()),
  target: Float64Array.from({ length: T }, () => 0.6 + 0.8 * r()),
};
const dim = layout.dim;
const center = layout.medianPoint();
const { device, adapter } = await gpu.sharedGpuDevice();
const density = await gpu.WebGpuMmmDensity.create({ layout, data }, { device });

async function timeIt(fn, reps) {
  await fn(); // warm: buffers sized, pipelines compiled
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}

const rows = [];
for (const B of SIZES) {
  const positions = new Float64Array(B * dim);
  for (let b = 0; b < B; b++) for (let i = 0; i < dim; i++) positions[b * dim + i] = center[i] + 0.1 * (2 * r() - 1);
  const grads = new Float64Array(B * dim);
  const lps = new Float64Array(B);
  const reps = quick ? (B >= 4096 ? 1 : 3) : B >= 4096 ? 3 : 10;
  const evalSeconds = await timeIt(() => density.logpGradBatch(positions, grads, lps, B), reps);
  const integrator = await gpu.WebGpuLockstepIntegrator.create({ layout, data }, B, { device });
  await integrator.evaluate(positions, grads, lps);
  const momenta = new Float64Array(B * dim);
  const invMetric = new Float64Array(dim).fill(1e-4);
  const q = positions.slice();
  const trajSeconds = await timeIt(() => integrator.leapfrog(q, momenta, grads, lps, 1e-3, STEPS, invMetric), reps);
  await integrator.dispose();
  const row = {
    batch: B,
    evaluateMs: +(evalSeconds * 1000).toFixed(3),
    gradientsPerSecond: Math.round(B / evalSeconds),
    trajectoryMs: +(trajSeconds * 1000).toFixed(3),
    trajectoryGradientsPerSecond: Math.round((B * STEPS) / trajSeconds),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
await density.dispose();

const result = {
  benchmark: "gpu",
  note: "WebGPU batched density; on a software adapter (SwiftShader) and a loaded machine the figures only show that the path works",
  adapter,
  quick,
  model: { model: "hill_adstock", T, C, F, dim },
  trajectorySteps: STEPS,
  machine: machineInfo(),
  rows,
};
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/gpu.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
console.log(`wrote bench/results/gpu.json (adapter: ${adapter})`);
const software = /swiftshader|llvmpipe|lavapipe/i.test(adapter);
publish(
  "gpu",
  [
    `WebGPU batched density, hill_adstock T=${T}, C=${C}, F=${F}, on ${adapter}${software ? " (a software adapter running on the CPU: these figures show the path works, not what a GPU does)" : ""}; ${machineLine(result.machine)}${quick ? " (quick run)" : ""}. \`node bench/gpu.mjs\` reruns it on any adapter.`,
    "",
    "| positions per dispatch | ms per batched evaluation | gradients/s | ms per ${STEPS}-step trajectory | gradients/s in trajectories |".replace("${STEPS}", String(STEPS)),
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.batch} | ${r.evaluateMs} | ${r.gradientsPerSecond} | ${r.trajectoryMs} | ${r.trajectoryGradientsPerSecond} |`),
  ].join("\n"),
);
process.exit(0);
