import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { FittedGeoMMM } from "../../src/api/fittedGeoMMM.js";
import { FittedMMM } from "../../src/api/fittedMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";
import { buildReport } from "../../src/report/report.js";

// One class answers for both kinds: the panel form (...ByGeo) has the whole
// model's numbers and, with geos, each geo's; the familiar form is the whole
// model's for a national fit and the panel for a geo fit.
describe("the fitted model of either kind", () => {
  const short = { chains: 2, warmup: 40, samples: 20, seed: 5, threads: 0 };

  it("national: the panel form has no geos, and its whole-model part is the familiar answer", async () => {
    const fit = await fitMMM(simulateDataset({ seed: 3, T: 40, channels: 2, extras: 1 }).dataset, { sampler: short }, { trainRows: 36 });
    expect(fit).toBeInstanceOf(FittedMMM);
    expect(fit.kind).toBe("national");
    expect(fit.geoNames).toEqual([]);
    const roi = fit.roiByGeo();
    expect(roi.perGeo).toEqual([]);
    expect(roi.national.map((r) => r.mean)).toEqual(fit.roi().map((r) => r.mean));
    expect(fit.metricsByGeo().national).toEqual(fit.metrics());
    expect(fit.contributionsByGeo().national.totals).toEqual(fit.contributions().totals);
    const rows = { T: 2, media: new Float64Array([1, 2, 3, 4]), extra: new Float64Array([1, 1]) };
    expect(fit.predictByGeo(rows, { seed: 1 }).national).toEqual(fit.predict(rows, { seed: 1 }));
    await expect(fit.optimizeBudget({ budget: 100, perGeo: true })).rejects.toThrow(/perGeo/);
  });

  it("geo: the familiar answer is the panel, each geo named", async () => {
    const { dataset } = makeGeoTestData({ G: 2, T: 30, C: 2, extras: 0, seed: 8 });
    const fit = await fitMMM(dataset, { sampler: short });
    expect(fit).toBeInstanceOf(FittedGeoMMM);
    expect(fit.kind).toBe("geo");
    expect(fit.geoNames).toEqual(["geo0", "geo1"]);
    const roi = fit.roiByGeo();
    expect(roi.perGeo.map((g) => g.geo)).toEqual(["geo0", "geo1"]);
    expect(fit.roi().national.map((r) => r.mean)).toEqual(roi.national.map((r) => r.mean));
    expect(fit.metrics().perGeo.map((g) => g.geo)).toEqual(["geo0", "geo1"]);
    // One report for either kind: the whole model's sections (the suggested budget among them), then each geo's.
    const { html } = await buildReport(fit, { generatedAt: new Date("2025-01-01T00:00:00Z"), maxDraws: 20 });
    const ids = [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.indexOf("summary")).toBe(0);
    expect(ids.indexOf("national-fit")).toBeLessThan(ids.indexOf("geo-fit"));
    expect(html).toContain("generated 2025-01-01 00:00 UTC");
    expect(ids.indexOf("budget")).toBeGreaterThan(0);
    expect(ids.indexOf("budget")).toBeLessThan(ids.indexOf("geo-fit"));
  });
});
