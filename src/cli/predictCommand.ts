import type { Command } from "commander";
import {
  addPeriods,
  checkOutputFile,
  csvText,
  dateColumn,
  InputError,
  loadFitFolder,
  NATIONAL_GEO,
  parseCsv,
  periodsBetween,
  predictionRowsFromTable,
  writeFileWhole,
  type FittedGeoMMM,
  type FittedMMM,
  type MediaDataset,
  type Rows,
  type Table,
} from "../index.js";
import { parseInteger, readTextFile } from "./options.js";

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("posterior predictive of the target for new periods that follow the fitted data (media and extra columns by the fitted names)")
    .argument("<dir>", "output folder of `mmm fit`")
    .requiredOption("--data <file>", "CSV with the new periods' media and extra columns")
    .option("--gap <file>", "CSV of periods between the fitted data and the new ones (their carry-over counts)")
    .option("--date <column>", "date column of the new rows: checked to follow the fitted data in order, and written to the output (default: the fit's date column where the new rows have it, else the dates that follow the fitted data)")
    .option("--seed <n>", "seed of the observation noise", "1")
    .option("--out <file>", "write the prediction as CSV (default: print it)")
    .action((dir: string, o: { data: string; gap?: string; date?: string; seed: string; out?: string }) => {
      if (o.out) checkOutputFile(o.out);
      const fit = loadFitFolder(dir);
      const data = newRowsFromCsv(fit, o.data, "data file");
      const gap = o.gap ? newRowsFromCsv(fit, o.gap, "--gap file") : undefined;
      const dates = data.dates?.(o, gap?.rows.T ?? 0);
      const pred = fit.predictByGeo(data.rows, { mediaGap: gap?.rows, seed: parseInteger(o.seed, "--seed", 0) });
      // With several geos: the whole model's periods as "(all)", then each geo's; else the periods with their dates.
      const text =
        pred.perGeo.length > 0
          ? csvText(["geo", "period", "mean", "hdi_3%", "hdi_97%"], [
              ...pred.national.periods.map((p, i) => [NATIONAL_GEO, i, p.mean, p["hdi_3%"], p["hdi_97%"]]),
              ...pred.perGeo.flatMap((g) => g.periods.map((p, i) => [g.geo, i, p.mean, p["hdi_3%"], p["hdi_97%"]])),
            ])
          : csvText(
              ["period", "date", "mean", "hdi_3%", "hdi_97%"],
              pred.national.periods.map((p, i) => [i, dates?.[i] ?? "", p.mean, p["hdi_3%"], p["hdi_97%"]]),
            );
      if (o.out) {
        writeFileWhole(o.out, text);
        const n = pred.national.periods.length;
        process.stdout.write(`wrote ${o.out} (${n} period${n === 1 ? "" : "s"}${pred.perGeo.length > 0 ? ` x ${pred.perGeo.length} geos and their total` : ""})\n`);
      } else process.stdout.write(text);
    });
}

/**
 * New periods from a CSV, by the fitted column names (predictionRowsFromTable:
 * one row per period, or one per period and geo). With one row per period,
 * also how to find the periods' dates (predictionDates).
 */
function newRowsFromCsv(
  fit: FittedMMM | FittedGeoMMM,
  path: string,
  what: string,
): { rows: Rows; dates?: (o: { data: string; date?: string; gap?: string }, gapRows: number) => string[] | undefined } {
  const table = parseCsv(readTextFile(path, what), path);
  const rows = predictionRowsFromTable(fit.record, table);
  if (fit.kind === "geo") return { rows };
  const dataset = fit.record.dataset;
  return { rows, dates: (o, gapRows) => predictionDates(dataset, table, o, gapRows) };
}

/**
 * The dates of the predicted periods. With --date, read from the new rows and
 * checked: in order, after the fitted data, and any periods between them
 * given by --gap (a warning if none is). Without it, the same from the fit's
 * own date column where the new rows have a column of that name, else the
 * periods that follow the fitted data (and the gap) at its frequency. None
 * when the fit had no dates.
 */
function predictionDates(d: MediaDataset, table: Table, o: { data: string; date?: string; gap?: string }, gapRows: number): string[] | undefined {
  const last = d.dates?.[d.dates.length - 1];
  // Without --date, the column the fit read its dates from, where the new rows have one of that name.
  const column = o.date ?? (d.dateColumn !== undefined && table.columns.includes(d.dateColumn) ? d.dateColumn : undefined);
  if (column === undefined) {
    if (!last || !d.frequency) return undefined;
    return table.rows.map((_, i) => addPeriods(last, gapRows + 1 + i, d.frequency!));
  }
  const named = o.date !== undefined ? `--date column "${column}"` : `date column "${column}" (the fit's)`;
  const dates = dateColumn(table, column, named);
  for (let i = 1; i < dates.length; i++) {
    if (dates[i] <= dates[i - 1]) {
      throw new InputError(`${o.data}: ${named}, row ${i + 2}: ${dates[i]} does not follow ${dates[i - 1]} (row ${i + 1}); the new periods must be in date order, one row each`);
    }
  }
  if (last && dates[0] <= last) {
    throw new InputError(`${o.data}: ${named}, row 2: ${dates[0]} is inside the fitted data, which ends ${last}; predict is for periods after it`);
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
