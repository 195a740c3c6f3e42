// A geo (regional) media mix dataset in the user's units, from a long-format
// table: one row per (date, geo) with the target, media and extra columns.
// Scaling is separate (geoScaling.ts). MODEL.md "Geo (hierarchical) model".
//
// As for national data (dataset.ts), every error the user can cause is an
// InputError naming the source, the column, the spreadsheet row (header =
// row 1) and here also the geo at fault. Rows are never dropped or filled in:
// every geo must have a row for every date, rows out of date order are sorted
// (with a warning) and dates missing from the grid in every geo are reported
// (with a warning), as the national loader does.

import { InputError } from "../errors.js";
import { columnIndex, parseNumberCell, spreadsheetRow, tableFromColumns, tableFromRows, type Table } from "../io/csv.js";
import {
  MIN_ROWS,
  type MediaDataset,
  analyseDateGrid,
  parseDateCell,
  splitPeriods,
  validateCosts,
  type ColumnSelection,
  type DatasetOptions,
  type Frequency,
  type Split,
  type SplitOptions,
} from "./dataset.js";
import { mediaPriorFromCosts } from "./structure.js";

/**
 * Whether the extra features vary by geo: "geo" (stored [T][F][G], one
 * coefficient per feature and geo), "national" (the same value in every geo
 * for a date, stored [T][F]) or "auto" (national when every extra column is
 * the same in every geo for every date, else per geo).
 */
export type ExtraScope = "auto" | "national" | "geo";

export interface GeoColumnSelection extends ColumnSelection {
  /** The column naming each row's geo. */
  geo: string;
  /** The date column (required: it lines up the geos' rows). */
  date: string;
}

export interface GeoDatasetOptions extends DatasetOptions {
  /**
   * The geos expected, in the order wanted: a row of any other geo is an
   * error, as is a listed geo without rows. Default: the geos in order of
   * first appearance.
   */
  geos?: string[];
  /** Default "auto". */
  extraScope?: ExtraScope;
}

export interface GeoMediaDataset {
  /** Number of periods (distinct dates). */
  T: number;
  /** Number of geos. */
  G: number;
  targetName: string;
  channelNames: string[];
  extraNames: string[];
  geoColumn: string;
  /** Geo labels in model order (first appearance, or the order of the given list). */
  geoNames: string[];
  /** Row-major [T][G]. */
  target: Float64Array;
  /** Row-major [T][C][G]: index (t * C + c) * G + g. */
  media: Float64Array;
  /** True: extra is [T][F][G] (index (t * F + f) * G + g); false: [T][F], the same in every geo. */
  extraPerGeo: boolean;
  extra: Float64Array;
  /** Period dates as ISO yyyy-mm-dd, increasing. */
  dates: string[];
  /** Spacing of the dates (when there are at least 2). */
  frequency?: Frequency;
  /** Things the user should know that are not errors (rows sorted, dates missing in every geo). */
  warnings: string[];
  /** Where the data came from (a path, or "data"), for messages. */
  source: string;
  /** Spreadsheet row (header = row 1) of each (date, geo) cell in the source, [T][G]. */
  sourceRows: number[];
}

/** How many missing dates (and geos) an error lists before "and N more". */
const LISTED = 5;
const LISTED_GEOS = 3;

function listed(items: string[], limit: number): string {
  const shown = items.slice(0, limit).join(", ");
  const more = items.length - limit;
  return more > 0 ? `${shown}, and ${more} more` : shown;
}

function resolveGeoOptions(options: number | GeoDatasetOptions | undefined): GeoDatasetOptions & { minRows: number } {
  if (typeof options === "number") return { minRows: options };
  return { ...options, minRows: options?.minRows ?? MIN_ROWS };
}

function checkGeoSelection(sel: GeoColumnSelection): void {
  if (sel === null || typeof sel !== "object") throw new InputError("no column selection given (target, media, geo, date)");
  if (typeof sel.target !== "string" || sel.target === "") throw new InputError("no target column given (--target)");
  if (!Array.isArray(sel.media) || sel.media.length === 0) throw new InputError("no media columns given (--media)");
  if (typeof sel.geo !== "string" || sel.geo === "") throw new InputError("no geo column given (--geo)");
  if (typeof sel.date !== "string" || sel.date === "") {
    throw new InputError("geo data needs a date column (--date): it lines up the rows of the geos");
  }
  const all = [sel.target, ...sel.media, ...(sel.extra ?? []), sel.date, sel.geo];
  const dup = all.find((c, i) => all.indexOf(c) !== i);
  if (dup !== undefined) throw new InputError(`column "${dup}" is selected twice (target, media, extra, date and geo must differ)`);
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

/** The geo index of every row (geos in order of the list, or of first appearance). */
function readGeos(table: Table, column: string, list: string[] | undefined): { geoOf: Int32Array; geoNames: string[] } {
  const j = columnIndex(table, column);
  const what = `${table.source}: geo column "${column}"`;
  const geoNames = list ? [...list] : [];
  const index = new Map(geoNames.map((g, k) => [g, k]));
  const geoOf = new Int32Array(table.rows.length);
  const seen = new Uint8Array(geoNames.length);
  for (let i = 0; i < table.rows.length; i++) {
    const label = (table.rows[i][j] ?? "").trim();
    if (label === "") throw new InputError(`${what}, row ${spreadsheetRow(i)}: empty cell`);
    let k = index.get(label);
    if (k === undefined) {
      if (list) {
        throw new InputError(`${what}, row ${spreadsheetRow(i)}: "${label}" is not one of the geos given (${listed(list, 10)})`);
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

/** The warning for a geo's rows out of date order (they are sorted), naming the first such row, or undefined. */
function dateOrderWarning(parsed: string[], geoOf: Int32Array, geoNames: string[], src: string, dateColumn: string): string | undefined {
  const n = parsed.length;
  const G = geoNames.length;
  const lastRowOfGeo = new Int32Array(G).fill(-1);
  for (let i = 0; i < n; i++) {
    const g = geoOf[i];
    const p = lastRowOfGeo[g];
    if (p >= 0 && parsed[i] < parsed[p]) {
      return (
        `${src}: the rows were not in date order, so they were sorted by date column "${dateColumn}" ` +
          `(first out of order: row ${spreadsheetRow(i)}, ${parsed[i]}, after row ${spreadsheetRow(p)}, ${parsed[p]}, geo "${geoNames[g]}")`
      );
    }
    lastRowOfGeo[g] = i;
  }
  return undefined;
}

/** Builds a validated geo dataset from a long-format table (one row per date and geo). */
export function geoDatasetFromTable(
  table: Table,
  sel: GeoColumnSelection,
  options: number | GeoDatasetOptions = MIN_ROWS,
): GeoMediaDataset {
  const opts = resolveGeoOptions(options);
  checkGeoSelection(sel);
  const extraNames = [...(sel.extra ?? [])];
  for (const c of [sel.target, ...sel.media, ...extraNames, sel.date, sel.geo]) columnIndex(table, c);
  const scope = opts.extraScope ?? "auto";
  if (scope !== "auto" && scope !== "national" && scope !== "geo") {
    throw new InputError(`extra scope must be "auto", "national" or "geo", got ${JSON.stringify(scope)}`);
  }
  const src = table.source;
  const n = table.rows.length;
  if (n < opts.minRows) {
    throw new InputError(`${src}: ${n} data rows; at least ${opts.minRows} dates in every geo are needed to fit a model`);
  }
  const list = opts.geos !== undefined ? checkGeoList(opts.geos) : undefined;
  const { geoOf, geoNames } = readGeos(table, sel.geo, list);
  const G = geoNames.length;

  // Dates: each (date, geo) pair once.
  const dj = columnIndex(table, sel.date);
  const dateWhat = `${src}: date column "${sel.date}"`;
  const parsed: string[] = new Array(n);
  const pairRow = new Map<string, number>();
  const firstRowOfDate = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const iso = parseDateCell(table, dj, i, dateWhat);
    parsed[i] = iso;
    const key = `${iso}\u0000${geoOf[i]}`;
    const prev = pairRow.get(key);
    if (prev !== undefined) {
      throw new InputError(
        `${src}: rows ${spreadsheetRow(prev)} and ${spreadsheetRow(i)} have the same date ${iso} and geo "${geoNames[geoOf[i]]}"; ` +
          `each (date, geo) pair must appear once`,
      );
    }
    pairRow.set(key, i);
    if (!firstRowOfDate.has(iso)) firstRowOfDate.set(iso, i);
  }
  const dates = [...firstRowOfDate.keys()].sort();
  const T = dates.length;
  const dateIndex = new Map(dates.map((d, t) => [d, t]));

  // Every geo has every date.
  const cell = cellRows(parsed, geoOf, dates, geoNames, src, sel.date);
  if (T < opts.minRows) {
    throw new InputError(`${src}: ${T} dates (in each of ${G} geo${G > 1 ? "s" : ""}); at least ${opts.minRows} are needed to fit a model`);
  }

  // Row order: a geo's rows out of date order are sorted, with a warning.
  const warnings: string[] = [];
  const orderWarning = dateOrderWarning(parsed, geoOf, geoNames, src, sel.date);
  if (orderWarning !== undefined) warnings.push(orderWarning);
  const grid = analyseDateGrid(dates, (t) => spreadsheetRow(firstRowOfDate.get(dates[t])!), src, sel.date);
  warnings.push(...grid.warnings);

  const C = sel.media.length;
  const F = extraNames.length;
  const target = new Float64Array(T * G);
  const media = new Float64Array(T * C * G);
  const extraGeo = new Float64Array(T * F * G);
  const tj = columnIndex(table, sel.target);
  const mj = sel.media.map((c) => columnIndex(table, c));
  const ej = extraNames.map((c) => columnIndex(table, c));
  // Numbers, each message naming the column, the row and the geo.
  for (let i = 0; i < n; i++) {
    const t = dateIndex.get(parsed[i])!;
    const g = geoOf[i];
    const row = table.rows[i];
    const at = (role: string, name: string) => `${src}: ${role} column "${name}", row ${spreadsheetRow(i)} (geo "${geoNames[g]}")`;
    target[t * G + g] = parseNumberCell(row[tj], at("target", sel.target));
    for (let c = 0; c < C; c++) media[(t * C + c) * G + g] = parseNumberCell(row[mj[c]], at("media", sel.media[c]), true);
    for (let f = 0; f < F; f++) extraGeo[(t * F + f) * G + g] = parseNumberCell(row[ej[f]], at("extra", extraNames[f]));
  }

  const perGeo = F > 0 && extraScopeIsGeo(scope, extraGeo, { T, F, G, src, extraNames, geoNames, dates, cell });
  let extra = extraGeo;
  if (!perGeo) {
    extra = new Float64Array(T * F);
    for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) extra[t * F + f] = extraGeo[(t * F + f) * G];
  }

  const d: GeoMediaDataset = {
    T,
    G,
    targetName: sel.target,
    channelNames: [...sel.media],
    extraNames,
    geoColumn: sel.geo,
    geoNames,
    target,
    media,
    extraPerGeo: perGeo,
    extra,
    dates,
    warnings,
    source: src,
    sourceRows: Array.from(cell, spreadsheetRow),
  };
  if (grid.frequency !== undefined) d.frequency = grid.frequency;
  validateGeoTrainingRows(d, opts.trainRows ?? T);
  return d;
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
            `(row ${spreadsheetRow(k.cell[t * G])}, geo "${k.geoNames[0]}": ${x[base]}; ` +
            `row ${spreadsheetRow(k.cell[t * G + g])}, geo "${k.geoNames[g]}": ${x[base + g]}); ` +
            `national extra features must have the same value in every geo for a date (or take the extra features per geo)`,
        );
      }
    }
  }
  return false;
}

/**
 * A geo dataset from plain objects, one per (date, geo) row, validated
 * exactly as CSV input; rows[i] is "row i + 2" in messages.
 */
export function geoDatasetFromRows(
  rows: Record<string, number | string>[],
  sel: GeoColumnSelection,
  source = "data",
  options: number | GeoDatasetOptions = MIN_ROWS,
): GeoMediaDataset {
  return geoDatasetFromTable(tableFromRows(rows, source), sel, options);
}

/**
 * A geo dataset from long-format columns (column name -> values), validated
 * exactly as CSV input; values[i] is "row i + 2" in messages.
 */
export function geoDatasetFromColumns(
  columns: Record<string, ArrayLike<number | string>>,
  sel: GeoColumnSelection,
  source = "data",
  options: number | GeoDatasetOptions = MIN_ROWS,
): GeoMediaDataset {
  return geoDatasetFromTable(tableFromColumns(columns, source), sel, options);
}

// ---------------------------------------------------------------------------
// Training rows

function describeDates(d: GeoMediaDataset, n: number): string {
  if (n === d.T) return `all ${n} dates`;
  return `the ${n} training dates (${d.dates[0]} to ${d.dates[n - 1]})`;
}

/**
 * Checks what a geo model fitted to the first trainRows dates needs: every
 * channel spends something in some geo, the target varies in every geo, and
 * no extra feature is constant (national: collinear with the intercepts; per
 * geo: collinear with that geo's intercept). A channel that never spends in
 * one geo is left to its scaler (a mean or max scaler refuses it).
 */
export function validateGeoTrainingRows(d: GeoMediaDataset, trainRows = d.T): void {
  const { G, source: src } = d;
  const n = trainRows;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  for (let c = 0; c < C; c++) {
    let any = false;
    for (let t = 0; t < n && !any; t++) for (let g = 0; g < G && !any; g++) any = d.media[(t * C + c) * G + g] !== 0;
    if (!any) {
      throw new InputError(
        `${src}: media column "${d.channelNames[c]}" cannot be scaled: every row is 0 in every geo in ${describeDates(d, n)}; ` +
          `remove the channel or fit on dates where it spends`,
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
        `${src}: target column "${d.targetName}" is constant in geo "${d.geoNames[g]}" (every row is ${v} in ${describeDates(d, n)}); there is nothing to model`,
      );
    }
  }
  for (let f = 0; f < F; f++) {
    if (!d.extraPerGeo) {
      const v = constant((t) => d.extra[t * F + f]);
      if (v !== undefined) {
        throw new InputError(
          `${src}: extra column "${d.extraNames[f]}" is constant (every row is ${v} in ${describeDates(d, n)}): ` +
            `it is collinear with the intercepts; remove it`,
        );
      }
      continue;
    }
    for (let g = 0; g < G; g++) {
      const v = constant((t) => d.extra[(t * F + f) * G + g]);
      if (v !== undefined) {
        throw new InputError(
          `${src}: extra column "${d.extraNames[f]}" is constant in geo "${d.geoNames[g]}" (every row is ${v} in ${describeDates(d, n)}): ` +
            `it is collinear with that geo's intercept; remove it`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Train/test split and slicing

/**
 * Splits the dates into training dates (the first) and test dates (the
 * last), in every geo alike, checking the training dates can be fitted.
 * testRows counts dates (periods), not table rows.
 */
export function splitGeoRows(d: GeoMediaDataset, options: SplitOptions = {}): Split {
  const split = splitPeriods(d.T, d.dates, d.source, options, "dates");
  validateGeoTrainingRows(d, split.trainRows);
  return split;
}

/** Dates start (inclusive) to end (exclusive), every geo, as a new dataset (arrays are copied). */
export function sliceGeoDataset(d: GeoMediaDataset, start: number, end: number): GeoMediaDataset {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > d.T || start >= end) {
    throw new InputError(`cannot take dates ${start} to ${end} of a geo dataset of ${d.T} dates (need 0 <= start < end <= ${d.T})`);
  }
  const { G } = d;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const fG = d.extraPerGeo ? F * G : F;
  const out: GeoMediaDataset = {
    T: end - start,
    G,
    targetName: d.targetName,
    channelNames: [...d.channelNames],
    extraNames: [...d.extraNames],
    geoColumn: d.geoColumn,
    geoNames: [...d.geoNames],
    target: d.target.slice(start * G, end * G),
    media: d.media.slice(start * C * G, end * C * G),
    extraPerGeo: d.extraPerGeo,
    extra: d.extra.slice(start * fG, end * fG),
    dates: d.dates.slice(start, end),
    warnings: [...d.warnings],
    source: d.source,
    sourceRows: d.sourceRows.slice(start * G, end * G),
  };
  if (d.frequency) out.frequency = d.frequency;
  return out;
}
