// Splits a long-format table into slices, one per distinct value (or
// combination of values) of the --by columns. Each slice keeps its rows in
// file order, without the --by columns, and remembers the file's row numbers
// so that an error in a slice names the row of the file the user can open.

import { InputError } from "../errors.js";
import { columnIndex, rowNumber, type Table } from "../io/csv.js";
import { csvText } from "../io/csvWrite.js";
import { sha256 } from "../io/hash.js";

export interface Slice {
  /** Folder-safe, unique name, e.g. "market=north" or "market=north,brand=b". */
  id: string;
  /** The --by columns and this slice's values. */
  key: Record<string, string>;
  /** The slice's rows (without the --by columns); `source` names the file and the slice. */
  table: Table;
  /** Spreadsheet row in the original file of each of the slice's rows. */
  fileRows: number[];
}

/** A slice in transportable form (queue jobs, manifests): CSV text and row numbers. */
export interface SliceData {
  id: string;
  key: Record<string, string>;
  source: string;
  csv: string;
  fileRows: number[];
}

export function sliceTable(table: Table, by: string[]): Slice[] {
  if (by.length === 0) throw new InputError("--by: give at least one column to slice by");
  const dup = by.find((c, i) => by.indexOf(c) !== i);
  if (dup !== undefined) throw new InputError(`--by: column "${dup}" is given twice`);
  const byIndex = by.map((c) => columnIndex(table, c));
  const keep = table.columns.map((_, j) => j).filter((j) => !byIndex.includes(j));
  const groups = new Map<string, { values: string[]; rows: number[] }>();
  table.rows.forEach((r, i) => {
    const values = byIndex.map((j, k) => {
      if (r[j] === "") throw new InputError(`${table.source}: row ${rowNumber(table, i)} has no value in the --by column "${by[k]}"`);
      return r[j];
    });
    const k = JSON.stringify(values);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { values, rows: [] }));
    g.rows.push(i);
  });
  const ids = new Set<string>();
  const slices = [...groups.values()].map((g): Slice => {
    const key = Object.fromEntries(by.map((c, k) => [c, g.values[k]]));
    let id = by.map((c, k) => `${safeName(c)}=${safeName(g.values[k])}`).join(",");
    // Values that differ only in characters the file system cannot take keep apart by a hash.
    if (ids.has(id)) id += `-${sha256(JSON.stringify(g.values)).slice(0, 8)}`;
    ids.add(id);
    return {
      id,
      key,
      table: {
        source: `${table.source} [${describeKey(key)}]`,
        columns: keep.map((j) => table.columns[j]),
        rows: g.rows.map((i) => keep.map((j) => table.rows[i][j])),
      },
      // The source's row numbers (a file's, or an in-memory table's indices), for fileRowsInMessage.
      fileRows: g.rows.map((i) => rowNumber(table, i)),
    };
  });
  return slices.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function describeKey(key: Record<string, string>): string {
  return Object.entries(key)
    .map(([c, v]) => `${c}=${v}`)
    .join(", ");
}

function safeName(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._-]+/g, "_");
  return t === "" || t === "." || t === ".." ? "_" : t.slice(0, 80);
}

export function sliceData(s: Slice): SliceData {
  return { id: s.id, key: s.key, source: s.table.source, csv: csvText(s.table.columns, s.table.rows), fileRows: s.fileRows };
}

/** The hash of a slice's data: its CSV text (the columns and cells, in file order). */
export function sliceDataHash(d: SliceData): string {
  return sha256(d.csv);
}

/**
 * An error message about a slice's table names rows of the slice ("row 5");
 * this rewrites them as the file's rows, which the user can find.
 */
export function fileRowsInMessage(message: string, source: string, fileRows: number[]): string {
  if (!message.includes(source)) return message;
  return message.replace(/\brows? (\d+)/g, (m, n: string) => {
    const i = Number(n) - 2;
    return i >= 0 && i < fileRows.length ? m.replace(n, String(fileRows[i])) : m;
  });
}
