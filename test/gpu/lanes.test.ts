// Kernels whose workgroup's lanes share one position (GpuMmmKernelOptions.lanes)
// against the float64 reference and against the one-invocation-per-position
// kernel: log-densities, gradients and whole leapfrog trajectories, national
// (the recursive filter and a convolution, weekday, ROI priors) and geo, several lane counts
// (fewer lanes than channels, more lanes than periods).
import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";
import { WebGpuLockstepIntegrator } from "../../src/gpu/webGpuLockstepIntegrator.js";
import type { GpuModelData } from "../../src/gpu/datasetPack.js";
import { composedName } from "../../src/model/modelChoice.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { roiCalibration } from "../../src/model/roiCalibration.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { gpuProbe, noGpuMessage, pointsNear } from "./gpuFixtures.js";

// The f32 tolerances of density.test.ts.
const VALUE_TOL = 1e-5;
const GRAD_TOL = 5e-5;

interface Case {
  label: string;
  model: GpuModelData;
  /** Lanes sharing each position (one count per case keeps the compiles few). */
  lanes: number;
}

function cases(): Case[] {
  // The recursive filter and a convolution (whose weights and d/dconv rows are per channel).
  const national = (["geometric", "weibull_pdf"] as const).map((a, k) => ({
    label: `${a} national, T=45 C=3${k === 0 ? ", weekday" : ""}`,
    model: makeFixture({ model: composedName(a, "hill"), T: 45, C: 3, F: 1, degrees: 1, weekday: k === 0, seed: 120 + k }),
    lanes: 32,
  }));
  const base = makeFixture({ model: "hill_adstock", T: 60, C: 6, F: 2, degrees: 2, seed: 131 });
  // ROI priors (each channel's coefficient derived from its roi over a calibration period), as roiDensity.test.ts.
  const roiBase = makeFixture({ model: "weibull_cdf+hill", T: 48, C: 3, F: 1, degrees: 1, seed: 135 });
  const cal = roiCalibration({
    data: roiBase.data,
    nChannels: 3,
    channelNames: ["ch0", "ch1", "ch2"],
    mediaScale: (c) => 1000 * (1 + c),
    targetScale: () => 50000,
    rows: [12, 45],
  });
  const roi = { layout: new ParameterLayout({ ...roiBase.layout.structure, roiPrior: true }), data: { ...roiBase.data, roiCalibration: cal } };
  return [
    ...national,
    { label: "hill_adstock national, T=60 C=6 (more channels and design columns than the lanes)", model: base, lanes: 4 },
    { label: "weibull_cdf+hill national with ROI priors on part of the data", model: roi, lanes: 32 },
    { label: "adstock national, T=3 C=2 (fewer periods than the lanes)", model: makeFixture({ model: "adstock", T: 3, C: 2, F: 0, degrees: 0, seed: 132 }), lanes: 64 },
    { label: "carryover geo, G=4 T=40 C=3, per-geo extras, weekday", model: makeGeoFixture({ model: "carryover", T: 40, C: 3, G: 4, F: 2, degrees: 1, geoExtra: true, weekday: true, seed: 133 }), lanes: 8 },
    { label: "hill_adstock geo, G=3 T=52 C=2, shared extra, seasonality", model: makeGeoFixture({ model: "hill_adstock", T: 52, C: 2, G: 3, F: 1, degrees: 2, seed: 134 }), lanes: 32 },
  ];
}

async function evaluateWith(model: GpuModelData, lanes: number, positions: Float64Array, count: number) {
  const gpu = await WebGpuMmmDensity.create(model, { lanes });
  try {
    const grads = new Float64Array(count * gpu.dim);
    const lps = new Float64Array(count);
    await gpu.logpGradBatch(positions, grads, lps, count);
    return { grads, lps };
  } finally {
    await gpu.dispose();
  }
}

describe.skipIf(!gpuProbe.available)("lanes sharing a position", () => {
  for (const { label, model, lanes } of cases()) {
    it(`${label}: values and gradients at ${lanes} lanes against the reference and against one lane`, async () => {
      const dim = model.layout.dim;
      const count = 6;
      const rand = mulberry32(77);
      const positions = new Float64Array(count * dim);
      for (let b = 0; b < count; b++) positions.set(randomPoint(dim, rand, 1), b * dim);
      const one = await evaluateWith(model, 1, positions, count);
      const cpu = new MmmDensity(model.layout, model.data);
      const g = new Float64Array(dim);
      {
        const many = await evaluateWith(model, lanes, positions, count);
        for (let b = 0; b < count; b++) {
          const u = positions.subarray(b * dim, (b + 1) * dim);
          const ref = referenceLogDensity(model.layout, model.data, u).lpJacobian;
          cpu.logpGrad(u, g);
          const scale = Math.max(1, ...Array.from(g, Math.abs));
          expect(Math.abs(many.lps[b] - ref) / Math.max(1, Math.abs(ref)), `lanes ${lanes}, position ${b}`).toBeLessThan(VALUE_TOL);
          expect(Math.abs(many.lps[b] - one.lps[b]) / Math.max(1, Math.abs(ref))).toBeLessThan(VALUE_TOL);
          for (let i = 0; i < dim; i++) {
            expect(Math.abs(many.grads[b * dim + i] - g[i]) / scale, `lanes ${lanes}, position ${b}, ${model.layout.labels()[i]}`).toBeLessThan(GRAD_TOL);
          }
        }
      }
    });
  }

  it("whole trajectories: lanes 32 follow lanes 1, stopped and diverging chains alike", async () => {
    const model = makeGeoFixture({ model: "hill_adstock", T: 30, C: 2, G: 3, F: 1, degrees: 1, seed: 140 });
    const dim = model.layout.dim;
    const chains = 5;
    const start = pointsNear(model.layout.medianPoint(), chains, 0.3, 141);
    const momenta0 = Float64Array.from({ length: chains * dim }, (_, i) => Math.sin(i));
    const stepSizes = Float64Array.from([0.01, 0.02, 0.005, 0.01, 40]); // the last diverges
    const run = async (lanes: number) => {
      const integrator = await WebGpuLockstepIntegrator.create(model, chains, { lanes });
      try {
        const pos = start.slice();
        const mom = momenta0.slice();
        const grad = new Float64Array(chains * dim);
        const lps = new Float64Array(chains);
        await integrator.evaluate(pos, grad, lps);
        lps[3] = -Infinity; // a stopped chain stays where it is
        await integrator.leapfrog(pos, mom, grad, lps, stepSizes, 12, new Float64Array(dim).fill(1));
        return { pos, mom, grad, lps };
      } finally {
        await integrator.dispose();
      }
    };
    const one = await run(1);
    const many = await run(32);
    expect(one.lps[3]).toBe(-Infinity);
    expect(many.lps[3]).toBe(-Infinity);
    expect(Array.from(many.pos.subarray(3 * dim, 4 * dim))).toEqual(Array.from(start.subarray(3 * dim, 4 * dim), Math.fround));
    expect(one.lps[4]).toBe(-Infinity);
    expect(many.lps[4]).toBe(-Infinity);
    // The others move (at least two of them stay finite); each as lanes 1 moves it, or stops where it stops.
    expect([0, 1, 2].filter((b) => Number.isFinite(one.lps[b])).length).toBeGreaterThanOrEqual(2);
    for (const b of [0, 1, 2]) {
      if (!Number.isFinite(one.lps[b])) {
        expect(many.lps[b]).toBe(-Infinity);
        continue;
      }
      expect(Math.abs(many.lps[b] - one.lps[b])).toBeLessThan(1e-3);
      for (let i = 0; i < dim; i++) {
        expect(Math.abs(many.pos[b * dim + i] - one.pos[b * dim + i]), `chain ${b} ${model.layout.labels()[i]}`).toBeLessThan(1e-4);
        expect(Math.abs(many.mom[b * dim + i] - one.mom[b * dim + i])).toBeLessThan(1e-3);
        expect(Math.abs(many.grad[b * dim + i] - one.grad[b * dim + i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(one.grad[b * dim + i])));
      }
    }
  });

  it("refuses lane counts that are not a power of two up to 256", async () => {
    const model = makeFixture({ model: "adstock", T: 10, C: 2, F: 0, degrees: 0, seed: 150 });
    for (const lanes of [0, 3, 512]) {
      await expect(WebGpuMmmDensity.create(model, { lanes })).rejects.toThrow(/lanes must be a power of two from 1 to 256/);
    }
  });
});

describe.skipIf(gpuProbe.available)("lanes sharing a position", () => {
  it.skip(noGpuMessage, () => {});
});

