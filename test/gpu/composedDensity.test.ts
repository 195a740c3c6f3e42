// The WebGPU density (f32, WGSL generated from the transform table) of the
// composed adstock x saturation models against the WebAssembly core's
// float64 density (itself checked against the float64 reference and finite
// differences in test/density): values and gradients at points near the
// simulated truth and at random points of fixtures with zero-spend weeks.
// Which pairs: each saturation once (with adstock i mod 5, as
// test/api/composedPairs.ts), and weibull_cdf+hill (four transform parameter
// blocks); MMM_ALL_PAIRS=1 checks all 35. Measured on SwiftShader, all 35
// pairs: worst value error 1.09e-6, gradient 1.06e-6.
import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";
import type { GpuModelData } from "../../src/gpu/datasetPack.js";
import { ADSTOCK_NAMES, SATURATION_NAMES, composedName } from "../../src/model/modelChoice.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure, type ModelName } from "../../src/model/structure.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { gpuProbe, noGpuMessage, pointsNear, simulated } from "./gpuFixtures.js";

// The presets' f32 tolerances (test/gpu/density.test.ts).
const VALUE_TOL = 1e-5;
const GRAD_TOL = 5e-5;
const report = process.env.GPU_REPORT !== undefined;

function pairs(): ModelName[] {
  if (process.env.MMM_ALL_PAIRS === "1") return ADSTOCK_NAMES.flatMap((a) => SATURATION_NAMES.map((s) => composedName(a, s)));
  return [...SATURATION_NAMES.map((s, i) => composedName(ADSTOCK_NAMES[i % ADSTOCK_NAMES.length]!, s)), "weibull_cdf+hill"];
}

/** Worst value error (relative to max(1, |lp|)) and gradient error (relative to max(1, max |g|)) against the core. */
async function errors(model: GpuModelData, positions: Float64Array, count: number) {
  const gpu = await WebGpuMmmDensity.create([model]);
  try {
    const dim = gpu.dim;
    const grads = new Float64Array(count * dim);
    const lps = new Float64Array(count);
    await gpu.logpGradBatch(positions, grads, lps, count);
    const cpu = new MmmDensity(model.layout, model.data);
    const g = new Float64Array(dim);
    let value = 0;
    let grad = 0;
    for (let b = 0; b < count; b++) {
      const u = positions.subarray(b * dim, (b + 1) * dim);
      const lp = cpu.logpGrad(u, g);
      expect(Number.isFinite(lps[b]), `position ${b}: GPU logp ${lps[b]}, CPU ${lp}`).toBe(true);
      value = Math.max(value, Math.abs(lps[b] - lp) / Math.max(1, Math.abs(lp)));
      const scale = Math.max(1, ...Array.from(g, Math.abs));
      for (let i = 0; i < dim; i++) grad = Math.max(grad, Math.abs(grads[b * dim + i] - g[i]) / scale);
    }
    return { value, grad };
  } finally {
    gpu.dispose();
  }
}

describe.skipIf(!gpuProbe.available)("WebGPU density of the composed models against the float64 core", () => {
  for (const model of pairs()) {
    it(`${model}: points near the simulated truth and random points (the data have zero-spend weeks)`, async () => {
      const sim = simulated(model, 11, 60, 3, 1, 1);
      const dim = sim.layout.dim;
      const positions = new Float64Array(24 * dim);
      positions.set(pointsNear(sim.truth, 16, 0.3, 5));
      const rand = mulberry32(18);
      for (let b = 16; b < 24; b++) positions.set(randomPoint(dim, rand, 1), b * dim);
      const e = await errors(sim, positions, 24);
      if (report) console.log(model, e);
      expect(e.value).toBeLessThan(VALUE_TOL);
      expect(e.grad).toBeLessThan(GRAD_TOL);
    });
  }

  it("the geometric adstock without normalisation", async () => {
    const fx = makeFixture({ model: "geometric+logistic", T: 40, C: 3, F: 1, degrees: 1, seed: 19 });
    const layout = new ParameterLayout(makeStructure({ ...fx.layout.structure, normaliseAdstock: false }));
    const rand = mulberry32(20);
    const positions = Float64Array.from({ length: 8 * layout.dim }, () => 0);
    for (let b = 0; b < 8; b++) positions.set(randomPoint(layout.dim, rand, 1), b * layout.dim);
    const e = await errors({ layout, data: fx.data }, positions, 8);
    expect(e.value).toBeLessThan(VALUE_TOL);
    expect(e.grad).toBeLessThan(GRAD_TOL);
  });
});

describe.skipIf(gpuProbe.available)("WebGPU density of the composed models", () => {
  it.skip(noGpuMessage, () => {});
});
