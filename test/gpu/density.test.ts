// The WebGPU density (f32) against the float64 reference: values against
// referenceLogDensity, gradients against the WebAssembly core's float64
// gradient (itself checked against finite differences of the reference in
// test/density) and, on one point per case, against finite differences of the
// reference directly.
import { describe, expect, it } from "vitest";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";
import { MODEL_NAMES } from "../../src/model/structure.js";
import { ParameterLayout } from "../../src/model/layout.js";
import type { Prior } from "../../src/model/priors.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { batchErrors, gpuProbe, noGpuMessage, pointsNear, simulated } from "./gpuFixtures.js";

const report = process.env.GPU_REPORT !== undefined;

// f32 tolerances: the worst cases measured on SwiftShader are 1.3e-6 (value,
// relative) and 6e-6 (gradient, relative to its largest component); run with
// GPU_REPORT=1 to print them.
const VALUE_TOL = 1e-5;
const GRAD_TOL = 5e-5;

describe.skipIf(!gpuProbe.available)("WebGPU density against the float64 reference", () => {
  for (const model of MODEL_NAMES) {
    it(`${model}: simulated data, positions near the true parameters, shared dataset`, async () => {
      const sim = simulated(model, 11);
      const gpu = await WebGpuMmmDensity.create(sim);
      try {
        const count = 200;
        const positions = pointsNear(sim.truth, count, 0.3, 5);
        const e = await batchErrors(gpu, [sim], positions, count, () => 0);
        if (report) console.log(model, "near truth", e);
        expect(e.value).toBeLessThan(VALUE_TOL);
        expect(e.grad).toBeLessThan(GRAD_TOL);
        // One point against finite differences of the reference itself.
        const u = positions.slice(0, gpu.dim);
        const fd = finiteDifferenceGradient((x) => referenceLogDensity(sim.layout, sim.data, x).lpJacobian, u);
        const g = new Float64Array(gpu.dim);
        const lp = new Float64Array(1);
        await gpu.logpGradBatch(u, g, lp, 1);
        const scale = Math.max(1, ...Array.from(fd, Math.abs));
        for (let i = 0; i < gpu.dim; i++) expect(Math.abs(g[i] - fd[i]) / scale, sim.layout.labels()[i]).toBeLessThan(GRAD_TOL);
      } finally {
        gpu.dispose();
      }
    });

    const shapes = [
      { T: 1, C: 1, F: 0, degrees: 0 },
      { T: 7, C: 3, F: 0, degrees: 2 },
      { T: 52, C: 5, F: 2, degrees: 0 },
      { T: 97, C: 6, F: 3, degrees: 3 },
      { T: 60, C: 4, F: 1, degrees: 2, weekday: true },
      { T: 40, C: 2, F: 0, degrees: 0, weekday: true },
    ];
    for (const [k, shape] of shapes.entries()) {
      it(`${model} T=${shape.T} C=${shape.C} F=${shape.F} D=${shape.degrees}${shape.weekday ? " weekday" : ""}: random points, own datasets`, async () => {
        // Three datasets of one structure (different data and media priors), positions assigned round-robin.
        const models = [0, 1, 2].map((j) => makeFixture({ model, ...shape, seed: 300 + 10 * k + j }));
        const gpu = await WebGpuMmmDensity.create(models);
        try {
          const rand = mulberry32(900 + k);
          const count = 9;
          const positions = new Float64Array(count * gpu.dim);
          for (let b = 0; b < count; b++) positions.set(randomPoint(gpu.dim, rand, 1), b * gpu.dim);
          const e = await batchErrors(gpu, models, positions, count, (b) => b % 3);
          if (report) console.log(model, JSON.stringify(shape), e);
          expect(e.value).toBeLessThan(VALUE_TOL);
          expect(e.grad).toBeLessThan(GRAD_TOL);
        } finally {
          gpu.dispose();
        }
      });
    }
  }
});

describe.skipIf(!gpuProbe.available)("WebGPU density with custom priors of every family", () => {
  for (const model of MODEL_NAMES) {
    it(`${model}: Uniform (both interval forms), LogNormal, Gamma, HalfNormal and Beta replacing the defaults`, async () => {
      const base = makeFixture({ model, T: 45, C: 3, F: 1, degrees: 1, seed: 71 });
      const unit = model === "carryover" ? "ad_effect_retention_rate" : "lag_weight";
      const customPriors: Record<string, Prior | Prior[]> = {
        intercept: { dist: "LogNormal", loc: 0, scale: 0.5 },
        sigma: { dist: "Uniform", low: 0.01, high: 2 },
        coef_trend: { dist: "HalfNormal", scale: 0.2 },
        expo_trend: { dist: "Gamma", concentration: 3, rate: 3 },
        coef_media: [{ dist: "Gamma", concentration: 2, rate: 5 }, { dist: "LogNormal", loc: -1, scale: 1 }, { dist: "HalfNormal", scale: 0.3 }],
        [unit]: { dist: "Uniform", low: 0, high: 1 },
        exponent: { dist: "Uniform", low: 0.2, high: 0.95 },
        coef_extra_features: { dist: "Beta", concentration1: 2, concentration0: 3 },
      };
      if (model === "hill_adstock") {
        delete customPriors.exponent;
        customPriors.slope = { dist: "LogNormal", loc: 0, scale: 0.7 };
      }
      const layout = new ParameterLayout({ ...base.layout.structure, customPriors });
      const models = [{ layout, data: base.data }];
      const gpu = await WebGpuMmmDensity.create(models);
      try {
        const rand = mulberry32(72);
        const count = 16;
        const positions = new Float64Array(count * gpu.dim);
        for (let b = 0; b < count; b++) positions.set(randomPoint(gpu.dim, rand, 1), b * gpu.dim);
        const e = await batchErrors(gpu, models, positions, count, () => 0);
        if (report) console.log(model, "custom priors", e);
        expect(e.value).toBeLessThan(VALUE_TOL);
        expect(e.grad).toBeLessThan(GRAD_TOL);
      } finally {
        await gpu.dispose();
      }
    });
  }
});

describe.skipIf(gpuProbe.available)("WebGPU density", () => {
  it.skip(noGpuMessage, () => {});
});
