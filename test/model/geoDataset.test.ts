import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorOf } from "../helpers/errors.js";
import { parseCsv } from "../../src/io/csv.js";
import { geoCosts, geoMediaPrior, geoAsNational, geoSpendRatios, nationalRollup, totalGeoSpend } from "../../src/model/geoViews.js";
import { sliceGeoDataset, splitGeoRows, type GeoColumnSelection, type GeoDatasetOptions } from "../../src/model/dataset.js";
import { geoDatasetFromColumns, geoDatasetFromRows, geoDatasetFromTable } from "../../src/io/datasetTable.js";
import { checkGeoDataQuality } from "../../src/analysis/geoDataQuality.js";
import { formatGeoDataQualityReport } from "../../src/report/dataQualityText.js";
import { fitGeoScalers, scaleGeoMedia, scaleGeoRows, sumOverGeos, unscaleGeoTarget } from "../../src/model/scaling.js";

// Long format, geo by geo (each geo's 16 weeks in date order): weeks from
// 2023-01-02, geos north, south, west; price differs by geo, holiday does not.
const FIXTURE = readFileSync(new URL("../fixtures/geo_weekly.csv", import.meta.url), "utf8");
const HEADER = FIXTURE.split("\n")[0];
const LINES = FIXTURE.trim().split("\n").slice(1);
const GEOS = ["north", "south", "west"];
const T = 16;

interface Rec {
  week: string;
  region: string;
  sales: number;
  tv: number;
  search: number;
  price: number;
  holiday: number;
}
/** The fixture read independently of the loader (plain string splitting). */
const RECS: Rec[] = LINES.map((l) => {
  const [week, region, sales, tv, search, price, holiday] = l.split(",");
  return { week, region, sales: +sales, tv: +tv, search: +search, price: +price, holiday: +holiday };
});
const rec = (t: number, g: number) => RECS.find((r) => r.region === GEOS[g] && r.week === RECS[t].week)!;
const WEEKS = RECS.slice(0, T).map((r) => r.week);

const SEL: GeoColumnSelection = { target: "sales", media: ["tv", "search"], extra: ["price", "holiday"], date: "week", geo: "region" };

function load(lines: string[] = LINES, sel: GeoColumnSelection = SEL, options?: GeoDatasetOptions) {
  return geoDatasetFromTable(parseCsv([HEADER, ...lines].join("\n") + "\n", "geo.csv"), sel, options);
}

/** The fixture lines with one cell replaced (line index i, column name). */
function withCell(i: number, column: string, value: string): string[] {
  const j = HEADER.split(",").indexOf(column);
  return LINES.map((l, k) => (k === i ? l.split(",").map((c, m) => (m === j ? value : c)).join(",") : l));
}

describe("geoDatasetFromTable", () => {
  it("lays a clean long-format table out as [T][C][G], [T][G] and [T][F][G]", () => {
    const d = load();
    expect(d.T).toBe(T);
    expect(d.G).toBe(3);
    expect(d.geoNames).toEqual(GEOS);
    expect(d.geoColumn).toBe("region");
    expect(d.dates).toEqual(WEEKS);
    expect(d.frequency).toBe("weekly");
    expect(d.warnings).toEqual([]);
    expect(d.extraPerGeo).toBe(true);
    expect(d.media.length).toBe(T * 2 * 3);
    expect(d.extra.length).toBe(T * 2 * 3);
    for (let t = 0; t < T; t++) {
      for (let g = 0; g < 3; g++) {
        const r = rec(t, g);
        expect(d.target[t * 3 + g]).toBe(r.sales);
        expect(d.media[(t * 2 + 0) * 3 + g]).toBe(r.tv);
        expect(d.media[(t * 2 + 1) * 3 + g]).toBe(r.search);
        expect(d.extra[(t * 2 + 0) * 3 + g]).toBe(r.price);
        expect(d.extra[(t * 2 + 1) * 3 + g]).toBe(r.holiday);
        // Geo-major file: geo g's week t is data line g * 16 + t.
        expect(d.sourceRows[t * 3 + g]).toBe(g * T + t + 2);
      }
    }
  });

  it("sorts shuffled rows by date within each geo, with a warning; date-major order needs no sorting", () => {
    const clean = load();
    // A fixed permutation: every 7th line, wrapping (7 and 48 are coprime).
    const shuffled = LINES.map((_, k) => LINES[(k * 7) % LINES.length]);
    const d = load(shuffled);
    expect(d.geoNames).toEqual(["north", "south", "west"]);
    expect(d.dates).toEqual(WEEKS);
    expect(d.target).toEqual(clean.target);
    expect(d.media).toEqual(clean.media);
    expect(d.extra).toEqual(clean.extra);
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings[0]).toMatch(/^geo\.csv: the rows were not in date order, so they were sorted by date column "week" \(first out of order: row \d+/);
    // Each cell still knows its source line.
    for (let t = 0; t < T; t++) for (let g = 0; g < 3; g++) expect(shuffled[d.sourceRows[t * 3 + g] - 2]).toBe(LINES[g * T + t]);

    const dateMajor = WEEKS.flatMap((_, t) => GEOS.map((_, g) => LINES[g * T + t]));
    const dm = load(dateMajor);
    expect(dm.warnings).toEqual([]);
    expect(dm.media).toEqual(clean.media);
  });

  it("names the geo and the dates it is missing", () => {
    const drop = new Set([16 + 4, 16 + 9, 16 + 10]); // south, weeks 4, 9, 10
    const lines = LINES.filter((_, k) => !drop.has(k));
    expect(errorOf(() => load(lines)).message).toBe(
      'geo.csv: every geo needs a row for every date in date column "week"; geo "south" has no row for 3 of the 16 dates: ' +
        "2023-01-30, 2023-03-06, 2023-03-13 (rows are never filled in: add the rows, or drop those dates or geos)",
    );
    // Many missing dates in two geos: a few listed, then "and N more".
    const many = LINES.filter((_, k) => !((k >= 2 && k < 10) || k === 32 + 15));
    const msg = errorOf(() => load(many)).message;
    expect(msg).toContain('geo "north" has no row for 8 of the 16 dates: 2023-01-16, 2023-01-23, 2023-01-30, 2023-02-06, 2023-02-13, and 3 more');
    expect(msg).toContain('; geo "west" has no row for 1 of the 16 dates: 2023-04-17');
  });

  it("reports a date missing in every geo as a gap in the grid (a warning, as for national data)", () => {
    const lines = LINES.filter((_, k) => k % T !== 6);
    const d = load(lines);
    expect(d.T).toBe(15);
    expect(d.warnings).toEqual([
      'geo.csv: 1 missing week in date column "week" (the model treats the rows as consecutive periods): 2023-02-13',
    ]);
  });

  it("names both rows of a duplicate (date, geo) pair", () => {
    const lines = [...LINES.slice(0, 20), LINES[16 + 2], ...LINES.slice(20)];
    expect(errorOf(() => load(lines)).message).toBe(
      'geo.csv: rows 20 and 22 have the same date 2023-01-16 and geo "south"; each (date, geo) pair must appear once',
    );
  });

  it("takes a list of geos: its order, and errors for a geo outside it or without rows", () => {
    const d = load(LINES, SEL, { geos: ["west", "north", "south"] });
    expect(d.geoNames).toEqual(["west", "north", "south"]);
    expect(d.target[0]).toBe(rec(0, 2).sales);
    expect(errorOf(() => load(LINES, SEL, { geos: ["north", "south"] })).message).toBe(
      'geo.csv: geo column "region", row 34: "west" is not one of the geos given (north, south)',
    );
    expect(errorOf(() => load(LINES, SEL, { geos: ["north", "south", "west", "east"] })).message).toBe(
      'geo.csv: geo "east" of the geos given has no rows in geo column "region"',
    );
    expect(errorOf(() => load(LINES, SEL, { geos: ["north", "north"] })).message).toBe('the list of geos names geo "north" twice');
  });

  it("names the column, row and geo of a bad cell", () => {
    expect(errorOf(() => load(withCell(18, "sales", "n/a"))).message).toMatch(
      /^geo\.csv: target column "sales", row 20 \(geo "south"\): "n\/a" is not a number \(a missing value/,
    );
    expect(errorOf(() => load(withCell(40, "tv", "-5"))).message).toBe(
      'geo.csv: media column "tv", row 42 (geo "west"): negative value -5 (spend cannot be negative)',
    );
    expect(errorOf(() => load(withCell(3, "price", ""))).message).toBe('geo.csv: extra column "price", row 5 (geo "north"): empty cell');
    expect(errorOf(() => load(withCell(7, "region", ""))).message).toBe('geo.csv: geo column "region", row 9: empty cell');
    expect(errorOf(() => load(withCell(9, "week", "11/03/2023"))).message).toMatch(/^geo\.csv: date column "week", row 11: "11\/03\/2023" is not a date/);
    expect(errorOf(() => load(LINES, { ...SEL, geo: "dma" })).message).toMatch(/^geo\.csv: missing column "dma"; the columns are: week, region/);
    expect(errorOf(() => load(LINES, { ...SEL, date: undefined as unknown as string })).message).toMatch(/^geo data needs a date column/);
    expect(errorOf(() => load(LINES, { ...SEL, geo: "week" })).message).toMatch(/^column "week" is selected twice/);
    expect(errorOf(() => load(LINES.filter((_, k) => k % T < 8))).message).toBe(
      "geo.csv: 8 dates (in each of 3 geos); at least 10 are needed to fit a model",
    );
    expect(errorOf(() => load([])).message).toBe("geo.csv: 0 data rows; at least 10 dates in every geo are needed to fit a model");
  });

  it("rejects a target constant in one geo, a channel that never spends and constant extra features", () => {
    const flat = LINES.map((l, k) => (k >= 32 ? withCell(k, "sales", "500")[k] : l));
    expect(errorOf(() => load(flat)).message).toMatch(/^geo\.csv: target column "sales" is constant in geo "west" \(every row is 500 in all 16 dates\)/);
    const noTv = LINES.map((_, k) => withCell(k, "tv", "0")[k]);
    expect(errorOf(() => load(noTv)).message).toMatch(/^geo\.csv: media column "tv" cannot be scaled: every row is 0 in every geo in all 16 dates/);
    const constPrice = LINES.map((l, k) => (k < 16 ? withCell(k, "price", "2")[k] : l));
    expect(errorOf(() => load(constPrice)).message).toMatch(
      /^geo\.csv: extra column "price" is constant in geo "north" \(every row is 2 in all 16 dates\): it is collinear with that geo's intercept/,
    );
  });
});

describe("national and per-geo extra features", () => {
  it("detects a national feature and stores it [T][F]", () => {
    const d = load(LINES, { ...SEL, extra: ["holiday"] });
    expect(d.extraPerGeo).toBe(false);
    expect(Array.from(d.extra)).toEqual(WEEKS.map((_, t) => rec(t, 0).holiday));
  });

  it("keeps a feature that varies by geo per geo, and stores a national one per geo when asked", () => {
    expect(load(LINES, { ...SEL, extra: ["price"] }).extraPerGeo).toBe(true);
    const g = load(LINES, { ...SEL, extra: ["holiday"] }, { extraScope: "geo" });
    expect(g.extraPerGeo).toBe(true);
    expect(g.extra.length).toBe(T * 3);
    for (let t = 0; t < T; t++) for (let k = 0; k < 3; k++) expect(g.extra[t * 3 + k]).toBe(rec(t, 0).holiday);
  });

  it("refuses national extra features that differ between geos, naming both cells", () => {
    expect(errorOf(() => load(LINES, SEL, { extraScope: "national" })).message).toBe(
      'geo.csv: extra column "price" differs between geos on 2023-01-02 (row 2, geo "north": 1; row 18, geo "south": 1.11); ' +
        "national extra features must have the same value in every geo for a date (or take the extra features per geo)",
    );
    expect(errorOf(() => load(LINES, SEL, { extraScope: "yes" as never })).message).toMatch(/^extra scope must be "auto", "national" or "geo"/);
  });
});

describe("geoDatasetFromRows and geoDatasetFromColumns", () => {
  it("give the same dataset as the CSV path, numbering rows by their index (the file's by its spreadsheet rows)", () => {
    const a = load();
    const rows = RECS.map((r) => ({ ...r }) as unknown as Record<string, number | string>);
    const b = geoDatasetFromRows(rows, SEL, "geo.csv");
    const cols = Object.fromEntries(HEADER.split(",").map((h) => [h, RECS.map((r) => r[h as keyof Rec])]));
    const c = geoDatasetFromColumns(cols, SEL, "geo.csv");
    for (const d of [b, c]) {
      expect(d.target).toEqual(a.target);
      expect(d.media).toEqual(a.media);
      expect(d.extra).toEqual(a.extra);
      expect(d.dates).toEqual(a.dates);
      expect(d.geoNames).toEqual(a.geoNames);
      // In memory a row is numbered as its index: the file's row 2 (after its header) is index 0.
      expect(d.sourceRows).toEqual(a.sourceRows.map((r) => r - 2));
      expect(d.warnings.map((w) => w.replace(/\brows? (\d+)/g, (m, n) => m.replace(n, String(Number(n) + 2))))).toEqual(a.warnings);
    }
    const bad = rows.map((r, i) => (i === 5 ? { ...r, search: "lots" } : r));
    expect(errorOf(() => geoDatasetFromRows(bad, SEL)).message).toBe('data: media column "search", row 5 (geo "north"): "lots" is not a number');
  });
});

describe("geo split, scalers and inverse", () => {
  const d = load();

  it("splits by dates, in every geo alike", () => {
    expect(splitGeoRows(d, { testRows: 4 })).toEqual({ trainRows: 12, testRows: 4 });
    expect(splitGeoRows(d, { testFrom: "2023-04-03" })).toEqual({ trainRows: 13, testRows: 3 });
    expect(errorOf(() => splitGeoRows(d, { testRows: 7 })).message).toBe(
      "geo.csv: holding out 7 test dates leaves 9 training dates; at least 10 are needed to fit a model",
    );
    const s = sliceGeoDataset(d, 12, 16);
    expect(s.T).toBe(4);
    expect(s.dates).toEqual(WEEKS.slice(12));
    expect(Array.from(s.media)).toEqual(Array.from(d.media.slice(12 * 6, 16 * 6)));
    expect(Array.from(s.extra)).toEqual(Array.from(d.extra.slice(12 * 6, 16 * 6)));
    expect(s.sourceRows).toEqual(d.sourceRows.slice(36, 48));
  });

  it("fits one divisor per (column, geo) on the training dates only", () => {
    const trainRows = splitGeoRows(d, { testRows: 4 }).trainRows;
    const s = fitGeoScalers(d, trainRows);
    const mean = (f: (r: Rec) => number, g: number) => WEEKS.slice(0, trainRows).reduce((a, _, t) => a + f(rec(t, g)), 0) / trainRows;
    for (let g = 0; g < 3; g++) {
      expect(s.target[g]).toBeCloseTo(mean((r) => r.sales, g), 10);
      expect(s.media[0][g]).toBeCloseTo(mean((r) => r.tv, g), 10);
      expect(s.media[1][g]).toBeCloseTo(mean((r) => r.search, g), 10);
      expect(s.extra[0][g]).toBeCloseTo(mean((r) => r.price, g), 10);
    }
    // Test dates do not move the scalers.
    const bigTest = load(LINES.map((l, k) => (k % T >= 12 ? withCell(k, "sales", "999999")[k] : l)));
    expect(fitGeoScalers(bigTest, trainRows)).toEqual(s);
    expect(fitGeoScalers(bigTest, T).target[0]).not.toBeCloseTo(s.target[0], 3);

    const scaled = scaleGeoRows(d, s, 0, trainRows);
    expect(scaled.T).toBe(trainRows);
    expect(scaled.G).toBe(3);
    for (let g = 0; g < 3; g++) {
      let acc = 0;
      for (let t = 0; t < trainRows; t++) acc += scaled.media[(t * 2 + 0) * 3 + g];
      expect(acc / trainRows).toBeCloseTo(1, 12);
    }
    const test = scaleGeoRows(d, s, 12, 16);
    expect(test.target[1 * 3 + 2]).toBeCloseTo(rec(13, 2).sales / s.target[2], 12);
    expect(test.media[(2 * 2 + 1) * 3 + 1]).toBeCloseTo(rec(14, 1).search / s.media[1][1], 12);
    // Inverse: back to sales in each geo; the national roll-up sums the geos.
    const back = unscaleGeoTarget(test.target, s);
    for (let k = 0; k < back.length; k++) expect(back[k]).toBeCloseTo(d.target[36 + k], 9);
    const national = sumOverGeos(back, 3);
    expect(national[0]).toBeCloseTo(rec(12, 0).sales + rec(12, 1).sales + rec(12, 2).sales, 8);
    expect(scaleGeoMedia(d.media.subarray(36 * 2, 48 * 2), s)).toEqual(test.media);
  });

  it("scales a national extra feature by one divisor, and takes max, none and fixed divisors", () => {
    const n = load(LINES, { ...SEL, extra: ["holiday"] });
    const s = fitGeoScalers(n, 12);
    expect(s.extraPerGeo).toBe(false);
    expect(s.extra).toEqual([[WEEKS.slice(0, 12).reduce((a, _, t) => a + rec(t, 0).holiday, 0) / 12]]);
    expect(scaleGeoRows(n, s).extra.length).toBe(T);
    const k = fitGeoScalers(d, 12, { target: "max", media: ["none", { divisor: 10 }], extra: "none" });
    expect(k.target[1]).toBe(Math.max(...WEEKS.slice(0, 12).map((_, t) => rec(t, 1).sales)));
    expect(k.media).toEqual([[1, 1, 1], [10, 10, 10]]);
    expect(k.extra).toEqual([[1, 1, 1], [1, 1, 1]]);
  });

  it("refuses to divide a geo that never spends by its mean, and accepts a fixed divisor there", () => {
    const noTvWest = load(LINES.map((l, k) => (k >= 32 ? withCell(k, "tv", "0")[k] : l)));
    expect(errorOf(() => fitGeoScalers(noTvWest, 12)).message).toBe(
      'geo.csv: media column "tv", geo "west": every training row is 0, so it cannot be scaled by its mean; ' +
        "give the column a fixed divisor (a number) as its scaler, or leave the geo out",
    );
    const s = fitGeoScalers(noTvWest, 12, { media: [{ divisor: 100 }, "mean"] });
    expect(scaleGeoRows(noTvWest, s).media[2]).toBe(0);
    expect(geoSpendRatios(noTvWest)[2]).toBe(0);
  });

  it("takes costs over every geo for the media prior and keeps each channel's split across geos", () => {
    const spend = totalGeoSpend(d, 12);
    const tvTotal = RECS.filter((r) => WEEKS.indexOf(r.week) < 12).reduce((a, r) => a + r.tv, 0);
    expect(spend[0]).toBe(tvTotal);
    expect(geoCosts(d, 12)).toEqual(spend);
    expect(geoMediaPrior(d, 12)).toEqual(spend.map((c) => (0.15 * c) / ((spend[0] + spend[1]) / 2)));
    const custom = geoMediaPrior(d, 12, [1, 3], 0.2);
    expect(custom[0]).toBeCloseTo(0.1, 14);
    expect(custom[1]).toBeCloseTo(0.3, 14);
    expect(errorOf(() => geoCosts(d, 12, [1])).message).toMatch(/^--costs has 1 values but there are 2 media channels/);
    const ratios = geoSpendRatios(d, 12);
    expect(ratios.length).toBe(6);
    for (let c = 0; c < 2; c++) expect(ratios[c * 3] + ratios[c * 3 + 1] + ratios[c * 3 + 2]).toBeCloseTo(1, 14);
    const tvNorth = RECS.filter((r) => r.region === "north" && WEEKS.indexOf(r.week) < 12).reduce((a, r) => a + r.tv, 0);
    expect(ratios[0]).toBeCloseTo(tvNorth / tvTotal, 14);
  });
});

describe("national views and per-geo data checks", () => {
  it("one geo's series and the national totals as national datasets", () => {
    const d = load();
    const south = geoAsNational(d, 1);
    expect(south.source).toBe('geo.csv, geo "south"');
    expect(Array.from(south.target)).toEqual(WEEKS.map((_, t) => rec(t, 1).sales));
    expect(south.media[5 * 2 + 1]).toBe(rec(5, 1).search);
    expect(south.extra[7 * 2]).toBe(rec(7, 1).price);
    expect(south.sourceRows).toEqual(WEEKS.map((_, t) => 16 + t + 2));
    const all = nationalRollup(d);
    expect(all.target[3]).toBe(rec(3, 0).sales + rec(3, 1).sales + rec(3, 2).sales);
    expect(all.media[3 * 2]).toBe(rec(3, 0).tv + rec(3, 1).tv + rec(3, 2).tv);
    expect(all.extra[3 * 2]).toBeCloseTo((rec(3, 0).price + rec(3, 1).price + rec(3, 2).price) / 3, 12);
    expect(all.extra[3 * 2 + 1]).toBe(rec(3, 0).holiday);
    expect(all.sourceRows).toBeUndefined();
    // The views keep where the dates came from (predict reads new rows' dates from that column).
    expect([d.dateColumn, all.dateColumn, south.dateColumn]).toEqual(["week", "week", "week"]);
    expect(errorOf(() => geoAsNational(d, 3)).message).toBe("geo index must be a whole number from 0 to 2, got 3");
  });

  it("runs the national checks per geo, naming the geo", () => {
    const noTvWest = load(LINES.map((l, k) => (k >= 32 ? withCell(k, "tv", "0")[k] : l)));
    const r = checkGeoDataQuality(noTvWest, 12);
    expect(r.geoNames).toEqual(GEOS);
    expect(r.geos.map((q) => q.rows)).toEqual([12, 12, 12]);
    expect(r.geos[2].source).toBe('geo.csv, geo "west"');
    const tvWest = r.geos[2].columns.find((c) => c.column === "tv")!;
    expect(tvWest.constant).toBe(true);
    expect(r.geos[0].columns.find((c) => c.column === "tv")!.constant).toBe(false);
    expect(r.geos[2].warnings.some((w) => w.column === "tv")).toBe(true);
    expect(formatGeoDataQualityReport(r)).toContain('Data quality of geo.csv, geo "west"');
  });
});
