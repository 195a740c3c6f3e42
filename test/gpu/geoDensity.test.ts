// The WebGPU geo density (f32) against the float64 reference of MODEL.md's
// geo model (density/geoReference.ts): values against the reference,
// gradients against the WebAssembly core's float64 gradient and, on one point
// per case, against finite differences of the reference itself. The presets
// (geometric and carryover filters) and the other adstock filters;
// seasonality, shared and per-geo extra features, weekday; the hierarchical
// coef_media prior and a custom one in its place; several datasets of one
// structure; the coordinates and ROI priors it refuses.
import { describe, expect, it } from "vitest";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";
import { packDatasets } from "../../src/gpu/datasetPack.js";
import { MODEL_NAMES } from "../../src/model/structure.js";
import { ADSTOCK_NAMES, SATURATION_NAMES, composedName } from "../../src/model/modelChoice.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { makeGeoFixture, type GeoFixtureShape } from "../helpers/geoFixtures.js";
import { randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { batchErrors, gpuProbe, noGpuMessage, pointsNear } from "./gpuFixtures.js";

const report = process.env.GPU_REPORT !== undefined;

// As the national test's (density.test.ts): f32 against float64.
const VALUE_TOL = 1e-5;
const GRAD_TOL = 5e-5;

/** Random points within `radius` of the prior medians (the region a fit starts in). */
function pointsAroundMedian(layout: ParameterLayout, count: number, radius: number, seed: number): Float64Array {
  return pointsNear(layout.medianPoint(), count, radius, seed);
}

describe.skipIf(!gpuProbe.available)("WebGPU geo density against the float64 reference", () => {
  for (const [k, model] of MODEL_NAMES.entries()) {
    it(`${model}: 4 geos, seasonality, a shared extra feature; one point against finite differences`, async () => {
      const fixture = makeGeoFixture({ model, T: 60, C: 3, G: 4, F: 1, degrees: 2, seed: 40 + k });
      const gpu = await WebGpuMmmDensity.create(fixture);
      try {
        const count = 24;
        const positions = pointsAroundMedian(fixture.layout, count, 1, 7 + k);
        const e = await batchErrors(gpu, [fixture], positions, count, () => 0);
        if (report) console.log(model, "geo", e);
        expect(e.value).toBeLessThan(VALUE_TOL);
        expect(e.grad).toBeLessThan(GRAD_TOL);
        const u = positions.slice(0, gpu.dim);
        const fd = finiteDifferenceGradient((x) => referenceLogDensity(fixture.layout, fixture.data, x).lpJacobian, u);
        const g = new Float64Array(gpu.dim);
        await gpu.logpGradBatch(u, g, new Float64Array(1), 1);
        const scale = Math.max(1, ...Array.from(fd, Math.abs));
        for (let i = 0; i < gpu.dim; i++) expect(Math.abs(g[i] - fd[i]) / scale, fixture.layout.labels()[i]).toBeLessThan(GRAD_TOL);
      } finally {
        await gpu.dispose();
      }
    });
  }

  // The adstock filters the presets leave out (the convolutions keep their lag weights in scratch per geo), each with another saturation.
  for (const [k, adstock] of ADSTOCK_NAMES.filter((a) => !["geometric", "carryover"].includes(a)).entries()) {
    const model = composedName(adstock, SATURATION_NAMES[(k + 1) % SATURATION_NAMES.length]!);
    it(`${model}: 3 geos, random points`, async () => {
      const fixture = makeGeoFixture({ model, T: 45, C: 2, G: 3, F: 1, degrees: 1, seed: 700 + k });
      const gpu = await WebGpuMmmDensity.create(fixture);
      try {
        const positions = pointsAroundMedian(fixture.layout, 12, 1, 710 + k);
        const e = await batchErrors(gpu, [fixture], positions, 12, () => 0);
        if (report) console.log(model, "geo", e);
        expect(e.value).toBeLessThan(VALUE_TOL);
        expect(e.grad).toBeLessThan(GRAD_TOL);
      } finally {
        await gpu.dispose();
      }
    });
  }

  const shapes: Omit<GeoFixtureShape, "model" | "seed">[] = [
    { T: 1, C: 1, G: 1, F: 0, degrees: 0 },
    { T: 9, C: 2, G: 2, F: 0, degrees: 1, weekday: true },
    { T: 52, C: 4, G: 5, F: 2, degrees: 0, geoExtra: true },
    { T: 70, C: 3, G: 3, F: 2, degrees: 2, geoExtra: true, weekday: true },
    { T: 104, C: 5, G: 8, F: 1, degrees: 3 },
  ];
  for (const [k, shape] of shapes.entries()) {
    const model = MODEL_NAMES[k % MODEL_NAMES.length];
    const label = `T=${shape.T} C=${shape.C} G=${shape.G} F=${shape.F}${shape.geoExtra ? " per geo" : ""} D=${shape.degrees}${shape.weekday ? " weekday" : ""}`;
    it(`${model} ${label}: random points, three datasets of one structure`, async () => {
      const models = [0, 1, 2].map((j) => makeGeoFixture({ model, ...shape, seed: 500 + 10 * k + j }));
      const gpu = await WebGpuMmmDensity.create(models);
      try {
        const rand = mulberry32(600 + k);
        const count = 12;
        const positions = new Float64Array(count * gpu.dim);
        for (let b = 0; b < count; b++) positions.set(randomPoint(gpu.dim, rand, 1), b * gpu.dim);
        const e = await batchErrors(gpu, models, positions, count, (b) => b % 3);
        if (report) console.log(model, label, e);
        expect(e.value).toBeLessThan(VALUE_TOL);
        expect(e.grad).toBeLessThan(GRAD_TOL);
      } finally {
        await gpu.dispose();
      }
    });
  }

  it("a custom coef_media prior in place of the hierarchical one: a fixed prior per element", async () => {
    const base = makeGeoFixture({ model: "hill_adstock", T: 40, C: 2, G: 3, F: 0, degrees: 1, seed: 81 });
    const layout = new ParameterLayout({ ...base.layout.structure, customPriors: { coef_media: { dist: "Gamma", concentration: 2, rate: 4 } } });
    expect(layout.block("coef_media").scaleFrom).toBeUndefined();
    const models = [{ layout, data: base.data }];
    const gpu = await WebGpuMmmDensity.create(models);
    try {
      const positions = pointsAroundMedian(layout, 16, 1, 82);
      const e = await batchErrors(gpu, models, positions, 16, () => 0);
      expect(e.value).toBeLessThan(VALUE_TOL);
      expect(e.grad).toBeLessThan(GRAD_TOL);
    } finally {
      await gpu.dispose();
    }
  });

  it("the hierarchical prior moves with channel_coef_media: the same coef_media under another channel scale", async () => {
    // Only channel_coef_media differs between the two points: the change in lp is the prior's alone.
    const fixture = makeGeoFixture({ model: "hill_adstock", T: 30, C: 2, G: 3, F: 0, degrees: 0, seed: 83 });
    const gpu = await WebGpuMmmDensity.create(fixture);
    try {
      const a = fixture.layout.medianPoint();
      const b = a.slice();
      b[fixture.layout.block("channel_coef_media").offset] += 0.7;
      const positions = new Float64Array([...a, ...b]);
      const lps = new Float64Array(2);
      await gpu.logpGradBatch(positions, new Float64Array(2 * gpu.dim), lps, 2);
      const ref = [a, b].map((u) => referenceLogDensity(fixture.layout, fixture.data, u).lpJacobian);
      expect(Math.abs(ref[1] - ref[0])).toBeGreaterThan(0.1);
      expect(Math.abs(lps[1] - lps[0] - (ref[1] - ref[0]))).toBeLessThan(1e-3 * Math.max(1, Math.abs(ref[0])));
    } finally {
      await gpu.dispose();
    }
  });
});

describe("WebGPU geo kernel: what it refuses, before any device is needed", () => {
  it("geo ROI priors: the kernel has none (the fit runs them on the CPU)", () => {
    const base = makeGeoFixture({ model: "hill_adstock", T: 20, C: 2, G: 2, F: 0, degrees: 0, seed: 90 });
    const layout = new ParameterLayout({ ...base.layout.structure, roiPrior: true });
    expect(() => packDatasets([{ layout, data: base.data }])).toThrow(/geo kernel has no ROI priors/);
  });

  it("geo datasets must agree in geos and per-geo extras to share a dispatch", () => {
    const a = makeGeoFixture({ model: "hill_adstock", T: 20, C: 2, G: 2, F: 1, degrees: 0, seed: 91 });
    const b = makeGeoFixture({ model: "hill_adstock", T: 20, C: 2, G: 3, F: 1, degrees: 0, seed: 92 });
    expect(() => packDatasets([a, b])).toThrow(/dataset 1 has another model structure/);
  });
});

describe.skipIf(!gpuProbe.available)("WebGPU geo kernel coordinates", () => {
  it("integrates in the model's coordinates only, and says which to use", async () => {
    const fixture = makeGeoFixture({ model: "hill_adstock", T: 20, C: 2, G: 2, F: 0, degrees: 0, seed: 93 });
    await expect(WebGpuMmmDensity.create(fixture, { parameterisation: "trend" })).rejects.toThrow(/geo kernel integrates in the model's coordinates, not "trend"; use model/);
  });
});

describe.skipIf(gpuProbe.available)("WebGPU geo density", () => {
  it.skip(noGpuMessage, () => {});
});
