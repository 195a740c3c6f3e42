// Wall time per leapfrog step on WebGPU against the invocations sharing each
// chain (GpuMmmKernelOptions.lanes, `--gpu-lanes` of mmm fit), for a model of
// the bundled example's size (hill_adstock, T=156, C=5, F=2) and one of the
// bundled geo example's (G=8, T=104, C=3, F=1), at 64, 256 and 1024 chains:
// whole 10-step trajectories, as the lockstep sampler runs them. On a GPU this
// says which lane count to run (one invocation per chain leaves a GPU's
// latency, not its width, bounding a step); on a software adapter
// (SwiftShader) the figures only show that every lane count runs.
// Writes bench/results/gpu-lanes.json (or --results FILE, e.g. under $OUT on a lent GPU).
//   node bench/gpuLanes.mjs [--lanes 1,4,16,32,64] [--chains 64,256,1024] [--results FILE]
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gpu, isSoftwareAdapter } from "../dist/index.js";
import { EXAMPLE_SIZES, uniforms } from "./gpu/models.mjs";
import { machineInfo } from "./machine.mjs";

const STEPS = 10;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const list = (s) => s.split(",").filter(Boolean).map(Number);
const lanesList = list(arg("lanes", "1,4,16,32,64"));
const chainsList = list(arg("chains", "64,256,1024"));
const results = arg("results", fileURLToPath(new URL("./results/gpu-lanes.json", import.meta.url)));

const probe = await gpu.probeWebGpu();
if (!probe.available) {
  console.log(`no WebGPU adapter: ${probe.reason}`);
  process.exit(0);
}

const { device, adapter } = await gpu.sharedGpuDevice();
const rows = [];
for (const { label, model: m } of EXAMPLE_SIZES()) {
  const dim = m.layout.dim;
  const center = m.layout.medianPoint();
  for (const chains of chainsList) {
    const r = uniforms(11);
    const start = Float64Array.from({ length: chains * dim }, (_, k) => center[k % dim] + 0.1 * (2 * r() - 1));
    for (const lanes of lanesList) {
      const integrator = await gpu.WebGpuLockstepIntegrator.create(m, chains, { device, lanes });
      const pos = start.slice();
      const grad = new Float64Array(chains * dim);
      const lps = new Float64Array(chains);
      await integrator.evaluate(pos, grad, lps);
      const mom = new Float64Array(chains * dim);
      const invMetric = new Float64Array(dim).fill(1e-4);
      await integrator.leapfrog(pos, mom, grad, lps, 1e-3, STEPS, invMetric); // pipelines compiled, buffers sized
      let best = Infinity;
      for (let rep = 0; rep < 3; rep++) {
        const t0 = performance.now();
        await integrator.leapfrog(pos, mom, grad, lps, 1e-3, STEPS, invMetric);
        best = Math.min(best, performance.now() - t0);
      }
      await integrator.dispose();
      const row = { model: label, chains, lanes, msPerStep: +(best / STEPS).toFixed(4), gradientsPerSecond: Math.round((chains * STEPS) / (best / 1000)) };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
}
const out = { benchmark: "gpu-lanes", adapter, software: isSoftwareAdapter(adapter), trajectorySteps: STEPS, machine: machineInfo(), date: new Date().toISOString(), rows };
mkdirSync(dirname(results), { recursive: true });
writeFileSync(results, JSON.stringify(out, null, 2) + "\n");
console.log(`wrote ${results} (adapter: ${adapter})`);
process.exit(0);
