import { beforeAll, describe, expect, it } from "vitest";
import { fitGeoMMM } from "../../src/api/fitGeoMMM.js";
import { FittedGeoMMM } from "../../src/api/fittedGeoMMM.js";
import { FittedMMM } from "../../src/api/fittedMMM.js";
import { datasetRows as geoDatasetRows } from "../../src/analysis/panel.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";

describe("fitGeoMMM", () => {
  const G = 3;
  const T = 52;
  const C = 2;
  const { dataset } = makeGeoTestData({ G, T, C, extras: 1, seed: 2 });
  let fit: FittedGeoMMM;

  beforeAll(async () => {
    fit = await fitGeoMMM(dataset, { sampler: { chains: 2, warmup: 150, samples: 60, seed: 5, threads: 0 } }, { trainRows: 46 });
  }, 120_000);

  it("builds the geo structure and per-geo parameter names", () => {
    expect(fit.record.structure.nGeos).toBe(G);
    expect(fit.record.structure.geoExtra).toBe(false);
    expect(fit.record.scalers.target).toHaveLength(G);
    const names = fit.summary().map((r) => r.name);
    expect(names).toContain("intercept[2]");
    expect(names).toContain("coef_media[1, 2]");
    expect(names).toContain("channel_coef_media[1]");
    expect(names).toHaveLength(fit.layout.dim);
    const d = fit.diagnostics();
    expect(d.chains).toBe(2);
    expect(d.draws).toBe(60);
    expect(Number.isFinite(d.min_ess_bulk)).toBe(true);
  });

  it("reports metrics per geo and nationally, train and test", () => {
    const m = fit.metrics();
    expect(m.perGeo.map((g) => g.geo)).toEqual(["geo0", "geo1", "geo2"]);
    for (const g of m.perGeo) {
      expect(g.train.periods).toBe(46);
      expect(g.test?.periods).toBe(6);
      expect(g.train.r2).toBeGreaterThan(0);
    }
    expect(m.national.train.r2).toBeGreaterThan(0.2);
    expect(m.national.train.bayesian_r2).toBeGreaterThan(0);
    expect(m.national.train.bayesian_r2).toBeLessThanOrEqual(1);
  });

  it("per-geo contributions sum to the national ones", () => {
    const c = fit.contributions();
    expect(c.national.periods).toHaveLength(46);
    for (let ci = 0; ci < C; ci++) {
      const perGeoTotal = c.perGeo.reduce((a, g) => a + g.totals.media[ci].mean, 0);
      expect(perGeoTotal).toBeCloseTo(c.national.totals.media[ci].mean, 6);
      for (const t of [0, 20, 45]) {
        const sum = c.perGeo.reduce((a, g) => a + g.periods[t].media[ci], 0);
        expect(sum).toBeCloseTo(c.national.periods[t].media[ci].mean, 6);
      }
    }
    const predSum = c.perGeo.reduce((a, g) => a + g.totals.prediction.mean, 0);
    expect(predSum).toBeCloseTo(c.national.totals.prediction.mean, 4);
    expect(c.national.periods[3].actual).toBeCloseTo(dataset.target[3 * G] + dataset.target[3 * G + 1] + dataset.target[3 * G + 2], 9);
    // Contributions are non-negative (positive coefficients and saturations).
    for (const g of c.perGeo) for (const m of g.totals.media) expect(m["hdi_3%"]).toBeGreaterThanOrEqual(0);
  });

  it("ROI per geo and national agree with contributions and spend", () => {
    const r = fit.roi();
    const c = fit.contributions();
    for (let ci = 0; ci < C; ci++) {
      const nat = r.national[ci];
      expect(nat.spend).toBeCloseTo(r.perGeo.reduce((a, g) => a + g.channels[ci].spend, 0), 6);
      expect(nat.mean! * nat.spend).toBeCloseTo(c.national.totals.media[ci].mean, 4);
      for (const [g, geo] of r.perGeo.entries()) expect(geo.channels[ci].mean! * geo.channels[ci].spend).toBeCloseTo(c.perGeo[g].totals.media[ci].mean, 4);
    }
    const m = fit.marginalRoi();
    expect(m).toHaveLength(C);
    for (const x of m) expect(x.mean).toBeGreaterThanOrEqual(0);
    const curves = fit.responseCurves({ multipliers: [0, 1, 2], maxDraws: 20 });
    for (const cv of curves) {
      expect(cv.points[0].incremental.mean).toBe(0);
      expect(cv.points[2].incremental.mean).toBeGreaterThanOrEqual(cv.points[1].incremental.mean);
    }
  });

  it("predicts new dates per geo and nationally (sum over geos, draw by draw)", () => {
    const rows = geoDatasetRows(fit.record, 40, 52);
    const p = fit.predict(rows, { includeNoise: false, maxDraws: 50 });
    expect(p.drawCount).toBe(50);
    expect(p.national.periods).toHaveLength(12);
    expect(p.perGeo).toHaveLength(G);
    for (const t of [0, 11]) {
      const sum = p.perGeo.reduce((a, g) => a + g.periods[t].mean, 0);
      expect(sum).toBeCloseTo(p.national.periods[t].mean, 6);
    }
    expect(() => fit.predict({ T: 2, media: new Float64Array(4), extra: new Float64Array(2) })).toThrow(/media has 4 values/);
  });

  it("saves and loads (geo kind), and national loading refuses it", () => {
    const bytes = fit.toBytes();
    const back = FittedGeoMMM.fromBytes(bytes);
    expect(back.record.kind).toBe("geo");
    expect(back.record.dataset.geoNames).toEqual(dataset.geoNames);
    expect(back.record.scalers).toEqual(fit.record.scalers);
    expect(Array.from(back.record.chains[1].draws)).toEqual(Array.from(fit.record.chains[1].draws));
    expect(back.contributions().national.totals.prediction.mean).toBeCloseTo(fit.contributions().national.totals.prediction.mean, 9);
    expect(() => FittedMMM.fromBytes(bytes, "m.mmm")).toThrow(/holds a geo model/);
  });

  it("optimizes channel totals split by the historical geo ratio, or per geo", async () => {
    const plan = await fit.optimizeBudget({ budget: 13 * 1.0 * totalPerPeriod(), periods: 13, draws: 40 });
    expect(plan.split).toBe("historical_ratio");
    const budget = plan.budget;
    const sum = Object.values(plan.spend_after).reduce((a, v) => a + v, 0);
    expect(sum).toBeCloseTo(budget, 3);
    for (const ch of dataset.channelNames) {
      const byGeo = plan.spend_after_by_geo[ch];
      const total = Object.values(byGeo).reduce((a, v) => a + v, 0);
      expect(total).toBeCloseTo(plan.spend_after[ch], 6);
      for (const geo of dataset.geoNames) expect(byGeo[geo]).toBeCloseTo(plan.geo_ratios[ch][geo] * plan.spend_after[ch], 6);
    }
    expect(plan.objective_after).toBeGreaterThanOrEqual(plan.objective_before - 1e-9);
    const perGeo = await fit.optimizeBudget({ budget: plan.budget, periods: 13, draws: 40, perGeo: true });
    expect(perGeo.split).toBe("per_geo");
    expect(perGeo.channels).toHaveLength(C * G);
    expect(perGeo.channels[0]).toBe(`${dataset.channelNames[0]}@geo0`);
    // More freedom: at least as good as the ratio split (same draws, same budget).
    expect(perGeo.objective_after).toBeGreaterThanOrEqual(plan.objective_after - 1e-6 * Math.abs(plan.objective_after));
    await expect(fit.optimizeBudget({ budget: 1, perGeo: "yes" as never })).rejects.toThrow(/perGeo must be true or false/);
  });

  function totalPerPeriod(): number {
    let s = 0;
    for (let t = 0; t < 46; t++) for (let j = 0; j < C * G; j++) s += dataset.media[t * C * G + j];
    return s / 46;
  }
});

describe("saved model format", () => {
  it("still loads version-1 (national, no kind) files", async () => {
    const { simulateDataset } = await import("../../src/simulate/simulate.js");
    const { fitMMM } = await import("../../src/api/fitMMM.js");
    const { crc32 } = await import("../../src/fit/savedModel.js");
    const sim = simulateDataset({ seed: 4, T: 30, channels: 2 });
    const fit = await fitMMM(sim.dataset, { sampler: { chains: 1, warmup: 20, samples: 10, threads: 0 } });
    const bytes = fit.toBytes();
    // Rewrite the header as version 1 wrote it: no kind field, version 1.
    const magic = 8;
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const hl = view.getUint32(magic, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(magic + 4, magic + 4 + hl)));
    expect(header.kind).toBe("national");
    delete header.kind;
    header.version = 1;
    const oldStart = Math.ceil((magic + 4 + hl) / 8) * 8;
    const hb = new TextEncoder().encode(JSON.stringify(header));
    const start = Math.ceil((magic + 4 + hb.length) / 8) * 8;
    const arrays = bytes.subarray(oldStart, bytes.length - 4);
    const out = new Uint8Array(start + arrays.length + 4);
    out.set(bytes.subarray(0, magic));
    new DataView(out.buffer).setUint32(magic, hb.length, true);
    out.set(hb, magic + 4);
    out.set(arrays, start);
    new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
    const back = FittedMMM.fromBytes(out);
    expect(back.record.kind).toBeUndefined();
    expect(back.summary()).toEqual(fit.summary());
    expect(() => FittedGeoMMM.fromBytes(out)).toThrow(/national model, not a geo model/);
  }, 60_000);
});
