import type { Command } from "commander";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { checkOutputFile, writeFileWhole } from "../io/outputFolder.js";
import { parseCsv } from "../io/csv.js";
import { csvText } from "../io/csvWrite.js";
import { MODEL_FILE } from "../io/fitOutputs.js";
import { loadAnyMMM } from "../io/modelFile.js";
import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import { NATIONAL_GEO } from "../io/fitOutputs.js";
import type { Rows as GeoRows } from "../analysis/posteriorEvaluator.js";
import { columnIndex, numericColumn, type Table } from "../io/csv.js";
import { type MediaDataset } from "../model/dataset.js";
import { parseDateCell } from "../io/datasetTable.js";
import { addPeriods, periodsBetween } from "../model/periodDates.js";
import { geoRowsFromLong } from "../analysis/panel.js";
import { parseInteger } from "./options.js";
import { readTextFile } from "./options.js";

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("posterior predictive of the target for new periods that follow the fitted data (media and extra columns by the fitted names)")
    .argument("<dir>", "output folder of `mmm fit`")
    .requiredOption("--data <file>", "CSV with the new periods' media and extra columns")
    .option("--gap <file>", "CSV of periods between the fitted data and the new ones (their carry-over counts)")
    .option("--date <column>", "date column of the new rows: checked to follow the fitted data in order, and written to the output (default: the dates that follow the fitted data)")
    .option("--seed <n>", "seed of the observation noise", "1")
    .option("--out <file>", "write the prediction as CSV (default: print it)")
    .action((dir: string, o: { data: string; gap?: string; date?: string; seed: string; out?: string }) => {
      if (o.out) checkOutputFile(o.out);
      const any = loadAnyMMM(join(dir, MODEL_FILE));
      if (any.kind === "geo") {
        const text = geoPrediction(any, o);
        if (o.out) writeFileWhole(o.out, text);
        else process.stdout.write(text);
        return;
      }
      const fit = any;
      const { channelNames, extraNames } = fit.record.dataset;
      const rows = (path: string, what: string) => {
        const table = parseCsv(readTextFile(path, what), path);
        const T = table.rows.length;
        if (T === 0) throw new InputError(`${path}: no data rows`);
        const C = channelNames.length;
        const F = extraNames.length;
        const media = new Float64Array(T * C);
        channelNames.forEach((name, c) => numericColumn(table, name, { role: "media", nonNegative: true }).forEach((v, t) => (media[t * C + c] = v)));
        const extra = new Float64Array(T * F);
        extraNames.forEach((name, f) => numericColumn(table, name, { role: "extra" }).forEach((v, t) => (extra[t * F + f] = v)));
        return { T, media, extra, table };
      };
      const data = rows(o.data, "data file");
      const gap = o.gap ? rows(o.gap, "--gap file") : undefined;
      const dates = predictionDates(fit.record.dataset, data.table, o, gap?.T ?? 0);
      const pred = fit.predict(data, { mediaGap: gap, seed: parseInteger(o.seed, "--seed", 0) });
      const text = csvText(
        ["period", "date", "mean", "hdi_3%", "hdi_97%"],
        pred.periods.map((p, i) => [i, dates?.[i] ?? "", p.mean, p["hdi_3%"], p["hdi_97%"]]),
      );
      if (o.out) writeFileWhole(o.out, text);
      else process.stdout.write(text);
    });
}

/**
 * The dates of the predicted periods. With --date, read from the new rows and
 * checked: in order, after the fitted data, and any periods between them
 * given by --gap (a warning if none is). Without it, the periods that follow
 * the fitted data (and the gap) at its frequency. None when the fit had no dates.
 */
function predictionDates(d: MediaDataset, table: Table, o: { data: string; date?: string; gap?: string }, gapRows: number): string[] | undefined {
  const last = d.dates?.[d.dates.length - 1];
  if (o.date === undefined) {
    if (!last || !d.frequency) return undefined;
    return table.rows.map((_, i) => addPeriods(last, gapRows + 1 + i, d.frequency!));
  }
  const j = columnIndex(table, o.date);
  const dates = table.rows.map((_, i) => parseDateCell(table, j, i, `--date column "${o.date}"`));
  for (let i = 1; i < dates.length; i++) {
    if (dates[i] <= dates[i - 1]) {
      throw new InputError(`${o.data}: --date column "${o.date}", row ${i + 2}: ${dates[i]} does not follow ${dates[i - 1]} (row ${i + 1}); the new periods must be in date order, one row each`);
    }
  }
  if (last && dates[0] <= last) {
    throw new InputError(`${o.data}: --date column "${o.date}", row 2: ${dates[0]} is inside the fitted data, which ends ${last}; predict is for periods after it`);
  }
  if (last && d.frequency) {
    const between = Math.round(periodsBetween(last, dates[0], d.frequency)) - 1;
    if (o.gap !== undefined && gapRows !== between) {
      throw new InputError(`--gap ${o.gap}: ${gapRows} rows, but ${between} ${d.frequency} periods lie between the fitted data (ending ${last}) and the first new row (${dates[0]})`);
    }
    if (o.gap === undefined && between > 0) {
      process.stderr.write(`warning: the new rows start ${between} ${d.frequency} period${between === 1 ? "" : "s"} after the fitted data ends (${last}); without --gap they are taken to follow it directly, and the carry-over of the periods between is left out\n`);
    }
  }
  return dates;
}

/** Long-format new rows (one per period and geo, the fitted geo column naming the geo) as [T][C][G] rows. */
function geoRowsFromCsv(fit: FittedGeoMMM, path: string): GeoRows {
  const d = fit.record.dataset;
  const table = parseCsv(readTextFile(path, "data file"), path);
  if (table.rows.length === 0) throw new InputError(`${path}: no data rows`);
  const gj = table.columns.indexOf(d.geoColumn);
  if (gj < 0) throw new InputError(`${path}: no geo column "${d.geoColumn}" (the column the model was fitted with)`);
  const media = Object.fromEntries(d.channelNames.map((n) => [n, numericColumn(table, n, { role: "media", nonNegative: true })]));
  const extra = Object.fromEntries(d.extraNames.map((n) => [n, numericColumn(table, n, { role: "extra" })]));
  // Rows in file order within each geo are the new periods in order.
  return geoRowsFromLong(
    fit.record,
    table.rows.map((r, i) => ({
      geo: (r[gj] ?? "").trim(),
      media: Object.fromEntries(d.channelNames.map((n) => [n, media[n][i]])),
      extra: Object.fromEntries(d.extraNames.map((n) => [n, extra[n][i]])),
    })),
    path,
  );
}

function geoPrediction(fit: FittedGeoMMM, o: { data: string; gap?: string; seed: string }): string {
  const pred = fit.predict(geoRowsFromCsv(fit, o.data), { mediaGap: o.gap ? geoRowsFromCsv(fit, o.gap) : undefined, seed: parseInteger(o.seed, "--seed", 0) });
  const rows: (string | number)[][] = pred.national.periods.map((p, i) => [NATIONAL_GEO, i, p.mean, p["hdi_3%"], p["hdi_97%"]]);
  for (const g of pred.perGeo) g.periods.forEach((p, i) => rows.push([g.geo, i, p.mean, p["hdi_3%"], p["hdi_97%"]]));
  return csvText(["geo", "period", "mean", "hdi_3%", "hdi_97%"], rows);
}
