// New periods for a fitted model's predictions, read from a table by the
// fitted column names: one row per period, or for a geo model one row per
// period and geo (long format, by the fitted geo column).

import { InputError } from "../errors.js";
import { geoRowsFromLong } from "../analysis/panel.js";
import type { Rows } from "../analysis/posteriorEvaluator.js";
import type { AnyFitRecord } from "../fit/record.js";
import { numericColumn, rowNumber, type Table } from "./csv.js";

/**
 * The media and extra rows of new periods, for `predict` (or a media gap):
 * each fitted channel and extra column read from the table, non-negative
 * spend; with geos, the rows of each geo in table order are its periods.
 * Errors name the table's source, the column and the row (and the geo).
 */
export function predictionRowsFromTable(record: AnyFitRecord, table: Table): Rows {
  const d = record.dataset;
  const source = table.source;
  if (table.rows.length === 0) throw new InputError(`${source}: no data rows`);
  const media = Object.fromEntries(d.channelNames.map((n) => [n, numericColumn(table, n, { role: "media", nonNegative: true })]));
  const extra = Object.fromEntries(d.extraNames.map((n) => [n, numericColumn(table, n, { role: "extra" })]));
  if (record.kind === "geo") {
    const geoColumn = record.dataset.geoColumn;
    const gj = table.columns.indexOf(geoColumn);
    if (gj < 0) throw new InputError(`${source}: no geo column "${geoColumn}" (the column the model was fitted with)`);
    const long = table.rows.map((r, i) => ({
      geo: (r[gj] ?? "").trim(),
      media: Object.fromEntries(d.channelNames.map((n) => [n, media[n][i]])),
      extra: Object.fromEntries(d.extraNames.map((n) => [n, extra[n][i]])),
    }));
    return geoRowsFromLong(record, long, source, (i) => rowNumber(table, i));
  }
  const T = table.rows.length;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const rows = { T, media: new Float64Array(T * C), extra: new Float64Array(T * F) };
  d.channelNames.forEach((name, c) => media[name].forEach((v, t) => (rows.media[t * C + c] = v)));
  d.extraNames.forEach((name, f) => extra[name].forEach((v, t) => (rows.extra[t * F + f] = v)));
  return rows;
}
