// Checks a dataset before fitting, as LightweightMMM users do: correlations
// between channels, controls and the target; variance inflation factors;
// each channel's share of spend; constant, sparse and outlying columns.
// Everything is computed on the training rows (the first trainRows rows).
// Geo data of several geos is checked as the analyses answer: the whole data
// (the national totals over the geos) with a breakdown per geo, each geo's
// own series checked alike, so that a channel that never spends in one geo,
// or a geo's outlying week, is reported with the geo's name and rows.
// Nothing here throws on awkward data: problems become warnings.

import { InputError } from "../errors.js";
import { isGeoDataset, sourceRow, type MediaDataset } from "../model/dataset.js";
import { geoAsNational, nationalRollup } from "../model/geoViews.js";
import { mean, median, pearson, rSquared } from "./columnStats.js";

export { pearson, rSquared, solveSemiDefinite } from "./columnStats.js";

export type ColumnRole = "target" | "media" | "extra";
export type DataQualityWarningKind = "correlation" | "vif" | "sparse" | "outlier" | "constant" | "spend-share";

export interface DataQualityWarning {
  /** The column the warning is about (the first of a pair for correlations). */
  column: string;
  kind: DataQualityWarningKind;
  message: string;
  /** Every column involved (two for a correlation). */
  columns: string[];
}

export interface Outlier {
  /** 0-based dataset row. */
  index: number;
  /** Row in the source as messages number it (a file's spreadsheet row, header = row 1; data given in memory by index); absent in the whole-data checks of geo data, where each value sums a date's rows. */
  row?: number;
  date?: string;
  value: number;
  /** (value - median) / robust sd. */
  robustZ: number;
}

export interface ColumnQuality {
  column: string;
  role: ColumnRole;
  mean: number;
  /** Sample standard deviation (n - 1). */
  sd: number;
  min: number;
  max: number;
  median: number;
  /** 1.4826 * median absolute deviation of the values judged for outliers. */
  robustSd: number;
  zeros: number;
  zeroShare: number;
  constant: boolean;
  sparse: boolean;
  /** At most MAX_OUTLIERS_LISTED, the most extreme, in row order. */
  outliers: Outlier[];
  /** All outliers found (outliers may list fewer). */
  outlierCount: number;
}

export interface VifEntry {
  column: string;
  role: "media" | "extra";
  /** 1 / (1 - R²); Infinity when the column is a linear combination of the others and the intercept. */
  vif: number;
  /** R² of the column regressed on the other media and extra columns plus an intercept. */
  rSquared: number;
}

export interface SpendShare {
  channel: string;
  spend: number;
  share: number;
}

export interface CorrelationMatrix {
  /** Media channels, then extra features, then the target. */
  labels: string[];
  roles: ColumnRole[];
  /** Pearson correlations; NaN where a column is constant. */
  matrix: number[][];
}

export interface DataQualityReport {
  source?: string;
  /** Rows analysed (the training rows). */
  rows: number;
  /** Rows in the dataset. */
  totalRows: number;
  targetName: string;
  /** The target, then media channels, then extra features. */
  columns: ColumnQuality[];
  correlations: CorrelationMatrix;
  vif: VifEntry[];
  spendShares: SpendShare[];
  warnings: DataQualityWarning[];
  /** The dataset's own warnings (rows sorted, missing periods); in the whole-data report only. */
  datasetWarnings: string[];
  /** The geo a per-geo report is about. */
  geo?: string;
  /**
   * Geo data of more than one geo: the same checks on each geo's own series,
   * in the dataset's geo order (this report is then of the national totals:
   * target and media summed over the geos, extra features averaged).
   */
  perGeo?: DataQualityReport[];
}

/** |r| above which two media or extra columns are reported. */
export const CORRELATION_WARNING = 0.8;
/** VIF above which a column is reported. */
export const VIF_WARNING = 10;
/** Share of zero rows above which a column is reported as sparse. */
export const SPARSE_SHARE = 0.5;
/** Robust standard deviations from the median beyond which a value is an outlier. */
export const OUTLIER_ROBUST_SDS = 4;
/** Spend share below which a channel is reported. */
export const MIN_SPEND_SHARE = 0.01;
export const MAX_OUTLIERS_LISTED = 5;

/** 1 - R² below this is taken as exact collinearity (rounding is far smaller with standardized columns). */
const COLLINEAR_TOL = 1e-10;


/** VIF from R², with exact collinearity (to rounding) as Infinity. */
function vifFromR2(r2: number): number {
  return 1 - r2 < COLLINEAR_TOL ? Infinity : 1 / (1 - r2);
}

// ---------------------------------------------------------------------------
// The report

function columnOf(data: Float64Array, stride: number, j: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => data[t * stride + j]);
}

/** A number for plain text: n/a, thousands separators, 3 significant digits. */
export function plainNumber(x: number): string {
  if (Number.isNaN(x)) return "n/a";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const a = Math.abs(x);
  if (a === 0) return "0";
  if (a >= 1e9 || a < 1e-3) return x.toExponential(2);
  if (a >= 1000) {
    const s = Math.round(a).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (x < 0 ? "-" : "") + s;
  }
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** A share for plain text, as a percentage. */
export function plainPercent(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  if (x === 0) return "0%";
  return `${(100 * x).toFixed(x < 0.1 ? 2 : 1)}%`;
}

interface OutlierScan {
  median: number;
  robustSd: number;
  all: Outlier[];
}

/**
 * Values more than OUTLIER_ROBUST_SDS robust sds (1.4826 * MAD) from the
 * median. Media zeros (dark periods) are not judged and do not enter the
 * median: flighting is normal, and sparsity is reported separately. When the
 * MAD is 0 (over half the values equal) the mean absolute deviation from the
 * median, times 1.2533, stands in; a two-valued column (an indicator) is not
 * scanned.
 */
function scanOutliers(x: Float64Array, role: ColumnRole, d: MediaDataset, rowsKnown: boolean): OutlierScan {
  const idx: number[] = [];
  for (let t = 0; t < x.length; t++) if (!(role === "media" && x[t] === 0)) idx.push(t);
  const vals = idx.map((t) => x[t]);
  if (vals.length === 0) return { median: 0, robustSd: 0, all: [] };
  const sorted = [...vals].sort((a, b) => a - b);
  const med = median(sorted);
  const absDev = vals.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  let rsd = 1.4826 * median(absDev);
  if (rsd === 0) rsd = 1.2533 * mean(absDev);
  const distinct = new Set(vals).size;
  if (rsd === 0 || distinct <= 2) return { median: med, robustSd: rsd, all: [] };
  const all: Outlier[] = [];
  for (const t of idx) {
    const z = (x[t] - med) / rsd;
    if (Math.abs(z) > OUTLIER_ROBUST_SDS) {
      const row = rowsKnown ? sourceRow(d, t) : undefined;
      const o: Outlier = row === undefined ? { index: t, value: x[t], robustZ: z } : { index: t, row, value: x[t], robustZ: z };
      if (d.dates) o.date = d.dates[t];
      all.push(o);
    }
  }
  return { median: med, robustSd: rsd, all };
}

interface Series {
  name: string;
  role: ColumnRole;
  x: Float64Array;
}

type Warn = (kind: DataQualityWarningKind, columns: string[], message: string) => void;

/** One column's statistics over the first n rows. */
function describeColumn({ name, role, x }: Series, n: number, d: MediaDataset, rowsKnown: boolean): ColumnQuality {
  const m = mean(x);
  let ss = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  for (let t = 0; t < n; t++) {
    ss += (x[t] - m) ** 2;
    min = Math.min(min, x[t]);
    max = Math.max(max, x[t]);
    if (x[t] === 0) zeros++;
  }
  const constant = min === max;
  const twoValued = new Set(x).size <= 2;
  const zeroShare = zeros / n;
  // Indicator extras (two values) are sparse by design.
  const sparse = !constant && zeroShare > SPARSE_SHARE && !(role === "extra" && twoValued);
  const scan = constant ? { median: min, robustSd: 0, all: [] } : scanOutliers(x, role, d, rowsKnown);
  const listed = [...scan.all]
    .sort((a, b) => Math.abs(b.robustZ) - Math.abs(a.robustZ))
    .slice(0, MAX_OUTLIERS_LISTED)
    .sort((a, b) => a.index - b.index);
  return {
    column: name,
    role,
    mean: m,
    sd: Math.sqrt(ss / (n - 1)),
    min,
    max,
    median: scan.median,
    robustSd: scan.robustSd,
    zeros,
    zeroShare,
    constant,
    sparse,
    outliers: listed,
    outlierCount: scan.all.length,
  };
}

function columnWarnings(q: ColumnQuality, n: number, warn: Warn): void {
  if (q.constant) {
    const why = q.role === "target" ? "there is nothing to model" : "it is collinear with the intercept and cannot be told apart from the baseline";
    warn("constant", [q.column], `${q.role} column "${q.column}" is constant (every row is ${q.min}): ${why}`);
  }
  if (q.sparse) {
    warn(
      "sparse",
      [q.column],
      `${q.role} column "${q.column}" is 0 in ${q.zeros} of ${n} rows (${plainPercent(q.zeroShare)}): its effect rests on few periods`,
    );
  }
  if (q.outlierCount > 0) {
    const where = q.outliers
      .map((o) => `${o.row === undefined ? (o.date ?? `period ${o.index + 1}`) : `row ${o.row}${o.date ? ` (${o.date})` : ""}`} = ${plainNumber(o.value)}`)
      .join(", ");
    const more = q.outlierCount > q.outliers.length ? `, and ${q.outlierCount - q.outliers.length} more` : "";
    warn(
      "outlier",
      [q.column],
      `${q.role} column "${q.column}" has ${q.outlierCount} value${q.outlierCount > 1 ? "s" : ""} more than ${OUTLIER_ROBUST_SDS} robust sds ` +
        `from its median ${plainNumber(q.median)}${q.role === "media" ? " (non-zero spend)" : ""}: ${where}${more}`,
    );
  }
}

/** Variance inflation factors of the regressors (the first R of ordered), with their warnings. */
function vifEntries(ordered: Series[], R: number, isConstant: (a: number) => boolean, warn: Warn): VifEntry[] {
  const vif: VifEntry[] = [];
  for (let j = 0; j < R; j++) {
    const others = ordered.slice(0, R).filter((_, k) => k !== j).map((s) => s.x);
    const r2 = rSquared(ordered[j].x, others);
    const v = vifFromR2(r2);
    const role = ordered[j].role as "media" | "extra";
    vif.push({ column: ordered[j].name, role, vif: v, rSquared: r2 });
    if (isConstant(j)) continue; // reported as constant already
    if (v === Infinity) {
      warn(
        "vif",
        [ordered[j].name],
        `${role} column "${ordered[j].name}" is a linear combination of the other media and extra columns (perfectly collinear, VIF is infinite): ` +
          `its effect cannot be identified; remove or merge columns`,
      );
    } else if (v > VIF_WARNING) {
      warn(
        "vif",
        [ordered[j].name],
        `${role} column "${ordered[j].name}" has a variance inflation factor of ${plainNumber(v)} (> ${VIF_WARNING}; R² = ${r2.toFixed(3)} on the other columns): its coefficient will be poorly determined`,
      );
    }
  }
  return vif;
}

/** Each channel's spend and share of the total over the first n rows, with warnings for tiny shares. */
function spendSharesOf(d: MediaDataset, n: number, warn: Warn): SpendShare[] {
  const C = d.channelNames.length;
  const spend = Array.from({ length: C }, (_, c) => {
    let s = 0;
    for (let t = 0; t < n; t++) s += d.media[t * C + c];
    return s;
  });
  const total = spend.reduce((a, b) => a + b, 0);
  const spendShares: SpendShare[] = d.channelNames.map((channel, c) => ({ channel, spend: spend[c], share: total > 0 ? spend[c] / total : NaN }));
  for (const s of spendShares) {
    if (s.share < MIN_SPEND_SHARE) {
      warn(
        "spend-share",
        [s.channel],
        `media channel "${s.channel}" has ${plainPercent(s.share)} of total spend (< ${plainPercent(MIN_SPEND_SHARE)}): its effect will be hard to estimate and its prior will dominate`,
      );
    }
  }
  return spendShares;
}

/**
 * The data checks on the first trainRows periods. Geo data of several geos:
 * the checks of the national totals, with `perGeo` the same checks on each
 * geo's own series (named by `geo`; the dataset's own warnings are given once,
 * in the whole-data report).
 */
export function checkDataQuality(dataset: MediaDataset, trainRows: number = dataset.T): DataQualityReport {
  const n = trainRows;
  if (!Number.isInteger(n) || n < 2 || n > dataset.T) {
    throw new InputError(`data quality check: trainRows must be a whole number from 2 to ${dataset.T}, got ${n}`);
  }
  if ((dataset.G ?? 1) === 1) return checkSeries(dataset, n, true);
  if (!isGeoDataset(dataset)) throw new InputError(`data quality check: the dataset has ${dataset.G} geos but no geo names`);
  // A date's total sums G rows: the whole-data outliers name their dates, not rows.
  const whole = checkSeries(nationalRollup(dataset), n, false);
  whole.perGeo = dataset.geoNames.map((geo, g) => ({ ...checkSeries(geoAsNational(dataset, g), n, true), datasetWarnings: [], geo }));
  return whole;
}

/** The checks of one series of target, media and extras ([T], [T][C], [T][F]); rowsKnown: outliers name their source rows. */
function checkSeries(d: MediaDataset, n: number, rowsKnown: boolean): DataQualityReport {
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const warnings: DataQualityWarning[] = [];
  const warn = (kind: DataQualityWarningKind, columns: string[], message: string) =>
    warnings.push({ column: columns[0], kind, message, columns });

  const series: Series[] = [
    { name: d.targetName, role: "target", x: d.target.slice(0, n) },
    ...d.channelNames.map((name, c) => ({ name, role: "media" as const, x: columnOf(d.media, C, c, n) })),
    ...d.extraNames.map((name, f) => ({ name, role: "extra" as const, x: columnOf(d.extra, F, f, n) })),
  ];

  const columns: ColumnQuality[] = series.map((s) => describeColumn(s, n, d, rowsKnown));
  for (const q of columns) columnWarnings(q, n, warn);

  // Correlations: media, extras, target.
  const ordered = [...series.slice(1), series[0]];
  const K = ordered.length;
  // ordered[a] is columns[(a + 1) % K].
  const isConstant = (a: number) => columns[(a + 1) % K].constant;
  const matrix: number[][] = Array.from({ length: K }, () => new Array<number>(K).fill(NaN));
  for (let a = 0; a < K; a++) {
    for (let b = a; b < K; b++) {
      const r = a === b ? (isConstant(a) ? NaN : 1) : pearson(ordered[a].x, ordered[b].x);
      matrix[a][b] = r;
      matrix[b][a] = r;
    }
  }
  const R = C + F; // regressors: the first R of ordered
  for (let a = 0; a < R; a++) {
    for (let b = a + 1; b < R; b++) {
      const r = matrix[a][b];
      if (Math.abs(r) > CORRELATION_WARNING) {
        warn(
          "correlation",
          [ordered[a].name, ordered[b].name],
          `"${ordered[a].name}" and "${ordered[b].name}" are strongly correlated (r = ${r.toFixed(3)}): the model can hardly tell their effects apart`,
        );
      }
    }
  }

  const vif = vifEntries(ordered, R, isConstant, warn);

  const spendShares = spendSharesOf(d, n, warn);

  const report: DataQualityReport = {
    rows: n,
    totalRows: d.T,
    targetName: d.targetName,
    columns,
    correlations: { labels: ordered.map((s) => s.name), roles: ordered.map((s) => s.role), matrix },
    vif,
    spendShares,
    warnings,
    datasetWarnings: [...(d.warnings ?? [])],
  };
  if (d.source !== undefined) report.source = d.source;
  return report;
}
