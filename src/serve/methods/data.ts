// load_data: a dataset from a CSV file, CSV text or columns given inline,
// national or (with a geo column) geo, validated as the CLI validates it.

import { readFileSync } from "node:fs";
import { checkDataQuality } from "../../analysis/dataQuality.js";
import { parseCsv, tableFromColumns, type Table } from "../../io/csv.js";
import { datasetFromTable, geoDatasetFromTable } from "../../io/datasetTable.js";
import { type ExtraScope } from "../../model/dataset.js";
import type { ParamReader } from "../params.js";
import { ServeError } from "../protocol.js";
import type { HeldDataset } from "../session.js";
import type { Method } from "./context.js";

function readTable(p: ParamReader): Table {
  const csv = p.string("csv", true);
  const text = p.string("text", true);
  const columns = p.object("columns");
  const given = [csv, text, columns].filter((v) => v !== undefined).length;
  if (given !== 1) throw new ServeError("invalid_params", "load_data: give exactly one of csv (a file path), text (CSV contents) or columns (name -> list of values)");
  if (csv !== undefined) {
    let contents: string;
    try {
      contents = readFileSync(csv, "utf8");
    } catch (e) {
      throw new ServeError("input_error", `cannot read data file "${csv}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return parseCsv(contents, csv);
  }
  if (text !== undefined) return parseCsv(text, "text");
  return tableFromColumns(columns as Record<string, ArrayLike<number | string>>, "columns");
}

export const loadData: Method = (p, { session }) => {
  const table = readTable(p);
  const target = p.string("target");
  const media = p.strings("media");
  if (!media || media.length === 0) throw new ServeError("invalid_params", "load_data: media must name at least one column");
  const extra = p.strings("extra") ?? [];
  const date = p.string("date", true);
  const geo = p.string("geo", true);
  const extraScope = p.oneOf<ExtraScope>("extra_scope", ["auto", "geo", "national"], "auto");
  p.done();
  let held: HeldDataset;
  if (geo !== undefined) {
    if (date === undefined) throw new ServeError("invalid_params", "load_data: a geo dataset needs date (the column that lines up the geos' rows)");
    held = { kind: "geo", dataset: geoDatasetFromTable(table, { target, media, extra, date, geo }, { extraScope }) };
  } else {
    held = { kind: "national", dataset: datasetFromTable(table, { target, media, extra, date }) };
  }
  const d = held.dataset;
  const id = session.data.add(held);
  return {
    data: id,
    kind: held.kind,
    periods: d.T,
    target: d.targetName,
    channels: d.channelNames,
    extra: d.extraNames,
    ...(held.kind === "geo" ? { geos: held.dataset.geoNames } : {}),
    ...(d.dates ? { first_date: d.dates[0], last_date: d.dates[d.T - 1] } : {}),
    warnings: d.warnings ?? [],
    data_checks: dataChecks(held),
  };
};

/**
 * The data checks `mmm fit` prints before sampling (correlations, VIFs, outliers, constant,
 * sparse and dominant columns), over every row: geo data's national totals, then each geo's
 * own series with its geo named.
 */
function dataChecks(held: HeldDataset): { kind: string; columns: string[]; geo?: string; message: string }[] {
  const report = checkDataQuality(held.dataset);
  const own = report.warnings.map((w) => ({ kind: w.kind, columns: w.columns, message: w.message }));
  const perGeo = (report.perGeo ?? []).flatMap((q) => q.warnings.map((w) => ({ kind: w.kind, columns: w.columns, geo: q.geo ?? "", message: w.message })));
  return [...own, ...perGeo];
}
