import { describe, expect, it } from "vitest";
import { checkDataQuality, rSquared, solveSemiDefinite } from "../../src/analysis/dataQuality.js";
import { formatDataQualityReport } from "../../src/report/dataQualityText.js";
import { type MediaDataset } from "../../src/model/dataset.js";
import { datasetFromColumns } from "../../src/io/datasetTable.js";
import { mulberry32 } from "../helpers/random.js";

const DAY = 86_400_000;
const weeks = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse("2023-01-02") + 7 * i * DAY).toISOString().slice(0, 10));

function normals(rand: () => number, n: number): number[] {
  return Array.from({ length: n }, () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  });
}

/** Correlation written out independently of the module under test. */
function directCorrelation(x: number[], y: number[]): number {
  const n = x.length;
  const sx = x.reduce((a, b) => a + b, 0);
  const sy = y.reduce((a, b) => a + b, 0);
  const sxy = x.reduce((a, v, i) => a + v * y[i], 0);
  const sxx = x.reduce((a, v) => a + v * v, 0);
  const syy = y.reduce((a, v) => a + v * v, 0);
  return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
}

function column(d: MediaDataset, which: "media" | "extra", j: number): number[] {
  const k = which === "media" ? d.channelNames.length : d.extraNames.length;
  const a = which === "media" ? d.media : d.extra;
  return Array.from({ length: d.T }, (_, t) => a[t * k + j]);
}

function baseData(n = 60, seed = 1) {
  const rand = mulberry32(seed);
  const z1 = normals(rand, n);
  const z2 = normals(rand, n);
  const z3 = normals(rand, n);
  const z4 = normals(rand, n);
  return {
    week: weeks(n),
    sales: z1.map((v, i) => 1000 + 50 * v + 20 * z2[i]),
    tv: z2.map((v) => 500 + 100 * v),
    // Correlated with tv (r about 0.6).
    search: z2.map((v, i) => 300 + 40 * (0.6 * v + 0.8 * z3[i])),
    price: z4.map((v) => 2 + 0.1 * v),
  };
}

describe("checkDataQuality", () => {
  it("correlations match a direct computation, labelled media, extras, target", () => {
    const cols = baseData();
    const d = datasetFromColumns(cols, { target: "sales", media: ["tv", "search"], extra: ["price"], date: "week" });
    const r = checkDataQuality(d);
    expect(r.correlations.labels).toEqual(["tv", "search", "price", "sales"]);
    expect(r.correlations.roles).toEqual(["media", "media", "extra", "target"]);
    const series = [cols.tv, cols.search, cols.price, cols.sales];
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        const expected = a === b ? 1 : directCorrelation(series[a], series[b]);
        expect(r.correlations.matrix[a][b]).toBeCloseTo(expected, 12);
      }
    }
    // Only the training rows count.
    const r30 = checkDataQuality(d, 30);
    expect(r30.rows).toBe(30);
    expect(r30.correlations.matrix[0][1]).toBeCloseTo(directCorrelation(cols.tv.slice(0, 30), cols.search.slice(0, 30)), 12);
  });

  it("VIF of two columns with correlation r is 1/(1 - r²), for both", () => {
    const cols = baseData(80, 7);
    const d = datasetFromColumns(cols, { target: "sales", media: ["tv", "search"] });
    const r = directCorrelation(cols.tv, cols.search);
    expect(Math.abs(r)).toBeGreaterThan(0.3);
    const rep = checkDataQuality(d);
    const expected = 1 / (1 - r * r);
    expect(rep.vif.map((v) => v.column)).toEqual(["tv", "search"]);
    for (const v of rep.vif) {
      expect(v.vif).toBeCloseTo(expected, 10);
      expect(v.rSquared).toBeCloseTo(r * r, 12);
    }
  });

  it("VIF of three columns matches the inverse correlation matrix computed by hand", () => {
    const cols = baseData(50, 3);
    const d = datasetFromColumns(cols, { target: "sales", media: ["tv", "search"], extra: ["price"] });
    const s = [cols.tv, cols.search, cols.price];
    const c = (a: number, b: number) => (a === b ? 1 : directCorrelation(s[a], s[b]));
    // VIF_j = (R^-1)_jj = cofactor_jj / det R for the 3x3 correlation matrix.
    const det = 1 + 2 * c(0, 1) * c(1, 2) * c(0, 2) - c(0, 1) ** 2 - c(1, 2) ** 2 - c(0, 2) ** 2;
    const expected = [1 - c(1, 2) ** 2, 1 - c(0, 2) ** 2, 1 - c(0, 1) ** 2].map((cof) => cof / det);
    const rep = checkDataQuality(d);
    rep.vif.forEach((v, j) => expect(v.vif).toBeCloseTo(expected[j], 9));
    expect(rep.warnings.filter((w) => w.kind === "vif")).toEqual([]);
  });

  it("a perfectly collinear pair gives Infinity and a warning, not a crash; the others stay finite", () => {
    const cols = baseData(40, 11);
    const d = datasetFromColumns(
      { ...cols, tv2: cols.tv.map((v) => 2 * v + 30) },
      { target: "sales", media: ["tv", "tv2", "search"], extra: ["price"] },
    );
    const rep = checkDataQuality(d);
    const byName = Object.fromEntries(rep.vif.map((v) => [v.column, v.vif]));
    expect(byName.tv).toBe(Infinity);
    expect(byName.tv2).toBe(Infinity);
    expect(Number.isFinite(byName.search)).toBe(true);
    expect(Number.isFinite(byName.price)).toBe(true);
    // search on [tv, tv2, price]: tv2 adds nothing to tv, so its VIF is that of search on [tv, price].
    const direct = 1 / (1 - rSquared(cols.search, [cols.tv, cols.price]));
    expect(byName.search).toBeCloseTo(direct, 9);
    const vifWarnings = rep.warnings.filter((w) => w.kind === "vif");
    expect(vifWarnings.map((w) => w.column).sort()).toEqual(["tv", "tv2"]);
    expect(vifWarnings[0].message).toMatch(/perfectly collinear, VIF is infinite/);
    const corr = rep.warnings.filter((w) => w.kind === "correlation");
    expect(corr).toHaveLength(1);
    expect(corr[0].columns).toEqual(["tv", "tv2"]);
    expect(corr[0].message).toMatch(/"tv" and "tv2" are strongly correlated \(r = 1\.000\)/);
    // A sum of two columns is collinear too.
    const e = datasetFromColumns(
      { ...cols, both: cols.tv.map((v, i) => v + cols.search[i]) },
      { target: "sales", media: ["tv", "search"], extra: ["both"] },
    );
    expect(checkDataQuality(e).vif.every((v) => v.vif === Infinity)).toBe(true);
  });

  it("warns about high but finite VIF", () => {
    const rand = mulberry32(5);
    const n = 60;
    const a = normals(rand, n).map((v) => 100 + 10 * v);
    const noise = normals(rand, n);
    const b = a.map((v, i) => v + 0.5 * noise[i]); // r about 0.999
    const d = datasetFromColumns({ y: normals(rand, n).map((v) => 10 + v), a, b }, { target: "y", media: ["a", "b"] });
    const rep = checkDataQuality(d);
    const w = rep.warnings.filter((x) => x.kind === "vif");
    expect(w).toHaveLength(2);
    expect(w[0].message).toMatch(/media column "a" has a variance inflation factor of [\d.,]+ \(> 10/);
    expect(rep.vif[0].vif).toBeGreaterThan(10);
    expect(Number.isFinite(rep.vif[0].vif)).toBe(true);
  });

  it("finds outliers at the planted rows, reporting rows, dates and values", () => {
    const cols = baseData(52, 21);
    const sales = [...cols.sales];
    // Data given in memory number their rows by index (a file's by its spreadsheet rows).
    sales[9] = 5000;
    sales[30] = -2000;
    const price = [...cols.price];
    price[44] = 9;
    const d = datasetFromColumns({ ...cols, sales, price }, { target: "sales", media: ["tv", "search"], extra: ["price"], date: "week" });
    const rep = checkDataQuality(d);
    const target = rep.columns.find((q) => q.column === "sales")!;
    expect(target.outliers.map((o) => [o.index, o.row, o.value, o.date])).toEqual([
      [9, 9, 5000, cols.week[9]],
      [30, 30, -2000, cols.week[30]],
    ]);
    expect(target.outlierCount).toBe(2);
    const p = rep.columns.find((q) => q.column === "price")!;
    expect(p.outliers.map((o) => o.row)).toEqual([44]);
    expect(rep.columns.find((q) => q.column === "tv")!.outlierCount).toBe(0);
    const w = rep.warnings.filter((x) => x.kind === "outlier");
    expect(w.map((x) => x.column)).toEqual(["sales", "price"]);
    expect(w[0].message).toContain(`row 9 (${cols.week[9]}) = 5,000`);
    expect(w[0].message).toContain(`row 30 (${cols.week[30]}) = -2,000`);
  });

  it("uses 4 robust sds with robust sd = 1.4826 * MAD", () => {
    // Deviations -20..20 in a scrambled order: median 0, MAD 10, robust sd 14.826.
    const n = 41;
    const k = Array.from({ length: n }, (_, i) => ((i * 17) % n) - 20);
    const dev = k.map((v) => (v === 20 ? 62.3 : v === 19 ? 56.3 : v === -20 ? -60 : v)); // 4.20, 3.80, -4.05 robust sds
    const cols = baseData(n, 8);
    const d = datasetFromColumns({ ...cols, temp: dev.map((v) => 1000 + v) }, { target: "sales", media: ["tv"], extra: ["temp"] });
    const q = checkDataQuality(d).columns.find((c) => c.column === "temp")!;
    expect(q.median).toBe(1000);
    expect(q.robustSd).toBeCloseTo(14.826, 10);
    const planted = [k.indexOf(20), k.indexOf(-20)].sort((a, b) => a - b);
    expect(q.outliers.map((o) => o.index)).toEqual(planted);
    expect(q.outliers.map((o) => o.row)).toEqual(planted);
    expect(q.outliers.find((o) => o.index === k.indexOf(20))!.robustZ).toBeCloseTo(62.3 / 14.826, 10);
  });

  it("lists at most 5 outliers per column, the most extreme", () => {
    const cols = baseData(60, 4);
    const tv = [...cols.tv];
    const planted = [3, 8, 15, 22, 29, 36, 43];
    planted.forEach((t, k) => (tv[t] = 5000 + 1000 * k));
    const d = datasetFromColumns({ ...cols, tv }, { target: "sales", media: ["tv", "search"] });
    const q = checkDataQuality(d).columns.find((c) => c.column === "tv")!;
    expect(q.outlierCount).toBe(7);
    expect(q.outliers.map((o) => o.index)).toEqual([15, 22, 29, 36, 43]);
  });

  it("reports sparse columns, tiny spend shares and constant media", () => {
    const n = 40;
    const cols = baseData(n, 9);
    const social = cols.tv.map((v, i) => (i % 3 === 0 ? v : 0)); // 2/3 zeros
    const print = cols.price; // about 2 a week against hundreds
    const flat = cols.tv.map(() => 250);
    const d = datasetFromColumns({ ...cols, social, print, flat }, { target: "sales", media: ["tv", "search", "social", "print", "flat"] });
    const rep = checkDataQuality(d);
    const sparse = rep.warnings.filter((w) => w.kind === "sparse");
    expect(sparse.map((w) => w.column)).toEqual(["social"]);
    expect(sparse[0].message).toBe(`media column "social" is 0 in 26 of 40 rows (65.0%): its effect rests on few periods`);
    const spend = rep.spendShares;
    const total = spend.reduce((a, s) => a + s.spend, 0);
    spend.forEach((s, c) => expect(s.share).toBeCloseTo(column(d, "media", c).reduce((a, b) => a + b, 0) / total, 12));
    expect(rep.warnings.filter((w) => w.kind === "spend-share").map((w) => w.column)).toEqual(["print"]);
    const constant = rep.warnings.filter((w) => w.kind === "constant");
    expect(constant.map((w) => w.column)).toEqual(["flat"]);
    expect(constant[0].message).toMatch(/media column "flat" is constant \(every row is 250\)/);
    expect(rep.vif.find((v) => v.column === "flat")!.vif).toBe(Infinity);
    expect(rep.vif.filter((v) => v.column !== "flat").every((v) => Number.isFinite(v.vif))).toBe(true);
    expect(Number.isNaN(rep.correlations.matrix[4][0])).toBe(true);
    // Zeros (dark weeks) are never outliers.
    expect(rep.columns.find((q) => q.column === "social")!.outliers.every((o) => o.value !== 0)).toBe(true);
  });

  it("judges media outliers on the weeks with spend, so bursts in a mostly dark channel are not outliers", () => {
    const n = 50;
    const cols = baseData(n, 12);
    const burst = cols.tv.map((_, i) => (i % 10 === 0 ? 450 + 20 * (i / 10) : 0)); // 90% zeros
    const d = datasetFromColumns({ ...cols, burst }, { target: "sales", media: ["tv", "burst"] });
    const q = checkDataQuality(d).columns.find((c) => c.column === "burst")!;
    expect(q.sparse).toBe(true);
    expect(q.outlierCount).toBe(0);
    expect(q.median).toBe(490);
  });

  it("clean data gives no warnings", () => {
    const d = datasetFromColumns(baseData(60, 2), { target: "sales", media: ["tv"], extra: ["price"], date: "week" });
    const rep = checkDataQuality(d);
    expect(rep.warnings).toEqual([]);
    expect(formatDataQualityReport(rep)).toMatch(/No warnings\.\n$/);
  });

  it("formats aligned plain-text tables and every warning", () => {
    const cols = baseData(40, 11);
    const d = datasetFromColumns(
      { ...cols, tv2: cols.tv.map((v) => 2 * v + 30), week: [...weeks(41).slice(0, 5), ...weeks(41).slice(6)] },
      { target: "sales", media: ["tv", "tv2", "search"], extra: ["price"], date: "week" },
      "my.csv",
    );
    const text = formatDataQualityReport(checkDataQuality(d, 30));
    expect(text).toContain('Data quality of my.csv: 30 training rows of 40, target "sales"');
    expect(text).toMatch(/- \[data\] my\.csv: 1 missing week/);
    expect(text).toMatch(/- \[vif\] media column "tv" is a linear combination/);
    expect(text).toMatch(/- \[correlation\] "tv" and "tv2"/);
    const lines = text.split("\n");
    const vifStart = lines.indexOf("Variance inflation factors");
    const header = lines[vifStart + 1];
    const vifRows = lines.slice(vifStart + 3, vifStart + 7);
    expect(vifRows.map((l) => l.split(/\s+/)[0])).toEqual(["tv", "tv2", "search", "price"]);
    // Right-aligned numbers end in the same column as the header.
    for (const l of vifRows) expect(l.length).toBe(header.length);
    expect(vifRows[0]).toMatch(/inf$/);
    const corrStart = lines.indexOf("Correlations (Pearson)");
    const corrRows = lines.slice(corrStart + 1, corrStart + 7);
    expect(new Set(corrRows.map((l) => l.length)).size).toBe(1);
  });
});

describe("normal-equation solver", () => {
  it("solves a positive definite system and drops a dependent column", () => {
    // A = M'M for M with independent columns.
    const A = Float64Array.from([4, 2, 0.6, 2, 2, 0.5, 0.6, 0.5, 3]);
    const xTrue = [1, -2, 0.5];
    const b = Float64Array.from([0, 1, 2].map((i) => xTrue.reduce((s, v, k) => s + A[i * 3 + k] * v, 0)));
    const { x, dropped } = solveSemiDefinite(A, b, 3);
    expect(dropped).toEqual([]);
    x.forEach((v, i) => expect(v).toBeCloseTo(xTrue[i], 12));
    // Second column = 2 * first: singular; the solution uses the first only.
    const S = Float64Array.from([1, 2, 2, 4]);
    const r = solveSemiDefinite(S, Float64Array.from([3, 6]), 2);
    expect(r.dropped).toEqual([1]);
    expect(Array.from(r.x)).toEqual([3, 0]);
  });
});
