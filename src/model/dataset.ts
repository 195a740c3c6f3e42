// The media mix dataset in the user's units, national or geo alike: one type,
// a panel of T periods, C channels and G geos ([T][C][G]); national data is
// one geo (G = 1, the geo fields absent), so the same index serves both. The
// table readers that build it (long or wide format) are in io/datasetTable.ts;
// scaling is separate (scaling.ts).
//
// Every error the user can cause is an InputError naming the source (file),
// the column, the row (a file's spreadsheet row, header = row 1; data given
// in memory by its index) and, for geo data, the geo at fault. Rows are never dropped or filled in.

import { InputError } from "../errors.js";
import { addMonths, dayNumber, isoFromDay, monthIndex, parseIsoDate } from "./dates.js";

export type Frequency = "daily" | "weekly" | "monthly";

/**
 * Whether the extra features of geo data vary by geo: "geo" (stored
 * [T][F][G], one coefficient per feature and geo), "national" (the same value
 * in every geo for a date, stored [T][F]) or "auto" (national when every
 * extra column is the same in every geo for every date, else per geo).
 */
export type ExtraScope = "auto" | "national" | "geo";

/**
 * The dataset (canonical type): target [T][G], media [T][C][G] (index
 * (t * C + c) * G + g), extra [T][F][G] when extraPerGeo, else [T][F].
 * National data leaves G, geoColumn, geoNames and extraPerGeo out (G = 1:
 * [T], [T][C], [T][F]); GeoMediaDataset is this type with them present.
 */
export interface MediaDataset {
  /** Number of periods (distinct dates). */
  T: number;
  /** Number of geos (absent: national data, one geo). */
  G?: number;
  targetName: string;
  channelNames: string[];
  extraNames: string[];
  /** The column naming each row's geo (geo data). */
  geoColumn?: string;
  /** Geo labels in model order (geo data: first appearance, or the order of the given list). */
  geoNames?: string[];
  /** Row-major [T][G] ([T] national). */
  target: Float64Array;
  /** Row-major [T][C][G] ([T][C] national). */
  media: Float64Array;
  /** True: extra is [T][F][G]; false or absent: [T][F], the same in every geo. */
  extraPerGeo?: boolean;
  extra: Float64Array;
  /** Period dates as ISO yyyy-mm-dd, increasing, when a date column was given (always for geo data). */
  dates?: string[];
  /** Spacing of the dates, when a date column was given (and there are at least 2 periods). */
  frequency?: Frequency;
  /** The date column's name, when one was given: new rows to predict read their dates from a column of that name. */
  dateColumn?: string;
  /**
   * Things the user should know about the data that are not errors (rows
   * sorted, missing periods). Every reader sets it (possibly empty); it is
   * optional in the type only so that datasets written out by hand elsewhere
   * still type-check.
   */
  warnings?: string[];
  /** Where the data came from (a path, or "data"), for messages. */
  source?: string;
  /** The source row of each (period, geo) cell, [T][G], after any sorting, as messages number it (a file's spreadsheet row, header = row 1; an in-memory table's index). */
  sourceRows?: number[];
}

/** The dataset of geo (regional) data: MediaDataset with its geo fields present. */
export interface GeoMediaDataset extends MediaDataset {
  G: number;
  geoColumn: string;
  geoNames: string[];
  extraPerGeo: boolean;
  dates: string[];
  warnings: string[];
  source: string;
  sourceRows: number[];
}

/** Whether the dataset holds geo data (its geo fields present), even of one geo. */
export function isGeoDataset(d: MediaDataset): d is GeoMediaDataset {
  return "geoNames" in d && Array.isArray(d.geoNames);
}

/** Throws unless the dataset is of one geo: for the functions of national data (their layout is [T][C]). */
export function requireOneGeo(d: MediaDataset, what: string): void {
  if ((d.G ?? 1) > 1) throw new InputError(`${what} takes national data (one geo); this dataset has ${d.G} geos`);
}

export interface ColumnSelection {
  target: string;
  media: string[];
  extra?: string[];
  date?: string;
  /** The column naming each row's geo: long-format geo data (needs date). */
  geo?: string;
}

export interface GeoColumnSelection extends ColumnSelection {
  /** The column naming each row's geo. */
  geo: string;
  /** The date column (required: it lines up the geos' rows). */
  date: string;
}

export interface DatasetOptions {
  /** Fewest rows accepted (default MIN_ROWS). */
  minRows?: number;
  /**
   * The first trainRows rows (after sorting by date) are the ones a model is
   * fitted to: all-zero media and constant target or extra columns are
   * checked there (default: all rows).
   */
  trainRows?: number;
  /**
   * Geo data: the geos expected, in the order wanted: a row of any other geo
   * is an error, as is a listed geo without rows. Default: the geos in order
   * of first appearance.
   */
  geos?: string[];
  /** Geo data: whether the extra features vary by geo (default "auto"). */
  extraScope?: ExtraScope;
}

/** The options of geo data (the same options; its old name). */
export type GeoDatasetOptions = DatasetOptions;

/** The fewest rows a model can be fitted to with any meaning. */
export const MIN_ROWS = 10;

// ---------------------------------------------------------------------------
// Dates

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const MAX_LISTED = 20;

function listDates(dates: string[], total: number): string {
  const more = total - dates.length;
  return dates.join(", ") + (more > 0 ? `, and ${more} more` : "");
}

/**
 * The spacing of distinct dates in increasing order: the frequency, and a
 * warning listing the periods missing from the grid. Dates off the grid are
 * an error. rowOf(k) is the row (as messages number it) named for dates[k].
 */
export function analyseDateGrid(
  dates: string[],
  rowOf: (k: number) => number,
  source: string,
  column: string,
): { frequency?: Frequency; warnings: string[] } {
  const what = `${source}: date column "${column}"`;
  const T = dates.length;
  const warnings: string[] = [];
  if (T < 2) return { warnings };

  const days = dates.map(dayNumber);
  const gaps = days.slice(1).map((d, k) => d - days[k]);
  const mid = median(gaps);
  let frequency: Frequency;
  const missing: string[] = [];
  let missingCount = 0;
  if (mid === 1 || mid === 7) {
    const period = mid;
    frequency = period === 1 ? "daily" : "weekly";
    const unit = period === 1 ? "day" : "week";
    for (let k = 1; k < T; k++) {
      const g = gaps[k - 1];
      if (g % period !== 0) {
        throw new InputError(
          `${what}: row ${rowOf(k)} (${dates[k]}) is ${g} days after row ${rowOf(k - 1)} (${dates[k - 1]}); ` +
            `${frequency} dates must be ${period} day${period > 1 ? "s" : ""} apart (or a multiple of that where ${unit}s are missing)`,
        );
      }
      for (let s = 1; s < g / period; s++) {
        if (missing.length < MAX_LISTED) missing.push(isoFromDay(days[k - 1] + s * period));
        missingCount++;
      }
    }
    if (missingCount > 0) {
      warnings.push(
        `${source}: ${missingCount} missing ${unit}${missingCount > 1 ? "s" : ""} in date column "${column}" ` +
          `(the model treats the rows as consecutive periods): ${listDates(missing, missingCount)}`,
      );
    }
  } else if (mid >= 28 && mid <= 31) {
    frequency = "monthly";
    for (let k = 1; k < T; k++) {
      const dm = monthIndex(dates[k]) - monthIndex(dates[k - 1]);
      if (dm === 0) {
        throw new InputError(
          `${what}: rows ${rowOf(k - 1)} (${dates[k - 1]}) and ${rowOf(k)} (${dates[k]}) fall in the same month; monthly data needs one row per month`,
        );
      }
      for (let s = 1; s < dm; s++) {
        if (missing.length < MAX_LISTED) missing.push(addMonths(dates[k - 1], s));
        missingCount++;
      }
    }
    if (missingCount > 0) {
      warnings.push(
        `${source}: ${missingCount} missing month${missingCount > 1 ? "s" : ""} in date column "${column}" ` +
          `(the model treats the rows as consecutive periods): ${listDates(missing, missingCount)}`,
      );
    }
  } else {
    throw new InputError(
      `${what}: the typical (median) gap between dates is ${mid} days; only daily (1 day), weekly (7 days) or monthly (28 to 31 days) data is supported`,
    );
  }
  return { frequency, warnings };
}

// ---------------------------------------------------------------------------
// Training rows

/** The periods checked, for messages: "rows" of national data, "dates" of geo data. */
function describePeriods(d: MediaDataset, n: number): string {
  const unit = isGeoDataset(d) ? "dates" : "rows";
  if (n === d.T) return `all ${n} ${unit}`;
  if (d.dates) return `the ${n} training ${unit} (${d.dates[0]} to ${d.dates[n - 1]})`;
  return `the ${n} training rows (rows ${sourceRow(d, 0)} to ${sourceRow(d, n - 1)})`;
}

/** The row messages name for cell k of the dataset ([T][G]): its source's (sourceRows), else, for data built in memory, its index. */
export function sourceRow(d: MediaDataset, k: number): number {
  return d.sourceRows?.[k] ?? k;
}

/**
 * Checks what a model fitted to the first trainRows periods needs: every
 * channel spends something (in some geo), the target varies (in every geo),
 * and no extra feature is constant (collinear with the intercept, or with a
 * geo's intercept when it is per geo). A channel that never spends in one geo
 * is left to its scaler (a mean or max scaler refuses it).
 */
export function validateTrainingRows(d: MediaDataset, trainRows = d.T): void {
  const src = d.source ?? "data";
  const n = trainRows;
  const geos = d.geoNames;
  const G = d.G ?? 1;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const inGeo = (g: number) => (geos ? ` in geo "${geos[g]}"` : "");
  for (let c = 0; c < C; c++) {
    let any = false;
    for (let t = 0; t < n && !any; t++) for (let g = 0; g < G && !any; g++) any = d.media[(t * C + c) * G + g] !== 0;
    if (!any) {
      throw new InputError(
        geos
          ? `${src}: media column "${d.channelNames[c]}" cannot be scaled: every row is 0 in every geo in ${describePeriods(d, n)}; ` +
              `remove the channel or fit on dates where it spends`
          : `${src}: media column "${d.channelNames[c]}" cannot be scaled by its mean: every row is 0 in ${describePeriods(d, n)}; ` +
              `remove the channel or fit on rows where it spends`,
      );
    }
  }
  if (n < 2) return;
  const constant = (get: (t: number) => number) => {
    const v0 = get(0);
    for (let t = 1; t < n; t++) if (get(t) !== v0) return undefined;
    return v0;
  };
  for (let g = 0; g < G; g++) {
    const v = constant((t) => d.target[t * G + g]);
    if (v !== undefined) {
      throw new InputError(
        `${src}: target column "${d.targetName}" is constant${inGeo(g)} (every row is ${v} in ${describePeriods(d, n)}); there is nothing to model`,
      );
    }
  }
  const W = d.extraPerGeo ? G : 1;
  for (let f = 0; f < F; f++) {
    for (let w = 0; w < W; w++) {
      const v = constant((t) => d.extra[(t * F + f) * W + w]);
      if (v === undefined) continue;
      const collinear = d.extraPerGeo ? "that geo's intercept" : geos ? "the intercepts" : "the intercept";
      throw new InputError(
        `${src}: extra column "${d.extraNames[f]}" is constant${d.extraPerGeo ? inGeo(w) : ""} (every row is ${v} in ${describePeriods(d, n)}): ` +
          `it is collinear with ${collinear}; remove it`,
      );
    }
  }
}

/** validateTrainingRows under its old name for geo data. */
export const validateGeoTrainingRows: (d: GeoMediaDataset, trainRows?: number) => void = validateTrainingRows;

// ---------------------------------------------------------------------------
// Train/test split and slicing

export interface SplitOptions {
  /** The last testRows rows are held out. */
  testRows?: number;
  /** A date (YYYY-MM-DD): rows on or after it are held out. */
  testFrom?: string;
  /** Fewest training rows accepted (default MIN_ROWS). */
  minTrainRows?: number;
}

export interface Split {
  trainRows: number;
  testRows: number;
}

/**
 * Splits the periods into training periods (the first) and test periods (the
 * last), in every geo alike, checking the training periods can be fitted.
 * testRows counts periods (dates for geo data, not table rows).
 */
export function splitRows(d: MediaDataset, options: SplitOptions = {}): Split {
  const split = splitPeriods(d.T, d.dates, d.source ?? "data", options, isGeoDataset(d) ? "dates" : "rows");
  validateTrainingRows(d, split.trainRows);
  return split;
}

/** splitRows under its old name for geo data. */
export const splitGeoRows: (d: GeoMediaDataset, options?: SplitOptions) => Split = splitRows;

/**
 * Where the test periods start among T periods (dates, when known, in
 * increasing order), from a number of test periods or a start date; `unit`
 * names the periods in messages ("rows" for national data, one per period).
 */
export function splitPeriods(
  T: number,
  dates: readonly string[] | undefined,
  source: string,
  options: SplitOptions = {},
  unit = "rows",
): Split {
  const minTrain = options.minTrainRows ?? MIN_ROWS;
  if (options.testRows !== undefined && options.testFrom !== undefined) {
    throw new InputError(`give either the number of test ${unit} (--test-rows) or the date the test ${unit} start from (--test-from), not both`);
  }
  let testRows = 0;
  if (options.testRows !== undefined) {
    const k = options.testRows;
    if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k >= T) {
      throw new InputError(`test ${unit} (--test-rows) must be a whole number from 0 to ${T - 1} (the data has ${T} ${unit}), got ${k}`);
    }
    testRows = k;
  } else if (options.testFrom !== undefined) {
    const from = typeof options.testFrom === "string" ? parseIsoDate(options.testFrom) : undefined;
    if (from === undefined) throw new InputError(`test start date (--test-from) "${options.testFrom}" is not a date (use YYYY-MM-DD)`);
    if (!dates || dates.length !== T) {
      throw new InputError(`${source}: the data has no date column, so it cannot be split at a date; give a number of test ${unit} (--test-rows) instead`);
    }
    const first = dates[0];
    const last = dates[T - 1];
    if (from <= first || from > last) {
      throw new InputError(
        `test start date (--test-from) ${from} is outside the data: it must be after the first date ${first} and on or before the last date ${last}`,
      );
    }
    const k = dates.findIndex((x) => x >= from);
    testRows = T - k;
  }
  const trainRows = T - testRows;
  if (trainRows < minTrain) {
    throw new InputError(
      `${source}: holding out ${testRows} test ${unit} leaves ${trainRows} training ${unit}; at least ${minTrain} are needed to fit a model`,
    );
  }
  return { trainRows, testRows };
}

/** Periods start (inclusive) to end (exclusive), every geo, as a new dataset of the same kind (arrays are copied). */
export function sliceDataset<D extends MediaDataset>(d: D, start: number, end: number): D {
  const geo = isGeoDataset(d);
  const unit = geo ? "dates" : "rows";
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > d.T || start >= end) {
    throw new InputError(`cannot take ${unit} ${start} to ${end} of a ${geo ? "geo " : ""}dataset of ${d.T} ${unit} (need 0 <= start < end <= ${d.T})`);
  }
  const G = d.G ?? 1;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const fW = d.extraPerGeo ? F * G : F;
  const out: D = {
    ...d,
    T: end - start,
    channelNames: [...d.channelNames],
    extraNames: [...d.extraNames],
    target: d.target.slice(start * G, end * G),
    media: d.media.slice(start * C * G, end * C * G),
    extra: d.extra.slice(start * fW, end * fW),
    warnings: [...(d.warnings ?? [])],
  };
  if (d.geoNames) out.geoNames = [...d.geoNames];
  if (d.dates) out.dates = d.dates.slice(start, end);
  if (d.sourceRows) out.sourceRows = d.sourceRows.slice(start * G, end * G);
  return out;
}

/** sliceDataset under its old name for geo data. */
export const sliceGeoDataset: (d: GeoMediaDataset, start: number, end: number) => GeoMediaDataset = sliceDataset;

// ---------------------------------------------------------------------------
// Costs

/** Per-channel total spend over every geo and the first `rows` periods (the default costs). */
export function totalSpend(d: MediaDataset, rows = d.T): number[] {
  const G = d.G ?? 1;
  const C = d.channelNames.length;
  const out = new Array<number>(C).fill(0);
  for (let t = 0; t < rows; t++) for (let c = 0; c < C; c++) for (let g = 0; g < G; g++) out[c] += d.media[(t * C + c) * G + g];
  return out;
}
/** The costs behind the media prior: the user's (validated), else each channel's spend over the first trainRows periods of every geo. */
export function datasetCosts(d: MediaDataset, trainRows = d.T, costs?: number[]): number[] {
  return validateCosts(costs ?? totalSpend(d, trainRows), d.channelNames);
}

/** Checks user-given costs against the channels. */
export function validateCosts(costs: number[], channelNames: string[]): number[] {
  if (costs.length !== channelNames.length) {
    throw new InputError(
      `--costs has ${costs.length} values but there are ${channelNames.length} media channels (${channelNames.join(", ")})`,
    );
  }
  costs.forEach((c, i) => {
    if (!Number.isFinite(c) || c <= 0) {
      throw new InputError(`cost of channel "${channelNames[i]}" must be a positive number, got ${c}`);
    }
  });
  return costs;
}
