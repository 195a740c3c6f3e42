// The WebGPU kernels in the trend coordinates (the national default) against
// the float64 density in the same coordinates: values against the reference
// density at the mapped point plus the map's log-Jacobian, gradients against
// the WebAssembly core seen through SamplingCoordinates (itself checked
// against finite differences in test/density/reparameterisedDensity.test.ts),
// one point per case against finite differences of the reference directly;
// coef_trend scaled (Normal prior), shifted (a positive prior) or left alone
// (an interval prior, or too few periods), per dataset; and a short leapfrog
// trajectory against float64 leapfrog in the same coordinates.
import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { ReparameterisedDensity } from "../../src/density/reparameterisedDensity.js";
import { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";
import { WebGpuLockstepIntegrator } from "../../src/gpu/webGpuLockstepIntegrator.js";
import { InputError } from "../../src/errors.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { SamplingCoordinates } from "../../src/model/samplingCoordinates.js";
import type { Prior } from "../../src/model/priors.js";
import type { GpuModelData } from "../../src/gpu/datasetPack.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { gpuProbe, noGpuMessage, pointsNear, simulated } from "./gpuFixtures.js";

// The f32 tolerances of test/gpu/density.test.ts.
const VALUE_TOL = 1e-5;
const GRAD_TOL = 5e-5;

/** The float64 density of a model in the trend coordinates, and its reference value at a point. */
function trendCpu(m: GpuModelData) {
  const map = new SamplingCoordinates(m.layout, m.data.T, "trend", m.data);
  const density = new ReparameterisedDensity(new MmmDensity(m.layout, m.data), map);
  const u = new Float64Array(m.layout.dim);
  const reference = (v: Float64Array) => {
    const logJacobian = map.toModel(v, u);
    return referenceLogDensity(m.layout, m.data, u).lpJacobian + logJacobian;
  };
  return { map, density, reference };
}

/** Worst errors over a batch of positions in the trend coordinates (as test/gpu/density.test.ts measures them). */
async function trendErrors(gpu: WebGpuMmmDensity, models: GpuModelData[], positions: Float64Array, count: number, modelOf: (b: number) => number) {
  const dim = gpu.dim;
  const grads = new Float64Array(count * dim);
  const lps = new Float64Array(count);
  await gpu.logpGradBatch(positions, grads, lps, count);
  const cpu = models.map(trendCpu);
  const g = new Float64Array(dim);
  let value = 0;
  let grad = 0;
  for (let b = 0; b < count; b++) {
    const { density, reference } = cpu[modelOf(b)];
    const v = positions.subarray(b * dim, (b + 1) * dim);
    const ref = reference(v);
    const lp = density.logpGrad(v, g);
    expect(Number.isFinite(lps[b]), `position ${b}: GPU logp ${lps[b]}, reference ${ref}`).toBe(true);
    expect(Math.abs(lp - ref) / Math.max(1, Math.abs(ref))).toBeLessThan(1e-10);
    value = Math.max(value, Math.abs(lps[b] - ref) / Math.max(1, Math.abs(ref)));
    let scale = 1;
    for (let i = 0; i < dim; i++) scale = Math.max(scale, Math.abs(g[i]));
    for (let i = 0; i < dim; i++) grad = Math.max(grad, Math.abs(grads[b * dim + i] - g[i]) / scale);
  }
  return { value, grad };
}

/** The model's density and the trend one differ at a point: the map moved something. */
function movesCoefTrend(m: GpuModelData, v: Float64Array): boolean {
  const u = new Float64Array(v.length);
  new SamplingCoordinates(m.layout, m.data.T, "trend", m.data).toModel(v, u);
  const i = m.layout.offsetOf("coef_trend");
  return u[i] !== v[i];
}

describe.skipIf(!gpuProbe.available)("WebGPU density in the trend coordinates", () => {
  it("simulated data near the true parameters (Normal prior on coef_trend: scaled), with finite differences", async () => {
    const sim = simulated("hill_adstock", 13);
    const { map, reference } = trendCpu(sim);
    const centre = new Float64Array(sim.layout.dim);
    map.fromModel(sim.truth, centre);
    const gpu = await WebGpuMmmDensity.create(sim, { parameterisation: "trend" });
    try {
      const count = 100;
      const positions = pointsNear(centre, count, 0.3, 6);
      expect(movesCoefTrend(sim, positions.subarray(0, sim.layout.dim))).toBe(true);
      const e = await trendErrors(gpu, [sim], positions, count, () => 0);
      expect(e.value).toBeLessThan(VALUE_TOL);
      expect(e.grad).toBeLessThan(GRAD_TOL);
      const v = positions.slice(0, gpu.dim);
      const fd = finiteDifferenceGradient(reference, v);
      const g = new Float64Array(gpu.dim);
      await gpu.logpGradBatch(v, g, new Float64Array(1), 1);
      const scale = Math.max(1, ...Array.from(fd, Math.abs));
      for (let i = 0; i < gpu.dim; i++) expect(Math.abs(g[i] - fd[i]) / scale, sim.layout.labels()[i]).toBeLessThan(GRAD_TOL);
    } finally {
      await gpu.dispose();
    }
  });

  it("coef_trend scaled, shifted or left alone per dataset's prior in one dispatch, every model", async () => {
    const cases: { coef_trend?: Prior; expo_trend?: Prior }[] = [
      {},
      { coef_trend: { dist: "HalfNormal", scale: 0.2 }, expo_trend: { dist: "Gamma", concentration: 3, rate: 3 } },
      { coef_trend: { dist: "LogNormal", loc: -1, scale: 0.5 } },
      // An interval prior keeps the model's coordinates, as on the CPU.
      { coef_trend: { dist: "Uniform", low: -1, high: 1 } },
    ];
    for (const model of ["hill_adstock", "adstock", "carryover"] as const) {
      const base = makeFixture({ model, T: 60, C: 3, F: 1, degrees: 2, seed: 81 });
      const models = cases.map((customPriors) => ({ layout: new ParameterLayout({ ...base.layout.structure, customPriors }), data: base.data }));
      const gpu = await WebGpuMmmDensity.create(models, { parameterisation: "trend" });
      try {
        const rand = mulberry32(82);
        const count = 16;
        const positions = new Float64Array(count * gpu.dim);
        for (let b = 0; b < count; b++) positions.set(randomPoint(gpu.dim, rand, 1), b * gpu.dim);
        const moved = cases.map((_, k) => movesCoefTrend(models[k], positions.subarray(k * gpu.dim, (k + 1) * gpu.dim)));
        expect(moved).toEqual([true, true, true, false]);
        const e = await trendErrors(gpu, models, positions, count, (b) => b % cases.length);
        expect(e.value, model).toBeLessThan(VALUE_TOL);
        expect(e.grad, model).toBeLessThan(GRAD_TOL);
      } finally {
        await gpu.dispose();
      }
    }
  });

  it("with too few periods for a reference time (T = 2) the positions are the model's", async () => {
    const m = makeFixture({ model: "hill_adstock", T: 2, C: 2, F: 0, degrees: 0, seed: 83 });
    const trend = await WebGpuMmmDensity.create(m, { parameterisation: "trend" });
    const own = await WebGpuMmmDensity.create(m);
    try {
      const positions = randomPoint(m.layout.dim, mulberry32(84), 1);
      const [ga, gb] = [new Float64Array(m.layout.dim), new Float64Array(m.layout.dim)];
      const [la, lb] = [new Float64Array(1), new Float64Array(1)];
      await trend.logpGradBatch(positions, ga, la, 1);
      await own.logpGradBatch(positions, gb, lb, 1);
      expect(la[0]).toBe(lb[0]);
      expect(Array.from(ga)).toEqual(Array.from(gb));
    } finally {
      await trend.dispose();
      await own.dispose();
    }
  });

  it("refuses coordinates the kernels do not implement, naming the option", async () => {
    const m = makeFixture({ model: "hill_adstock", T: 20, C: 2, F: 1, degrees: 0, seed: 85 });
    for (const parameterisation of ["trend+baseline", "trend+hill", "media"]) {
      const made = WebGpuMmmDensity.create(m, { parameterisation });
      await expect(made).rejects.toThrow(InputError);
      await expect(made).rejects.toThrow(/parameterisation: .*use trend or model/);
    }
  });

  it("a short leapfrog trajectory matches float64 leapfrog in the trend coordinates", async () => {
    const sim = simulated("hill_adstock", 23);
    const { map, density } = trendCpu(sim);
    const centre = new Float64Array(sim.layout.dim);
    map.fromModel(sim.truth, centre);
    const chains = 32;
    const integrator = await WebGpuLockstepIntegrator.create(sim, chains, { parameterisation: "trend" });
    try {
      const dim = integrator.dim;
      const q = pointsNear(centre, chains, 0.01, 9);
      const g = new Float64Array(chains * dim);
      const lp = new Float64Array(chains);
      await integrator.evaluate(q, g, lp);
      const rand = mulberry32(10);
      const p = Float64Array.from({ length: chains * dim }, () => rand() + rand() + rand() + rand() - 2);
      const invMetric = Float64Array.from({ length: dim }, (_, i) => 1e-4 * (1 + (i % 3)));
      const [q64, p64, g64, lp64] = [q.slice(), p.slice(), new Float64Array(chains * dim), new Float64Array(chains)];
      for (let c = 0; c < chains; c++) lp64[c] = density.logpGrad(q64.subarray(c * dim, (c + 1) * dim), g64.subarray(c * dim, (c + 1) * dim));
      const steps = 10;
      const eps = 0.3;
      await integrator.leapfrog(q, p, g, lp, eps, steps, invMetric);
      for (let c = 0; c < chains; c++) {
        const qc = q64.subarray(c * dim, (c + 1) * dim);
        const pc = p64.subarray(c * dim, (c + 1) * dim);
        const gc = g64.subarray(c * dim, (c + 1) * dim);
        for (let s = 0; s < steps; s++) {
          for (let i = 0; i < dim; i++) {
            pc[i] += 0.5 * eps * gc[i];
            qc[i] += eps * invMetric[i] * pc[i];
          }
          lp64[c] = density.logpGrad(qc, gc);
          for (let i = 0; i < dim; i++) pc[i] += 0.5 * eps * gc[i];
        }
      }
      let worstQ = 0;
      let worstLp = 0;
      for (let i = 0; i < chains * dim; i++) worstQ = Math.max(worstQ, Math.abs(q[i] - q64[i]));
      for (let c = 0; c < chains; c++) worstLp = Math.max(worstLp, Math.abs(lp[c] - lp64[c]) / Math.max(1, Math.abs(lp64[c])));
      // The trajectory moved (the trend coordinates' level among the moved coordinates) and the two agree to f32 precision.
      const level = sim.layout.offsetOf("coef_trend");
      let moved = 0;
      for (let c = 0; c < chains; c++) moved = Math.max(moved, Math.abs(q64[c * dim + level] - centre[level]));
      expect(moved).toBeGreaterThan(1e-3);
      expect(worstQ).toBeLessThan(1e-4);
      expect(worstLp).toBeLessThan(1e-5);
    } finally {
      await integrator.dispose();
    }
  });
});

describe.skipIf(gpuProbe.available)("WebGPU density in the trend coordinates", () => {
  it.skip(noGpuMessage, () => {});
});
