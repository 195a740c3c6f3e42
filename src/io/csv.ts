// CSV in, validated numeric columns out. Every error names the file, the
// column and the row at fault; nothing is dropped or coerced silently.
//
// Rows are numbered as in a spreadsheet: the header is row 1, so data row i
// (0-based) is row i + 2. Tables built from in-memory data (tableFromColumns,
// tableFromRows) use the same numbering, so every message reads the same
// whichever way the data came in.

import { parse } from "csv-parse/sync";
import { InputError } from "../errors.js";

export interface Table {
  /** Where the table came from (a path, or "data" for in-memory input). */
  source: string;
  columns: string[];
  /** Data rows as raw strings (no header). */
  rows: string[][];
  /**
   * The number messages give data row 0: 2 for a file, whose header is row 1
   * (the default), 0 for arrays in memory, whose rows are counted as their
   * indices are (a Python or JavaScript caller's row 3 is their index 3).
   */
  firstRow?: number;
}

/** The number messages give 0-based data row i of `table` (see Table.firstRow). */
export function rowNumber(table: Table, i: number): number {
  return table.firstRow === undefined ? spreadsheetRow(i) : i + table.firstRow;
}

/** What messages call a cell without a value: a file's is empty; in memory it was null or undefined (JSON's null, which is also what a client sends for NaN). */
export function emptyCellText(table: Table): string {
  return table.firstRow === 0 ? "no value (null, or missing from the row)" : "empty cell";
}

/** The spreadsheet row number (header = row 1) of 0-based data row i. */
export function spreadsheetRow(i: number): number {
  return i + 2;
}

const isBlankRecord = (r: string[]) => r.every((c) => c === "");

export function parseCsv(text: string, source: string): Table {
  let records: string[][];
  try {
    // Empty lines are kept (as records of empty cells) so that record i is
    // spreadsheet row i + 1 even after a blank line; they are dealt with below.
    records = parse(text, { bom: true, trim: true, relax_column_count: true }) as string[][];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    throw new InputError(`${source}: not valid CSV${err.lines ? ` near line ${err.lines}` : ""}: ${err.message ?? e}`);
  }
  // Blank lines at the end of a file are formatting, not data.
  let end = records.length;
  while (end > 0 && isBlankRecord(records[end - 1])) end--;
  records = records.slice(0, end);
  if (records.length === 0) throw new InputError(`${source}: the file is empty (expected a header row)`);
  const columns = records[0];
  const seen = new Set<string>();
  for (const [i, c] of columns.entries()) {
    if (c === "") throw new InputError(`${source}: header column ${i + 1} has no name`);
    if (seen.has(c)) throw new InputError(`${source}: column "${c}" appears twice in the header`);
    seen.add(c);
  }
  const rows = records.slice(1);
  for (const [i, r] of rows.entries()) {
    const row = spreadsheetRow(i);
    if (isBlankRecord(r)) {
      throw new InputError(`${source}: row ${row} is empty (remove it, or fill it in; rows are never skipped)`);
    }
    if (r.length < columns.length) {
      throw new InputError(`${source}: row ${row} has ${r.length} cells but the header has ${columns.length} columns`);
    }
    if (r.length > columns.length) {
      // Trailing empty cells (a spreadsheet's stray separators) lose nothing.
      if (r.slice(columns.length).some((c) => c !== "")) {
        throw new InputError(
          `${source}: row ${row} has ${r.length} cells but the header has ${columns.length} columns (cell ${columns.length + 1} is "${r[columns.length]}")${separatorHint(columns)}`,
        );
      }
      rows[i] = r.slice(0, columns.length);
    }
  }
  return { source, columns, rows };
}

/** Text of one in-memory cell: null and undefined are empty cells; everything else is kept as written. */
function cellText(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v.trim() : String(v);
}

/** Builds a table from columns (name -> values), all of the same length. */
export function tableFromColumns(columns: Record<string, ArrayLike<number | string>>, source = "data"): Table {
  if (columns === null || typeof columns !== "object") throw new InputError(`${source}: expected an object of columns (name -> values)`);
  const names = Object.keys(columns);
  if (names.length === 0) throw new InputError(`${source}: no columns given`);
  for (const name of names) {
    const col = columns[name] as unknown;
    if (col === null || typeof col !== "object" || typeof (col as ArrayLike<unknown>).length !== "number") {
      throw new InputError(`${source}: column "${name}" is not an array of values`);
    }
  }
  const n = columns[names[0]].length;
  for (const name of names) {
    if (columns[name].length !== n) {
      throw new InputError(`${source}: column "${name}" has ${columns[name].length} values, "${names[0]}" has ${n}`);
    }
  }
  const rows = Array.from({ length: n }, (_, i) => names.map((name) => cellText(columns[name][i])));
  return { source, columns: names, rows, firstRow: 0 };
}

/**
 * Builds a table from plain objects, one per row. The columns are the keys
 * in order of first appearance; a key missing from a row is an empty cell
 * there (and an error if that column is used).
 */
export function tableFromRows(rows: ArrayLike<Record<string, number | string>>, source = "data"): Table {
  if (rows === null || typeof rows !== "object" || typeof rows.length !== "number") {
    throw new InputError(`${source}: expected an array of rows (objects of column -> value)`);
  }
  if (rows.length === 0) throw new InputError(`${source}: no rows given`);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as unknown;
    if (r === null || typeof r !== "object" || Array.isArray(r)) {
      throw new InputError(`${source}: row ${i} is not an object of column -> value`);
    }
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  const out = Array.from({ length: rows.length }, (_, i) => columns.map((c) => cellText(rows[i][c])));
  return { source, columns, rows: out, firstRow: 0 };
}

/** A header read as one column that holds semicolons or tabs: the file was saved with another separator (a European spreadsheet's ";" splits its decimal commas into extra cells). */
function separatorHint(columns: string[]): string {
  if (columns.length !== 1) return "";
  if (columns[0].includes(";")) return ` (the file seems to be separated by ";"; save it with commas, and "." as the decimal point)`;
  if (columns[0].includes("\t")) return ` (the file seems to be separated by tabs; save it with commas)`;
  return "";
}

/** A column name as listed in messages: in double quotes where it holds a comma or a quote, or starts or ends with a space (as a list option takes it). */
function listedName(name: string): string {
  return /[,"]|^\s|\s$/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/** A missing name that is one piece of a column name with commas: the list option split it. */
function commaHint(columns: string[], name: string): string {
  const whole = columns.find((c) => c.includes(",") && c.split(",").some((piece) => piece.trim() === name.trim()));
  return whole === undefined ? "" : ` (column ${listedName(whole)} has a comma in its name: in a comma-separated list of columns, put it in double quotes, as in '${listedName(whole)},other')`;
}

export function columnIndex(table: Table, name: string): number {
  const i = table.columns.indexOf(name);
  if (i < 0) {
    throw new InputError(
      `${table.source}: missing column "${name}"; the columns are: ${table.columns.map(listedName).join(", ")}${separatorHint(table.columns)}${commaHint(table.columns, name)}`,
    );
  }
  return i;
}

export interface NumericColumnOptions {
  /** Reject negative values (media spend). */
  nonNegative?: boolean;
  /** What the column is, for messages ("media", "target"). */
  role?: string;
}

// Plain decimal numbers only: no hex, binary or octal literals, no thousands
// separators, no units. Number() alone would quietly accept "0x1A" or " ".
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITE = /^[+-]?(?:inf|infinity)$/i;
const MISSING = /^(?:nan|na|n\/a|null|none|nil|-|\?)$/i;

function notANumberHint(raw: string): string {
  if (MISSING.test(raw)) return " (a missing value; fill it in, rows are never dropped)";
  if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(raw)) return " (remove the thousands separators)";
  if (/^[+-]?\d+,\d+$/.test(raw)) return ' (use "." as the decimal point)';
  if (/^[+-]?[$€£¥]/.test(raw) || /[$€£¥%]$/.test(raw)) return " (remove the currency or percent sign)";
  return "";
}

/** Parses one cell as a finite number, or throws naming the place given. */
/** Largest magnitude accepted in a data cell: far beyond any real KPI or spend, well short of where sums of squares overflow. */
export const MAX_MAGNITUDE = 1e15;

export function parseNumberCell(raw: string | undefined, where: string, nonNegative = false, empty = "empty cell"): number {
  if (raw === undefined || raw.trim() === "") throw new InputError(`${where}: ${empty}`);
  const text = raw.trim();
  if (INFINITE.test(text)) throw new InputError(`${where}: ${raw} is not finite`);
  if (!DECIMAL.test(text)) throw new InputError(`${where}: "${raw}" is not a number${notANumberHint(text)}`);
  const v = Number(text);
  if (!Number.isFinite(v)) throw new InputError(`${where}: ${raw} is not finite`);
  if (nonNegative && v < 0) throw new InputError(`${where}: negative value ${raw} (spend cannot be negative)`);
  if (Math.abs(v) > MAX_MAGNITUDE) {
    throw new InputError(`${where}: ${raw} is beyond ${MAX_MAGNITUDE.toExponential(0)} in size, where sums and squares overflow; express the column in larger units (thousands, millions)`);
  }
  return v;
}

/** Parses one column as finite numbers; rows are numbered as Table.firstRow says (a file's as a spreadsheet's, header = row 1). */
export function numericColumn(table: Table, name: string, options: NumericColumnOptions = {}): Float64Array {
  const j = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  const what = options.role ? `${options.role} column "${name}"` : `column "${name}"`;
  for (let i = 0; i < table.rows.length; i++) {
    out[i] = parseNumberCell(table.rows[i][j], `${table.source}: ${what}, row ${rowNumber(table, i)}`, options.nonNegative, emptyCellText(table));
  }
  return out;
}
