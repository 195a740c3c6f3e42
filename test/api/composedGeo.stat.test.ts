import { describe, expect, it } from "vitest";
import { fitGeoMMM } from "../../src/api/fitGeoMMM.js";
import { buildReportHtml } from "../../src/report/report.js";
import { composedPairsUnderTest } from "./composedPairs.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";

// Each adstock x saturation pair under test as a geo model, with a lift test in one
// geo: it fits, and response curves, the budget optimizer and the geo report
// (with its lift-test table) work on the fit. Short chains: this checks the
// path, not the posterior (the density is checked against the float64
// reference in test/density). The pairs of composedPairs.ts: a covering set
// by default, MMM_ALL_PAIRS=1 for all 35, MODELS=a+b,... a subset.
const models = composedPairsUnderTest();
const { dataset } = makeGeoTestData({ G: 3, T: 52, C: 2, extras: 1, seed: 2 });
const C = dataset.channelNames.length;
const G = dataset.geoNames.length;
// Geo 1's mean spend of channel 0 per period, raised by half; the lift is a plausible size, not a truth.
const x = Array.from({ length: dataset.T }, (_, t) => dataset.media[t * C * G + 1]).reduce((a, b) => a + b, 0) / dataset.T;
const liftTests = [{ channel: dataset.channelNames[0], geo: dataset.geoNames[1], x, deltaX: 0.5 * x, deltaY: 0.02 * x, sigma: 0.01 * x }];

describe("adstock x saturation pairs as geo models", () => {
  for (const model of models) {
    it(model, async () => {
      const fit = await fitGeoMMM(dataset, { model, liftTests, sampler: { chains: 2, warmup: 80, samples: 40, seed: 5 } });
      const names = fit.summary().map((r) => r.name);
      expect(names).toContain("coef_media[1, 2]");
      for (const r of fit.summary()) expect(Number.isFinite(r.mean), `${model} ${r.name}`).toBe(true);
      const curves = fit.responseCurves({ multipliers: [0, 1, 2], maxDraws: 10 });
      expect(curves.length).toBeGreaterThan(0);
      for (const c of curves) {
        expect(c.points[0].incremental.mean).toBeCloseTo(0, 9);
        expect(c.points[2].incremental.mean).toBeGreaterThanOrEqual(c.points[1].incremental.mean);
      }
      const perPeriod = dataset.media.reduce((a, b) => a + b, 0) / dataset.T;
      const plan = await fit.optimizeBudget({ budget: 13 * perPeriod, periods: 13, draws: 10 });
      expect(Number.isFinite(plan.kpi_after.mean)).toBe(true);
      const check = fit.liftTestCheck(liftTests);
      expect(check).toHaveLength(1);
      expect(Number.isFinite(check[0].model.mean)).toBe(true);
      const html = await buildReportHtml(fit, { generatedAt: new Date("2025-01-01T00:00:00Z") });
      expect(html).toContain(model);
      expect(html).toContain('id="lift-table"');
    });
  }
});
