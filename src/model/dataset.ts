// A media mix dataset in the user's units: target, media channels and extra
// features by name, validated. Scaling is separate (scaling.ts).
//
// Every error the user can cause is an InputError naming the source (file),
// the column and the spreadsheet row (header = row 1) at fault. Rows are never
// dropped or filled in: rows out of date order are sorted (with a warning) and
// missing periods are reported (with a warning), nothing more.

import { InputError } from "../errors.js";
import { addMonths, dayNumber, isoFromDay, monthIndex, parseIsoDate } from "./dates.js";
import { columnIndex, numericColumn, spreadsheetRow, tableFromColumns, tableFromRows, type Table } from "../io/csv.js";

export type Frequency = "daily" | "weekly" | "monthly";

export interface MediaDataset {
  T: number;
  targetName: string;
  channelNames: string[];
  extraNames: string[];
  target: Float64Array;
  /** Row-major [T][C]. */
  media: Float64Array;
  /** Row-major [T][F]. */
  extra: Float64Array;
  /** Period dates as ISO yyyy-mm-dd, in row order (rows are sorted by date), when a date column was given. */
  dates?: string[];
  /** Spacing of the dates, when a date column was given (and there are at least 2 rows). */
  frequency?: Frequency;
  /**
   * Things the user should know about the data that are not errors (rows
   * sorted, missing periods). Every constructor in this module sets it
   * (possibly empty); it is optional in the type only so that datasets
   * written out by hand elsewhere still type-check.
   */
  warnings?: string[];
  /** Where the data came from (a path, or "data"), for messages. */
  source?: string;
  /** Spreadsheet row (header = row 1) of each dataset row in the source, after any sorting. */
  sourceRows?: number[];
}

export interface ColumnSelection {
  target: string;
  media: string[];
  extra?: string[];
  date?: string;
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
}

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

interface DateInfo {
  /** Row order after a stable sort by date. */
  order: number[];
  dates: string[];
  frequency?: Frequency;
  warnings: string[];
}

/**
 * Parses the date cell of 0-based data row i of column j (yyyy-mm-dd), or
 * throws naming the row; `what` is "<source>: date column \"<name>\"".
 */
export function parseDateCell(table: Table, j: number, i: number, what: string): string {
  const raw = table.rows[i][j];
  if (raw === undefined || raw.trim() === "") throw new InputError(`${what}, row ${spreadsheetRow(i)}: empty cell`);
  const iso = parseIsoDate(raw);
  if (iso === undefined) {
    throw new InputError(`${what}, row ${spreadsheetRow(i)}: "${raw}" is not a date (use YYYY-MM-DD, YYYY/MM/DD or YYYY-MM-DDTHH:MM)`);
  }
  return iso;
}

/** Parses, orders and checks the date column; row numbers in messages are spreadsheet rows of the table. */
function analyseDates(table: Table, column: string): DateInfo {
  const j = columnIndex(table, column);
  const what = `${table.source}: date column "${column}"`;
  const T = table.rows.length;
  const parsed: string[] = new Array(T);
  const firstRow = new Map<string, number>();
  for (let i = 0; i < T; i++) {
    const iso = parseDateCell(table, j, i, what);
    const prev = firstRow.get(iso);
    if (prev !== undefined) {
      throw new InputError(`${what}: rows ${spreadsheetRow(prev)} and ${spreadsheetRow(i)} have the same date ${iso}; each period must appear once`);
    }
    firstRow.set(iso, i);
    parsed[i] = iso;
  }
  const warnings: string[] = [];
  const order = Array.from({ length: T }, (_, i) => i);
  const firstUnordered = parsed.findIndex((d, i) => i > 0 && d < parsed[i - 1]);
  if (firstUnordered > 0) {
    order.sort((a, b) => (parsed[a] < parsed[b] ? -1 : parsed[a] > parsed[b] ? 1 : a - b));
    const i = firstUnordered;
    warnings.push(
      `${table.source}: the rows were not in date order, so they were sorted by date column "${column}" ` +
        `(first out of order: row ${spreadsheetRow(i)}, ${parsed[i]}, after row ${spreadsheetRow(i - 1)}, ${parsed[i - 1]})`,
    );
  }
  const dates = order.map((i) => parsed[i]);
  const grid = analyseDateGrid(dates, (k) => spreadsheetRow(order[k]), table.source, column);
  warnings.push(...grid.warnings);
  return grid.frequency === undefined ? { order, dates, warnings } : { order, dates, frequency: grid.frequency, warnings };
}

/**
 * The spacing of distinct dates in increasing order: the frequency, and a
 * warning listing the periods missing from the grid. Dates off the grid are
 * an error. rowOf(k) is the spreadsheet row named for dates[k].
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
// Construction and validation

function resolveOptions(options: number | DatasetOptions | undefined): Required<Pick<DatasetOptions, "minRows">> & DatasetOptions {
  if (typeof options === "number") return { minRows: options };
  return { ...options, minRows: options?.minRows ?? MIN_ROWS };
}

function checkSelection(sel: ColumnSelection): void {
  if (sel === null || typeof sel !== "object") throw new InputError("no column selection given (target, media)");
  if (typeof sel.target !== "string" || sel.target === "") throw new InputError("no target column given (--target)");
  if (!Array.isArray(sel.media) || sel.media.length === 0) throw new InputError("no media columns given (--media)");
  const extra = sel.extra ?? [];
  const all = [sel.target, ...sel.media, ...extra, ...(sel.date !== undefined ? [sel.date] : [])];
  const dup = all.find((c, i) => all.indexOf(c) !== i);
  if (dup !== undefined) throw new InputError(`column "${dup}" is selected twice (target, media, extra and date must differ)`);
}

export function datasetFromTable(table: Table, sel: ColumnSelection, options: number | DatasetOptions = MIN_ROWS): MediaDataset {
  const { minRows, trainRows } = resolveOptions(options);
  checkSelection(sel);
  const extra = sel.extra ?? [];
  for (const c of [sel.target, ...sel.media, ...extra]) columnIndex(table, c);
  if (sel.date !== undefined) columnIndex(table, sel.date);
  const T = table.rows.length;
  if (T < minRows) {
    throw new InputError(`${table.source}: ${T} data rows; at least ${minRows} are needed to fit a model`);
  }
  const targetRaw = numericColumn(table, sel.target, { role: "target" });
  const mediaCols = sel.media.map((name) => numericColumn(table, name, { role: "media", nonNegative: true }));
  const extraCols = extra.map((name) => numericColumn(table, name, { role: "extra" }));

  let order = Array.from({ length: T }, (_, i) => i);
  let dates: string[] | undefined;
  let frequency: Frequency | undefined;
  const warnings: string[] = [];
  if (sel.date !== undefined) {
    const info = analyseDates(table, sel.date);
    order = info.order;
    dates = info.dates;
    frequency = info.frequency;
    warnings.push(...info.warnings);
  }

  const C = sel.media.length;
  const F = extra.length;
  const target = new Float64Array(T);
  const media = new Float64Array(T * C);
  const extraArr = new Float64Array(T * F);
  for (let t = 0; t < T; t++) {
    const i = order[t];
    target[t] = targetRaw[i];
    for (let c = 0; c < C; c++) media[t * C + c] = mediaCols[c][i];
    for (let f = 0; f < F; f++) extraArr[t * F + f] = extraCols[f][i];
  }
  const dataset: MediaDataset = {
    T,
    targetName: sel.target,
    channelNames: [...sel.media],
    extraNames: [...extra],
    target,
    media,
    extra: extraArr,
    dates,
    frequency,
    warnings,
    source: table.source,
    sourceRows: order.map(spreadsheetRow),
  };
  if (dates === undefined) delete dataset.dates;
  if (frequency === undefined) delete dataset.frequency;
  validateTrainingRows(dataset, trainRows ?? T);
  return dataset;
}

/**
 * A dataset from plain objects, one per row (column name -> number or
 * string), validated exactly as CSV input. Messages number the rows as a
 * spreadsheet would (header = row 1), so rows[i] is "row i + 2".
 */
export function datasetFromRows(
  rows: Record<string, number | string>[],
  sel: ColumnSelection,
  source = "data",
  options: number | DatasetOptions = MIN_ROWS,
): MediaDataset {
  return datasetFromTable(tableFromRows(rows, source), sel, options);
}

/**
 * A dataset from columns (column name -> values), validated exactly as CSV
 * input. Messages number the rows as a spreadsheet would, so values[i] is
 * "row i + 2".
 */
export function datasetFromColumns(
  columns: Record<string, ArrayLike<number | string>>,
  sel: ColumnSelection,
  source = "data",
  options: number | DatasetOptions = MIN_ROWS,
): MediaDataset {
  return datasetFromTable(tableFromColumns(columns, source), sel, options);
}

function describeRows(d: MediaDataset, n: number): string {
  if (n === d.T) return `all ${n} rows`;
  if (d.dates) return `the ${n} training rows (${d.dates[0]} to ${d.dates[n - 1]})`;
  const rows = d.sourceRows ?? Array.from({ length: d.T }, (_, t) => spreadsheetRow(t));
  return `the ${n} training rows (rows ${rows[0]} to ${rows[n - 1]})`;
}

/**
 * Checks what a model fitted to the first trainRows rows needs: every media
 * channel spends something (it is scaled by its mean), the target varies,
 * and no extra feature is constant (it would be collinear with the intercept).
 */
export function validateTrainingRows(d: MediaDataset, trainRows = d.T): void {
  const src = d.source ?? "data";
  const n = trainRows;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  for (let c = 0; c < C; c++) {
    let any = false;
    for (let t = 0; t < n && !any; t++) any = d.media[t * C + c] !== 0;
    if (!any) {
      throw new InputError(
        `${src}: media column "${d.channelNames[c]}" cannot be scaled by its mean: every row is 0 in ${describeRows(d, n)}; ` +
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
  const ty = constant((t) => d.target[t]);
  if (ty !== undefined) {
    throw new InputError(`${src}: target column "${d.targetName}" is constant (every row is ${ty} in ${describeRows(d, n)}); there is nothing to model`);
  }
  for (let f = 0; f < F; f++) {
    const v = constant((t) => d.extra[t * F + f]);
    if (v !== undefined) {
      throw new InputError(
        `${src}: extra column "${d.extraNames[f]}" is constant (every row is ${v} in ${describeRows(d, n)}): ` +
          `it is collinear with the intercept; remove it`,
      );
    }
  }
}

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

/** Splits into training rows (the first) and test rows (the last), checking the training rows can be fitted. */
export function splitRows(d: MediaDataset, options: SplitOptions = {}): Split {
  const split = splitPeriods(d.T, d.dates, d.source ?? "data", options);
  validateTrainingRows(d, split.trainRows);
  return split;
}

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
    throw new InputError(`give either the number of test ${unit} or the date the test ${unit} start from, not both`);
  }
  let testRows = 0;
  if (options.testRows !== undefined) {
    const k = options.testRows;
    if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k >= T) {
      throw new InputError(`test ${unit} must be a whole number from 0 to ${T - 1} (the data has ${T} ${unit}), got ${k}`);
    }
    testRows = k;
  } else if (options.testFrom !== undefined) {
    const from = typeof options.testFrom === "string" ? parseIsoDate(options.testFrom) : undefined;
    if (from === undefined) throw new InputError(`test start date "${options.testFrom}" is not a date (use YYYY-MM-DD)`);
    if (!dates || dates.length !== T) {
      throw new InputError(`${source}: the data has no date column, so it cannot be split at a date; give a number of test ${unit} instead`);
    }
    const first = dates[0];
    const last = dates[T - 1];
    if (from <= first || from > last) {
      throw new InputError(
        `test start date ${from} is outside the data: it must be after the first date ${first} and on or before the last date ${last}`,
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

/** Rows start (inclusive) to end (exclusive) as a new dataset (arrays are copied). */
export function sliceDataset(d: MediaDataset, start: number, end: number): MediaDataset {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > d.T || start >= end) {
    throw new InputError(`cannot take rows ${start} to ${end} of a dataset of ${d.T} rows (need 0 <= start < end <= ${d.T})`);
  }
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const out: MediaDataset = {
    T: end - start,
    targetName: d.targetName,
    channelNames: [...d.channelNames],
    extraNames: [...d.extraNames],
    target: d.target.slice(start, end),
    media: d.media.slice(start * C, end * C),
    extra: d.extra.slice(start * F, end * F),
    warnings: [...(d.warnings ?? [])],
  };
  if (d.dates) out.dates = d.dates.slice(start, end);
  if (d.frequency) out.frequency = d.frequency;
  if (d.source !== undefined) out.source = d.source;
  if (d.sourceRows) out.sourceRows = d.sourceRows.slice(start, end);
  return out;
}

// ---------------------------------------------------------------------------
// Costs

/** Per-channel total spend over the given rows (the default costs). */
export function totalSpend(d: MediaDataset, rows = d.T): number[] {
  const C = d.channelNames.length;
  const out = new Array<number>(C).fill(0);
  for (let t = 0; t < rows; t++) for (let c = 0; c < C; c++) out[c] += d.media[t * C + c];
  return out;
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
