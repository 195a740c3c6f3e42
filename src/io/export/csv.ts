// InferenceData as CSV: one wide file per group, a row per (chain, draw) for
// posterior and sample_stats and per time for the data groups, a column per
// variable element labelled with its coordinates (coef_media[tv]); a
// variable without the group's row dimensions (costs) gets a long file of
// its own (constant_data.costs.csv).

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvText } from "../csvWrite.js";
import type { Group, InferenceDataLayout, Variable } from "./inferenceData.js";

const ROW_DIMS: Record<Group["name"], string[]> = {
  posterior: ["chain", "draw"],
  sample_stats: ["chain", "draw"],
  observed_data: ["time"],
  constant_data: ["time"],
};

type Cell = string | number;

function cell(v: Variable, i: number): Cell {
  return v.type === "string" ? (v.values as string[])[i]! : (v.values as Float64Array)[i]!;
}

/** Every index tuple of a shape, last axis fastest (row-major order). */
function indices(shape: number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) out = out.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return out;
}

export function writeCsv(layout: InferenceDataLayout, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const g of layout.groups) {
    const coord = new Map(g.coords.map((c) => [c.name, c]));
    const label = (dim: string, i: number) => cell(coord.get(dim)!, i);
    const rowDims = ROW_DIMS[g.name];
    const wide = g.vars.filter((v) => rowDims.every((d, i) => v.dims[i] === d));
    const rowShape = rowDims.map((d) => coord.get(d)?.shape[0] ?? 0);
    const rows = indices(rowShape);
    const header: string[] = [...rowDims];
    const columns: ((row: number) => Cell)[] = [];
    for (const v of wide) {
      const inner = v.shape.slice(rowDims.length);
      const innerSize = inner.reduce((a, b) => a * b, 1);
      indices(inner).forEach((idx, j) => {
        header.push(idx.length ? `${v.name}[${idx.map((i, k) => label(v.dims[rowDims.length + k]!, i)).join(", ")}]` : v.name);
        columns.push((row) => cell(v, row * innerSize + j));
      });
    }
    const table = rows.map((idx, r) => [...idx.map((i, k) => label(rowDims[k]!, i)), ...columns.map((f) => f(r))]);
    writeFileSync(join(dir, `${g.name}.csv`), csvText(header, table));
    files.push(`${g.name}.csv`);
    for (const v of g.vars.filter((x) => !wide.includes(x))) {
      const long = indices(v.shape).map((idx, i) => [...idx.map((j, k) => label(v.dims[k]!, j)), cell(v, i)]);
      const name = `${g.name}.${v.name}.csv`;
      writeFileSync(join(dir, name), csvText([...v.dims, v.name], long));
      files.push(name);
    }
  }
  return files;
}
