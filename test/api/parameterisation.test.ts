import { describe, expect, it } from "vitest";
import { fitGeoMMM } from "../../src/api/fitGeoMMM.js";
import { FittedGeoMMM } from "../../src/api/fittedGeoMMM.js";
import { fitMMM } from "../../src/api/fitMMM.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { DEFAULT_SAMPLER, resolveConfig, withGeoDefaults } from "../../src/fit/config.js";
import { InputError, NotConvergedError } from "../../src/errors.js";
import { LOCKSTEP_TARGET_ACCEPT } from "../../src/services/lockstepChains.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { ReparameterisedDensity } from "../../src/density/reparameterisedDensity.js";
import { SamplingCoordinates } from "../../src/model/samplingCoordinates.js";
import { scaleGeoRows } from "../../src/model/scaling.js";

// Short fits: what is checked is where the draws are stored and that a seed
// fixes them, not the posterior (parameterisation.stat.test.ts does that).
describe("fits in the sampler's coordinates", () => {
  const sim = simulateDataset({ seed: 7, T: 60, channels: 2, extras: 1 });
  const short = { chains: 2, warmup: 30, samples: 20, seed: 3 };

  it.each(["trend+hill", "trend+baseline"] as const)("store starts and draws in the model's coordinates (%s)", async (parameterisation) => {
    const fit = await fitMMM(sim.dataset, { sampler: { ...short, init: "median", parameterisation } });
    const median = fit.layout.medianPoint();
    for (const c of fit.record.chains) {
      for (let i = 0; i < median.length; i++) expect(c.initialPosition[i]).toBeCloseTo(median[i], 12);
    }
    // coef_trend is the model's: |coef_trend| (T - 1)^expo_trend is the trend's size, a fraction of the target.
    const x = fit.constrainedDraws()[0];
    const dim = fit.layout.dim;
    const e = fit.layout.offsetOf("expo_trend");
    const c = fit.layout.offsetOf("coef_trend");
    for (let i = 0; i < 20; i++) {
      expect(x[i * dim + e]).toBeGreaterThan(0.5);
      expect(x[i * dim + e]).toBeLessThan(1.5);
      expect(Math.abs(x[i * dim + c]) * 59 ** x[i * dim + e]).toBeLessThan(5);
    }
  });

  it("give the same draws for a seed at 1 and 2 threads, and other draws than the model's coordinates", async () => {
    // The default coordinates (trend+baseline) and Stan's identity to start from; the trend coordinates alone and the gradient's metric asked for.
    const one = await fitMMM(sim.dataset, { sampler: { ...short, threads: 0 } });
    expect(one.record.config.sampler.parameterisation).toBe("trend+baseline");
    expect(one.record.config.sampler.initialMetric).toBe("unit");
    const sheared = { ...short, parameterisation: "trend" as const, initialMetric: "gradient" as const };
    const shearedOne = await fitMMM(sim.dataset, { sampler: { ...sheared, threads: 0 } });
    const shearedTwo = await fitMMM(sim.dataset, { sampler: { ...sheared, threads: 2 } });
    for (let k = 0; k < 2; k++) expect(Array.from(shearedTwo.record.chains[k].draws)).toEqual(Array.from(shearedOne.record.chains[k].draws));
    const two = await fitMMM(sim.dataset, { sampler: { ...short, threads: 2 } });
    const model = await fitMMM(sim.dataset, { sampler: { ...short, threads: 2, parameterisation: "model" } });
    for (let k = 0; k < 2; k++) {
      expect(Array.from(two.record.chains[k].draws)).toEqual(Array.from(one.record.chains[k].draws));
      expect(Array.from(model.record.chains[k].draws)).not.toEqual(Array.from(one.record.chains[k].draws));
    }
  });

  it("refuses an unknown parameterisation, naming the option", () => {
    expect(() => resolveConfig({ sampler: { parameterisation: "centred" as never } })).toThrow(InputError);
    expect(() => resolveConfig({ sampler: { parameterisation: "centred" as never } })).toThrow(/parameterisation/);
    expect(resolveConfig({}).sampler.parameterisation).toBe(DEFAULT_SAMPLER.parameterisation);
  });
});

describe("geo fits in the geo coordinates (noncentred, season, media)", () => {
  const { dataset } = makeGeoTestData({ G: 3, T: 40, C: 2, extras: 1, seed: 6 });
  const short = { chains: 2, warmup: 30, samples: 20, seed: 3 };

  it("store draws in the model's coordinates and give the same draws at 1 and 2 threads", async () => {
    for (const parameterisation of ["noncentred", "trend+noncentred", "media+season"] as const) {
      const one = await fitGeoMMM(dataset, { sampler: { ...short, threads: 0, parameterisation } });
      const two = await fitGeoMMM(dataset, { sampler: { ...short, threads: 2, parameterisation } });
      const model = await fitGeoMMM(dataset, { sampler: { ...short, threads: 2, parameterisation: "model" } });
      for (let k = 0; k < 2; k++) {
        expect(Array.from(two.record.chains[k].draws)).toEqual(Array.from(one.record.chains[k].draws));
        expect(Array.from(model.record.chains[k].draws)).not.toEqual(Array.from(one.record.chains[k].draws));
      }
      // Stored draws are the model's: the sampler's log-density at a draw is the model's density at
      // the stored point seen through the map (were the stored point the sampler's, the two would differ).
      const data = scaleGeoRows(dataset, one.record.scalers, 0, dataset.T);
      const sampled = new ReparameterisedDensity(new MmmDensity(one.layout, data), new SamplingCoordinates(one.layout, dataset.T, parameterisation));
      const dim = one.layout.dim;
      const chain = one.record.chains[0];
      const v = new Float64Array(dim);
      for (const i of [0, 19]) {
        const u = chain.draws.subarray(i * dim, (i + 1) * dim);
        sampled.map.fromModel(u, v);
        expect(Math.abs(sampled.logp(v) - chain.stats.logp[i])).toBeLessThan(1e-8 * Math.abs(chain.stats.logp[i]));
        expect(Array.from(v)).not.toEqual(Array.from(u));
      }
      expect(one.summary()[one.layout.offsetOf("coef_media")].name).toBe("coef_media[0, 0]");
    }
  });
});

describe("what a geo fit whose chains disagree is told", () => {
  it("not the trend coordinates (they converged less often on geo), but what the geo posterior's lagging channel means", async () => {
    const { dataset } = makeGeoTestData({ G: 2, T: 30, C: 1, extras: 0, seed: 4 });
    const fit = await fitGeoMMM(dataset, { sampler: { chains: 2, warmup: 20, samples: 10, seed: 2, threads: 0 } });
    const rec = fit.record;
    const dim = fit.layout.dim;
    const shifted = Float64Array.from(rec.chains[1].draws, (v, i) => (i % dim === 0 ? v + 3 : v));
    const disagree = new FittedGeoMMM({ ...rec, chains: [rec.chains[0], { ...rec.chains[1], draws: shifted }] });
    const w = disagree.diagnostics().warnings.find((x) => x.startsWith("R-hat up to"));
    expect(rec.config.sampler.parameterisation).toBe("model");
    expect(w).not.toMatch(/--parameterisation trend/);
    expect(w).toMatch(/lag_weight 1/);
    // More warm-up did not help the geo example's split chains; longer chains (they cross between the regimes
    // every few thousand draws) come first, then a lag_weight prior away from 1, a modelling choice.
    expect(w).toMatch(/\(1\) let the chains go on until they agree \(--max-samples 100:/);
    expect(w).toMatch(/\(2\) in a geo model, .*"concentration0": 2/);
    expect(w).toMatch(/\(3\) run many chains in lockstep \(--chains 64 --method chees\)/);
  });
});

describe("the default coordinates and starting metric per model kind", () => {
  it("national NUTS fits default to trend+baseline at target acceptance 0.95, lockstep chains to trend, geo fits to the model's own at 0.85, all from the identity (where those were measured); any can be asked for", async () => {
    const { dataset } = makeGeoTestData({ G: 2, T: 30, C: 1, extras: 0, seed: 4 });
    const short = { chains: 1, warmup: 20, samples: 10, seed: 2, threads: 0 };
    const national = resolveConfig({ sampler: short }).sampler;
    expect([national.parameterisation, national.targetAccept, national.initialMetric]).toEqual(["trend+baseline", 0.95, "unit"]);
    expect(resolveConfig({ sampler: { ...short, method: "chees" } }).sampler.parameterisation).toBe("trend");
    expect(resolveConfig({ sampler: { ...short, backend: "webgpu" } }).sampler.parameterisation).toBe("trend");
    expect(resolveConfig({ sampler: { ...short, backend: "webgpu", parameterisation: "model" } }).sampler.parameterisation).toBe("model");
    expect(resolveConfig({ sampler: { ...short, targetAccept: 0.8 } }).sampler.targetAccept).toBe(0.8);
    const geo = (await fitGeoMMM(dataset, { sampler: short })).record.config.sampler;
    expect([geo.parameterisation, geo.targetAccept, geo.initialMetric]).toEqual(["model", 0.85, "unit"]);
    expect((await fitGeoMMM(dataset, { sampler: { ...short, targetAccept: 0.9 } })).record.config.sampler.targetAccept).toBe(0.9);
    expect((await fitGeoMMM(dataset, { sampler: { ...short, parameterisation: undefined } })).record.config.sampler.parameterisation).toBe("model");
    const asked = (await fitGeoMMM(dataset, { sampler: { ...short, parameterisation: "trend", initialMetric: "gradient" } })).record.config.sampler;
    expect([asked.parameterisation, asked.initialMetric]).toEqual(["trend", "gradient"]);
  });
});

describe("the target acceptance of many chains in lockstep", () => {
  it("defaults to the lockstep chains' own (not NUTS's), national or geo, is recorded, and a given one reaches their step sizes", async () => {
    const short = { chains: 1, warmup: 20, samples: 10, seed: 2, threads: 0 };
    expect(resolveConfig({ sampler: { ...short, method: "chees" } }).sampler.targetAccept).toBe(LOCKSTEP_TARGET_ACCEPT);
    expect(resolveConfig({ sampler: { ...short, backend: "webgpu" } }).sampler.targetAccept).toBe(LOCKSTEP_TARGET_ACCEPT);
    expect(resolveConfig({ sampler: { ...short, method: "chees", targetAccept: 0.9 } }).sampler.targetAccept).toBe(0.9);
    expect(withGeoDefaults({ ...short, method: "chees" }).targetAccept).toBeUndefined();
    expect(withGeoDefaults({ ...short, method: "nuts" }).targetAccept).toBe(0.85);
    // The same lockstep fit at two targets: a higher target must give smaller step sizes (before, the
    // option never reached the lockstep chains and both fits were the same).
    const sim = simulateDataset({ seed: 3, T: 52, channels: 2, extras: 0 });
    const lockstep = { chains: 8, warmup: 150, samples: 10, seed: 4, threads: 0, method: "chees" as const, backend: "cpu" as const };
    const stepSizes = async (targetAccept?: number) => {
      try {
        const fit = await fitMMM(sim.dataset, { sampler: { ...lockstep, ...(targetAccept !== undefined ? { targetAccept } : {}) } });
        return { record: fit.record.config.sampler.targetAccept, steps: fit.diagnostics().step_sizes };
      } catch (e) {
        // 10 draws need not agree: the fit the error carries has the chains.
        if (!(e instanceof NotConvergedError)) throw e;
        const fit = e.fit as FittedMMM;
        return { record: fit.record.config.sampler.targetAccept, steps: fit.diagnostics().step_sizes };
      }
    };
    const byDefault = await stepSizes();
    const high = await stepSizes(0.97);
    expect(byDefault.record).toBe(LOCKSTEP_TARGET_ACCEPT);
    expect(high.record).toBe(0.97);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(high.steps)).toBeLessThan(0.8 * mean(byDefault.steps));
  });
});
