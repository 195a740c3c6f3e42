// checkDataQuality on geo data: the whole data's checks (the national totals)
// with a per-geo breakdown, as the analyses answer; the earlier per-geo
// function (checkGeoDataQuality) is its per-geo part.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkDataQuality } from "../../src/analysis/dataQuality.js";
import { checkGeoDataQuality } from "../../src/analysis/geoDataQuality.js";
import { parseCsv } from "../../src/io/csv.js";
import { geoDatasetFromTable } from "../../src/io/datasetTable.js";
import { geoAsNational, nationalRollup } from "../../src/model/geoViews.js";
import { formatDataQualityReport, formatGeoDataQualityReport } from "../../src/report/dataQualityText.js";

// 16 weeks of north, south and west, geo by geo.
const FIXTURE = readFileSync(new URL("../fixtures/geo_weekly.csv", import.meta.url), "utf8");
const [HEADER, ...LINES] = FIXTURE.trim().split("\n");
const SEL = { target: "sales", media: ["tv", "search"], extra: ["price", "holiday"], date: "week", geo: "region" };
const load = (lines: string[]) => geoDatasetFromTable(parseCsv([HEADER, ...lines].join("\n") + "\n", "geo.csv"), SEL);

/** The fixture with north's week 6 tv spend raised far above the rest (line 5 of the file's data, spreadsheet row 7). */
function withTvBurst(): string[] {
  const tv = HEADER.split(",").indexOf("tv");
  return LINES.map((l, k) => (k === 5 ? l.split(",").map((c, m) => (m === tv ? "5000" : c)).join(",") : l));
}

describe("checkDataQuality on geo data", () => {
  it("checks the national totals as a whole and each geo's own series", () => {
    const d = load(withTvBurst());
    const r = checkDataQuality(d, 12);
    const whole = checkDataQuality(nationalRollup(d), 12);
    // The whole report is the national totals' (sum over geos), outliers named by date.
    expect(r.source).toBe("geo.csv, all 3 geos");
    expect(r.columns.map((q) => q.mean)).toEqual(whole.columns.map((q) => q.mean));
    expect(r.correlations.matrix).toEqual(whole.correlations.matrix);
    expect(r.spendShares).toEqual(whole.spendShares);
    expect(r.perGeo!.map((q) => q.geo)).toEqual(["north", "south", "west"]);
    for (const [g, q] of r.perGeo!.entries()) {
      const own = checkDataQuality(geoAsNational(d, g), 12);
      expect(q.columns).toEqual(own.columns);
      expect(q.warnings).toEqual(own.warnings);
      expect(q.perGeo).toBeUndefined();
    }
    // The burst: in north with its spreadsheet row, in the totals with its date alone.
    const northTv = r.perGeo![0].columns.find((q) => q.column === "tv")!;
    expect(northTv.outliers.map((o) => [o.row, o.date])).toEqual([[7, "2023-02-06"]]);
    const totalTv = r.columns.find((q) => q.column === "tv")!;
    expect(totalTv.outliers).toHaveLength(1);
    expect(totalTv.outliers[0].row).toBeUndefined();
    expect(totalTv.outliers[0].date).toBe("2023-02-06");
    expect(r.warnings.find((w) => w.kind === "outlier")!.message).toMatch(/: 2023-02-06 = /);
    // The old name answers with the per-geo part.
    expect(checkGeoDataQuality(d, 12).geos).toEqual(r.perGeo);
  });

  it("gives the dataset's own warnings once, in the whole-data report, not once per geo", () => {
    // Two of south's weeks swapped: the reader sorts them and says so.
    const swapped = [...LINES];
    [swapped[17], swapped[18]] = [swapped[18], swapped[17]];
    const d = load(swapped);
    expect(d.warnings.length).toBeGreaterThan(0);
    const r = checkDataQuality(d);
    expect(r.datasetWarnings).toEqual(d.warnings);
    for (const q of r.perGeo!) expect(q.datasetWarnings).toEqual([]);
    const text = formatDataQualityReport(r);
    expect(text.split("[data]").length - 1).toBe(d.warnings.length);
    expect(text).toMatch(/^Data quality of geo.csv, all 3 geos: 16 rows/);
    expect(text).toContain("Per geo: the same checks on each geo's own series");
  });

  it("writes each geo with warnings in full and the clean geos in one line", () => {
    const d = load(withTvBurst());
    const r = checkDataQuality(d, 12);
    const text = formatDataQualityReport(r);
    const warned = r.perGeo!.filter((q) => q.warnings.length > 0).map((q) => q.geo!);
    const clean = r.perGeo!.filter((q) => q.warnings.length === 0).map((q) => q.geo!);
    expect(warned).toContain("north");
    for (const g of warned) expect(text).toContain(`Data quality of geo.csv, geo "${g}"`);
    for (const g of clean) expect(text).not.toContain(`geo "${g}":`);
    if (clean.length) expect(text).toContain(`No warnings in geo${clean.length > 1 ? "s" : ""} ${clean.join(", ")}.`);
    // The per-geo part is the old function's text.
    expect(text.endsWith(formatGeoDataQualityReport(checkGeoDataQuality(d, 12)))).toBe(true);
  });

  it("keeps national data's report as it was: no per-geo part", () => {
    const d = load(LINES);
    const national = geoAsNational(d, 1);
    const r = checkDataQuality(national);
    expect(r.perGeo).toBeUndefined();
    expect(r.geo).toBeUndefined();
    expect(formatDataQualityReport(r)).not.toContain("Per geo");
  });
});
