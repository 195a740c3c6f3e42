// CSV in, validated numeric columns out. Every error names the file, the
// column and the row at fault; nothing is dropped or coerced silently.

import { parse } from "csv-parse/sync";
import { InputError } from "../errors.js";

export interface Table {
  /** Where the table came from (a path, or "data" for in-memory input). */
  source: string;
  columns: string[];
  /** Data rows as raw strings (no header). */
  rows: string[][];
}

export function parseCsv(text: string, source: string): Table {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    throw new InputError(`${source}: not valid CSV${err.lines ? ` near line ${err.lines}` : ""}: ${err.message ?? e}`);
  }
  if (records.length === 0) throw new InputError(`${source}: the file is empty (expected a header row)`);
  const columns = records[0];
  const seen = new Set<string>();
  for (const [i, c] of columns.entries()) {
    if (c === "") throw new InputError(`${source}: header column ${i + 1} has no name`);
    if (seen.has(c)) throw new InputError(`${source}: column "${c}" appears twice in the header`);
    seen.add(c);
  }
  return { source, columns, rows: records.slice(1) };
}

/** Builds a table from plain objects (one per row) or columns (name -> values). */
export function tableFromColumns(columns: Record<string, ArrayLike<number | string>>, source = "data"): Table {
  const names = Object.keys(columns);
  if (names.length === 0) throw new InputError(`${source}: no columns given`);
  const n = columns[names[0]].length;
  for (const name of names) {
    if (columns[name].length !== n) {
      throw new InputError(`${source}: column "${name}" has ${columns[name].length} values, "${names[0]}" has ${n}`);
    }
  }
  const rows = Array.from({ length: n }, (_, i) => names.map((name) => String(columns[name][i])));
  return { source, columns: names, rows };
}

export function columnIndex(table: Table, name: string): number {
  const i = table.columns.indexOf(name);
  if (i < 0) {
    throw new InputError(
      `${table.source}: missing column "${name}"; the columns are: ${table.columns.join(", ")}`,
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

/** Parses one column as finite numbers; rows are reported 1-based as in a spreadsheet (header = row 1). */
export function numericColumn(table: Table, name: string, options: NumericColumnOptions = {}): Float64Array {
  const j = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  const what = options.role ? `${options.role} column "${name}"` : `column "${name}"`;
  for (let i = 0; i < table.rows.length; i++) {
    const raw = table.rows[i][j];
    const where = `${table.source}: ${what}, row ${i + 2}`;
    if (raw === undefined || raw === "") throw new InputError(`${where}: empty cell`);
    const v = Number(raw);
    if (Number.isNaN(v) || /^\s*$/.test(raw)) {
      throw new InputError(`${where}: "${raw}" is not a number`);
    }
    if (!Number.isFinite(v)) throw new InputError(`${where}: ${raw} is not finite`);
    if (options.nonNegative && v < 0) throw new InputError(`${where}: negative value ${raw} (spend cannot be negative)`);
    out[i] = v;
  }
  return out;
}
