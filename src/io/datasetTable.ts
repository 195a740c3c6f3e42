// The one table reader of datasets: a parsed table (CSV, rows or columns) to
// the model's dataset type (model/dataset.ts), national or geo alike. Wide
// format is one row per period (national data: one geo); long format is one
// row per (date, geo), a geo column naming each row's geo. Both go through
// the same steps: geo labels, numbers, dates lined up into [T][C][G] cells.
//
// Every error the user can cause is an InputError naming the source, the
// column, the spreadsheet row (header = row 1) and, for long format, the geo.
// Rows are never dropped or filled in: every geo must have a row for every
// date, rows out of date order are sorted (with a warning) and dates missing
// from the grid are reported (with a warning).

import { InputError } from "../errors.js";
import {
  MIN_ROWS,
  analyseDateGrid,
  validateTrainingRows,
  type ColumnSelection,
  type DatasetOptions,
  type ExtraScope,
  type Frequency,
  type GeoColumnSelection,
  type GeoMediaDataset,
  type MediaDataset,
} from "../model/dataset.js";
import { parseIsoDate } from "../model/dates.js";
import { columnIndex, emptyCellText, parseNumberCell, rowNumber, tableFromColumns, tableFromRows, type Table } from "./csv.js";

/** How many missing dates (and geos) an error lists before "and N more". */
const LISTED = 5;
const LISTED_GEOS = 3;

function listed(items: string[], limit: number): string {
  const shown = items.slice(0, limit).join(", ");
  const more = items.length - limit;
  return more > 0 ? `${shown}, and ${more} more` : shown;
}

/**
 * Parses the date cell of 0-based data row i of column j (yyyy-mm-dd), or
 * throws naming the row; `what` is "<source>: date column \"<name>\"".
 */
export function parseDateCell(table: Table, j: number, i: number, what: string): string {
  const raw = table.rows[i][j];
  if (raw === undefined || raw.trim() === "") throw new InputError(`${what}, row ${rowNumber(table, i)}: ${emptyCellText(table)}`);
  const iso = parseIsoDate(raw);
  if (iso === undefined) {
    throw new InputError(`${what}, row ${rowNumber(table, i)}: "${raw}" is not a date (use YYYY-MM-DD or YYYY/MM/DD; a time after it, as in 2023-01-02 00:00:00 or 2023-01-02T00:00Z, is ignored)`);
  }
  return iso;
}

/** A date column's cells as ISO dates (yyyy-mm-dd), each checked; errors name `what` (default: the column) and the row. */
export function dateColumn(table: Table, name: string, what = `${table.source}: date column "${name}"`): string[] {
  const j = columnIndex(table, name);
  return table.rows.map((_, i) => parseDateCell(table, j, i, what));
}

function resolveOptions(options: number | DatasetOptions | undefined): DatasetOptions & { minRows: number } {
  if (typeof options === "number") return { minRows: options };
  return { ...options, minRows: options?.minRows ?? MIN_ROWS };
}

function checkSelection(sel: ColumnSelection, long: boolean): void {
  if (sel === null || typeof sel !== "object") {
    throw new InputError(`no column selection given (target, media${long ? ", geo, date" : ""})`);
  }
  if (typeof sel.target !== "string" || sel.target === "") throw new InputError("no target column given (--target)");
  if (!Array.isArray(sel.media) || sel.media.length === 0) throw new InputError("no media columns given (--media)");
  if (long) {
    if (typeof sel.geo !== "string" || sel.geo === "") throw new InputError("no geo column given (--geo)");
    if (typeof sel.date !== "string" || sel.date === "") {
      throw new InputError("geo data needs a date column (--date): it lines up the rows of the geos");
    }
  }
  const all = [sel.target, ...sel.media, ...(sel.extra ?? []), ...(sel.date !== undefined ? [sel.date] : []), ...(long ? [sel.geo!] : [])];
  const dup = all.find((c, i) => all.indexOf(c) !== i);
  if (dup !== undefined) {
    throw new InputError(`column "${dup}" is selected twice (target, media, extra${long ? ", date and geo" : " and date"} must differ)`);
  }
}

function checkGeoList(geos: unknown): string[] {
  if (!Array.isArray(geos) || geos.length === 0) throw new InputError("the list of geos must be a non-empty array of geo names");
  const out = geos.map((g, i) => {
    const name = typeof g === "number" ? String(g) : typeof g === "string" ? g.trim() : "";
    if (name === "") throw new InputError(`the list of geos: entry ${i + 1} is not a geo name (got ${JSON.stringify(g)})`);
    return name;
  });
  const dup = out.find((g, i) => out.indexOf(g) !== i);
  if (dup !== undefined) throw new InputError(`the list of geos names geo "${dup}" twice`);
  return out;
}

/** Each row's geo: its index (geos in order of the list, or of first appearance). */
interface Geos {
  geoOf: Int32Array;
  geoNames: string[];
}

/** The geo index of every row of a long-format table. */
function readGeos(table: Table, column: string, list: string[] | undefined): Geos {
  const j = columnIndex(table, column);
  const what = `${table.source}: geo column "${column}"`;
  const geoNames = list ? [...list] : [];
  const index = new Map(geoNames.map((g, k) => [g, k]));
  const geoOf = new Int32Array(table.rows.length);
  const seen = new Uint8Array(geoNames.length);
  for (let i = 0; i < table.rows.length; i++) {
    const label = (table.rows[i][j] ?? "").trim();
    if (label === "") throw new InputError(`${what}, row ${rowNumber(table, i)}: ${emptyCellText(table)}`);
    let k = index.get(label);
    if (k === undefined) {
      if (list) {
        throw new InputError(`${what}, row ${rowNumber(table, i)}: "${label}" is not one of the geos given (${listed(list, 10)})`);
      }
      k = geoNames.length;
      geoNames.push(label);
      index.set(label, k);
    } else if (list) seen[k] = 1;
    geoOf[i] = k;
  }
  if (list) {
    const absent = list.filter((_, k) => !seen[k]);
    if (absent.length > 0) {
      throw new InputError(
        `${table.source}: ${absent.length === 1 ? "geo" : "geos"} ${listed(absent.map((g) => `"${g}"`), LISTED_GEOS)} of the geos given ` +
          `${absent.length === 1 ? "has" : "have"} no rows in geo column "${column}"`,
      );
    }
  }
  return { geoOf, geoNames };
}

/** A numeric column as read from the table (one value per table row), each message naming the column, the row and the geo. */
function readNumbers(table: Table, name: string, role: string, geos: Geos | undefined, nonNegative = false): Float64Array {
  const j = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  for (let i = 0; i < table.rows.length; i++) {
    const geo = geos ? ` (geo "${geos.geoNames[geos.geoOf[i]]}")` : "";
    out[i] = parseNumberCell(table.rows[i][j], `${table.source}: ${role} column "${name}", row ${rowNumber(table, i)}${geo}`, nonNegative, emptyCellText(table));
  }
  return out;
}

/** The periods of the table: their dates (when a date column was given) and the table row of each (period, geo) cell, [T][G]. */
interface Periods {
  T: number;
  dates?: string[];
  cell: Int32Array;
  frequency?: Frequency;
  warnings: string[];
}

/** Parses, orders and checks the date column: each (date, geo) pair once, every geo at every date, at least minRows dates. */
function readPeriods(table: Table, column: string, geos: Geos | undefined, minRows: number): Periods {
  const src = table.source;
  const n = table.rows.length;
  const j = columnIndex(table, column);
  const what = `${src}: date column "${column}"`;
  const row = (i: number) => rowNumber(table, i);
  const geoOf = geos?.geoOf ?? new Int32Array(n);
  const geoNames = geos?.geoNames ?? [""];
  const parsed: string[] = new Array(n);
  const pairRow = new Map<string, number>();
  const firstRowOfDate = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const iso = parseDateCell(table, j, i, what);
    parsed[i] = iso;
    const key = `${iso}\u0000${geoOf[i]}`;
    const prev = pairRow.get(key);
    if (prev !== undefined) {
      throw new InputError(
        geos
          ? `${src}: rows ${row(prev)} and ${row(i)} have the same date ${iso} and geo "${geoNames[geoOf[i]]}"; ` +
              `each (date, geo) pair must appear once`
          : `${what}: rows ${row(prev)} and ${row(i)} have the same date ${iso}; each period must appear once`,
      );
    }
    pairRow.set(key, i);
    if (!firstRowOfDate.has(iso)) firstRowOfDate.set(iso, i);
  }
  const dates = [...firstRowOfDate.keys()].sort();
  const cell = cellRows(parsed, geoOf, dates, geoNames, src, column);
  const T = dates.length;
  if (T < minRows) {
    const G = geoNames.length;
    throw new InputError(`${src}: ${T} dates (in each of ${G} geo${G > 1 ? "s" : ""}); at least ${minRows} are needed to fit a model`);
  }
  const warnings: string[] = [];
  const orderWarning = dateOrderWarning(parsed, geoOf, geos, src, column, row);
  if (orderWarning !== undefined) warnings.push(orderWarning);
  const grid = analyseDateGrid(dates, (t) => row(firstRowOfDate.get(dates[t])!), src, column);
  warnings.push(...grid.warnings);
  return { T, dates, cell, frequency: grid.frequency, warnings };
}

/** The table row of each (date, geo) cell ([T][G]); throws naming the geos that miss dates (rows are never filled in). */
function cellRows(parsed: string[], geoOf: Int32Array, dates: string[], geoNames: string[], src: string, dateColumn: string): Int32Array {
  const n = parsed.length;
  const T = dates.length;
  const G = geoNames.length;
  const dateIndex = new Map(dates.map((d, t) => [d, t]));
  const cell = new Int32Array(T * G).fill(-1);
  for (let i = 0; i < n; i++) cell[dateIndex.get(parsed[i])! * G + geoOf[i]] = i;
  const gaps: string[] = [];
  for (let g = 0; g < G; g++) {
    const missing = dates.filter((_, t) => cell[t * G + g] < 0);
    if (missing.length > 0) {
      gaps.push(`geo "${geoNames[g]}" has no row for ${missing.length} of the ${T} dates: ${listed(missing, LISTED)}`);
    }
  }
  if (gaps.length > 0) {
    const more = gaps.length - LISTED_GEOS;
    throw new InputError(
      `${src}: every geo needs a row for every date in date column "${dateColumn}"; ${gaps.slice(0, LISTED_GEOS).join("; ")}` +
        `${more > 0 ? `; and ${more} more geo${more > 1 ? "s" : ""} with missing dates` : ""} ` +
        `(rows are never filled in: add the rows, or drop those dates or geos)`,
    );
  }
  return cell;
}

/** The warning for rows out of date order (they are sorted), naming the first such row (and its geo), or undefined. */
function dateOrderWarning(parsed: string[], geoOf: Int32Array, geos: Geos | undefined, src: string, dateColumn: string, row: (i: number) => number): string | undefined {
  const lastRowOfGeo = new Map<number, number>();
  for (let i = 0; i < parsed.length; i++) {
    const g = geoOf[i];
    const p = lastRowOfGeo.get(g);
    if (p !== undefined && parsed[i] < parsed[p]) {
      return (
        `${src}: the rows were not in date order, so they were sorted by date column "${dateColumn}" ` +
        `(first out of order: row ${row(i)}, ${parsed[i]}, after row ${row(p)}, ${parsed[p]}` +
        `${geos ? `, geo "${geos.geoNames[g]}"` : ""})`
      );
    }
    lastRowOfGeo.set(g, i);
  }
  return undefined;
}

/** A table's rows in their given order as the periods of national data without a date column. */
function rowPeriods(n: number): Periods {
  return { T: n, cell: Int32Array.from({ length: n }, (_, i) => i), warnings: [] };
}

interface ScopeContext {
  T: number;
  F: number;
  G: number;
  src: string;
  extraNames: string[];
  geoNames: string[];
  dates: string[];
  /** Source data row (0-based) of each (date, geo) cell, [T][G]. */
  cell: Int32Array;
  /** The number messages give a source data row (rowNumber). */
  row: (i: number) => number;
}

/** Whether the extra features are stored per geo; "national" data that varies by geo is an error. */
function extraScopeIsGeo(scope: ExtraScope, x: Float64Array, k: ScopeContext): boolean {
  if (scope === "geo") return true;
  const { T, F, G } = k;
  for (let f = 0; f < F; f++) {
    for (let t = 0; t < T; t++) {
      const base = (t * F + f) * G;
      for (let g = 1; g < G; g++) {
        if (x[base + g] === x[base]) continue;
        if (scope === "auto") return true;
        throw new InputError(
          `${k.src}: extra column "${k.extraNames[f]}" differs between geos on ${k.dates[t]} ` +
            `(row ${k.row(k.cell[t * G])}, geo "${k.geoNames[0]}": ${x[base]}; ` +
            `row ${k.row(k.cell[t * G + g])}, geo "${k.geoNames[g]}": ${x[base + g]}); ` +
            `national extra features must have the same value in every geo for a date (or take the extra features per geo)`,
        );
      }
    }
  }
  return false;
}

/** The checks before any cell is read: the selection, the columns, the scope and the number of rows. */
function checkTable(table: Table, sel: ColumnSelection, opts: DatasetOptions & { minRows: number }, long: boolean): void {
  checkSelection(sel, long);
  for (const c of [sel.target, ...sel.media, ...(sel.extra ?? [])]) columnIndex(table, c);
  if (sel.date !== undefined) columnIndex(table, sel.date);
  if (long) columnIndex(table, sel.geo!);
  const scope = opts.extraScope ?? "auto";
  if (long && scope !== "auto" && scope !== "national" && scope !== "geo") {
    throw new InputError(`extra scope must be "auto", "national" or "geo", got ${JSON.stringify(scope)}`);
  }
  const n = table.rows.length;
  if (n < opts.minRows) {
    throw new InputError(`${table.source}: ${n} data rows; at least ${opts.minRows}${long ? " dates in every geo" : ""} are needed to fit a model`);
  }
}

/**
 * Reads a table into the dataset: long format (one row per date and geo)
 * when the selection names a geo column (or `long` says so), else wide
 * format (one row per period: national data).
 */
function readDataset(table: Table, sel: ColumnSelection, options: number | DatasetOptions, long: boolean): MediaDataset {
  const opts = resolveOptions(options);
  checkTable(table, sel, opts, long);
  const src = table.source;
  const extraNames = [...(sel.extra ?? [])];
  const geos = long ? readGeos(table, sel.geo!, opts.geos !== undefined ? checkGeoList(opts.geos) : undefined) : undefined;
  const G = geos ? geos.geoNames.length : 1;
  const targetRaw = readNumbers(table, sel.target, "target", geos);
  const mediaRaw = sel.media.map((name) => readNumbers(table, name, "media", geos, true));
  const extraRaw = extraNames.map((name) => readNumbers(table, name, "extra", geos));
  const periods = sel.date !== undefined ? readPeriods(table, sel.date, geos, opts.minRows) : rowPeriods(table.rows.length);
  const { T, cell } = periods;

  const C = sel.media.length;
  const F = extraNames.length;
  const target = new Float64Array(T * G);
  const media = new Float64Array(T * C * G);
  const extraAll = new Float64Array(T * F * G);
  for (let k = 0; k < T * G; k++) {
    const i = cell[k];
    const t = Math.floor(k / G);
    const g = k - t * G;
    target[k] = targetRaw[i];
    for (let c = 0; c < C; c++) media[(t * C + c) * G + g] = mediaRaw[c][i];
    for (let f = 0; f < F; f++) extraAll[(t * F + f) * G + g] = extraRaw[f][i];
  }
  const sourceRows = Array.from(cell, (i) => rowNumber(table, i));
  if (!geos) {
    const d: MediaDataset = { T, targetName: sel.target, channelNames: [...sel.media], extraNames, target, media, extra: extraAll };
    if (periods.dates !== undefined) d.dates = periods.dates;
    if (periods.frequency !== undefined) d.frequency = periods.frequency;
    if (sel.date !== undefined) d.dateColumn = sel.date;
    Object.assign(d, { warnings: periods.warnings, source: src, sourceRows });
    validateTrainingRows(d, opts.trainRows ?? T);
    return d;
  }
  const dates = periods.dates!;
  const context = { T, F, G, src, extraNames, geoNames: geos.geoNames, dates, cell, row: (i: number) => rowNumber(table, i) };
  const perGeo = F > 0 && extraScopeIsGeo(opts.extraScope ?? "auto", extraAll, context);
  let extra = extraAll;
  if (!perGeo) {
    extra = new Float64Array(T * F);
    for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) extra[t * F + f] = extraAll[(t * F + f) * G];
  }
  const d: GeoMediaDataset = {
    T,
    G,
    targetName: sel.target,
    channelNames: [...sel.media],
    extraNames,
    geoColumn: sel.geo!,
    geoNames: geos.geoNames,
    target,
    media,
    extraPerGeo: perGeo,
    extra,
    dates,
    dateColumn: sel.date,
    warnings: periods.warnings,
    source: src,
    sourceRows,
  };
  if (periods.frequency !== undefined) d.frequency = periods.frequency;
  validateTrainingRows(d, opts.trainRows ?? T);
  return d;
}

/** Whether a selection names a geo column (long-format data). */
function isLong(sel: ColumnSelection): boolean {
  return sel !== null && typeof sel === "object" && sel.geo !== undefined;
}

/**
 * The validated dataset of a table: geo data (long format, one row per date
 * and geo) when the selection names a geo column, else national data (one
 * row per period).
 */
export function datasetFromTable(table: Table, sel: GeoColumnSelection, options?: number | DatasetOptions): GeoMediaDataset;
export function datasetFromTable(table: Table, sel: ColumnSelection, options?: number | DatasetOptions): MediaDataset;
export function datasetFromTable(table: Table, sel: ColumnSelection, options: number | DatasetOptions = MIN_ROWS): MediaDataset {
  return readDataset(table, sel, options, isLong(sel));
}

/**
 * A dataset from plain objects, one per row (column name -> number or
 * string), validated exactly as CSV input. Messages number the rows as a
 * spreadsheet would (header = row 1), so rows[i] is "row i + 2".
 */
export function datasetFromRows(rows: Record<string, number | string>[], sel: GeoColumnSelection, source?: string, options?: number | DatasetOptions): GeoMediaDataset;
export function datasetFromRows(rows: Record<string, number | string>[], sel: ColumnSelection, source?: string, options?: number | DatasetOptions): MediaDataset;
export function datasetFromRows(
  rows: Record<string, number | string>[],
  sel: ColumnSelection,
  source = "data",
  options: number | DatasetOptions = MIN_ROWS,
): MediaDataset {
  return readDataset(tableFromRows(rows, source), sel, options, isLong(sel));
}

/**
 * A dataset from columns (column name -> values), validated exactly as CSV
 * input. Messages number the rows as a spreadsheet would, so values[i] is
 * "row i + 2".
 */
export function datasetFromColumns(columns: Record<string, ArrayLike<number | string>>, sel: GeoColumnSelection, source?: string, options?: number | DatasetOptions): GeoMediaDataset;
export function datasetFromColumns(columns: Record<string, ArrayLike<number | string>>, sel: ColumnSelection, source?: string, options?: number | DatasetOptions): MediaDataset;
export function datasetFromColumns(
  columns: Record<string, ArrayLike<number | string>>,
  sel: ColumnSelection,
  source = "data",
  options: number | DatasetOptions = MIN_ROWS,
): MediaDataset {
  return readDataset(tableFromColumns(columns, source), sel, options, isLong(sel));
}

/** Geo data from a long-format table (the geo column required); datasetFromTable under its old name. */
export function geoDatasetFromTable(table: Table, sel: GeoColumnSelection, options: number | DatasetOptions = MIN_ROWS): GeoMediaDataset {
  return readDataset(table, sel, options, true) as GeoMediaDataset;
}

/** Geo data from plain objects, one per (date, geo) row; datasetFromRows under its old name. */
export const geoDatasetFromRows = (rows: Record<string, number | string>[], sel: GeoColumnSelection, source = "data", options: number | DatasetOptions = MIN_ROWS) =>
  geoDatasetFromTable(tableFromRows(rows, source), sel, options);

/** Geo data from long-format columns (column name -> values); datasetFromColumns under its old name. */
export const geoDatasetFromColumns = (columns: Record<string, ArrayLike<number | string>>, sel: GeoColumnSelection, source = "data", options: number | DatasetOptions = MIN_ROWS) =>
  geoDatasetFromTable(tableFromColumns(columns, source), sel, options);
