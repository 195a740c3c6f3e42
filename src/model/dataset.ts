// A media mix dataset in the user's units: target, media channels and extra
// features by name, validated. Scaling is separate (scaling.ts).

import { InputError } from "../errors.js";
import { columnIndex, numericColumn, type Table } from "../io/csv.js";

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
  /** Optional period labels (dates), as given. */
  dates?: string[];
}

export interface ColumnSelection {
  target: string;
  media: string[];
  extra?: string[];
  date?: string;
}

/** The fewest rows a model can be fitted to with any meaning. */
export const MIN_ROWS = 10;

export function datasetFromTable(table: Table, sel: ColumnSelection, minRows = MIN_ROWS): MediaDataset {
  if (sel.media.length === 0) throw new InputError("no media columns given (--media)");
  const extra = sel.extra ?? [];
  const all = [sel.target, ...sel.media, ...extra];
  const dup = all.find((c, i) => all.indexOf(c) !== i);
  if (dup !== undefined) throw new InputError(`column "${dup}" is selected twice (target, media and extra must differ)`);
  for (const c of all) columnIndex(table, c);
  const T = table.rows.length;
  if (T < minRows) {
    throw new InputError(`${table.source}: ${T} data rows; at least ${minRows} are needed to fit a model`);
  }
  const target = numericColumn(table, sel.target, { role: "target" });
  const C = sel.media.length;
  const F = extra.length;
  const media = new Float64Array(T * C);
  sel.media.forEach((name, c) => {
    const col = numericColumn(table, name, { role: "media", nonNegative: true });
    for (let t = 0; t < T; t++) media[t * C + c] = col[t];
  });
  const extraArr = new Float64Array(T * F);
  extra.forEach((name, f) => {
    const col = numericColumn(table, name, { role: "extra" });
    for (let t = 0; t < T; t++) extraArr[t * F + f] = col[t];
  });
  let dates: string[] | undefined;
  if (sel.date !== undefined) {
    const j = columnIndex(table, sel.date);
    dates = table.rows.map((r) => r[j]);
  }
  return {
    T,
    targetName: sel.target,
    channelNames: [...sel.media],
    extraNames: [...extra],
    target,
    media,
    extra: extraArr,
    dates,
  };
}

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
