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
  rowNumber,
  writeFileWhole,
  type FittedGeoMMM,
  type FittedMMM,
  type GeoMediaDataset,
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
          ? csvText(["geo", "period", "date", "mean", "hdi_3%", "hdi_97%"], [
              ...pred.national.periods.map((p, i) => [NATIONAL_GEO, i, dates?.[i] ?? "", p.mean, p["hdi_3%"], p["hdi_97%"]]),
              ...pred.perGeo.flatMap((g) => g.periods.map((p, i) => [g.geo, i, dates?.[i] ?? "", p.mean, p["hdi_3%"], p["hdi_97%"]])),
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
 * one row per period, or one per period and geo), and how to find the
 * periods' dates (predictionDates).
 */
function newRowsFromCsv(
  fit: FittedMMM | FittedGeoMMM,
  path: string,
  what: string,
): { rows: Rows; dates?: (o: { data: string; date?: string; gap?: string }, gapRows: number) => string[] | undefined } {
  const table = parseCsv(readTextFile(path, what), path);
  const rows = predictionRowsFromTable(fit.record, table);
  const dataset = fit.record.dataset;
  const geoColumn = fit.kind === "geo" ? (dataset as GeoMediaDataset).geoColumn : undefined;
  return { rows, dates: (o, gapRows) => predictionDates(dataset, table, rows.T, o, gapRows, geoColumn) };
}

/**
 * The dates of the predicted periods. With --date, read from the new rows and
 * checked: in order, after the fitted data, and any periods between them
 * given by --gap (a warning if none is). Without it, the same from the fit's
 * own date column where the new rows have a column of that name, else the
 * periods that follow the fitted data (and the gap) at its frequency. None
 * when the fit had no dates.
 */
function predictionDates(
  d: MediaDataset,
  table: Table,
  periods: number,
  o: { data: string; date?: string; gap?: string },
  gapRows: number,
  geoColumn?: string,
): string[] | undefined {
  const last = d.dates?.[d.dates.length - 1];
  // Without --date, the column the fit read its dates from, where the new rows have one of that name.
  const column = o.date ?? (d.dateColumn !== undefined && table.columns.includes(d.dateColumn) ? d.dateColumn : undefined);
  if (column === undefined) {
    if (!last || !d.frequency) return undefined;
    return Array.from({ length: periods }, (_, i) => addPeriods(last, gapRows + 1 + i, d.frequency!));
  }
  const named = o.date !== undefined ? `--date column "${column}"` : `date column "${column}" (the fit's)`;
  // Per period: the row's date, or (geo) the dates every geo's rows give in turn.
  const { dates, firstRow } = geoColumn === undefined ? rowDates(table, column, named, o.data) : geoPeriodDates(table, column, geoColumn, named, o.data);
  if (last && dates[0] <= last) {
    throw new InputError(`${o.data}: ${named}, row ${firstRow}: ${dates[0]} is inside the fitted data, which ends ${last}; predict is for periods after it`);
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

/** One date per row, in order: the periods of national data; firstRow is the first period's row in the file. */
function rowDates(table: Table, column: string, named: string, source: string): { dates: string[]; firstRow: number } {
  const dates = dateColumn(table, column, named);
  for (let i = 1; i < dates.length; i++) {
    if (dates[i] <= dates[i - 1]) {
      throw new InputError(`${source}: ${named}, row ${rowNumber(table, i)}: ${dates[i]} does not follow ${dates[i - 1]} (row ${rowNumber(table, i - 1)}); the new periods must be in date order, one row each`);
    }
  }
  return { dates, firstRow: rowNumber(table, 0) };
}

/**
 * The periods of geo rows: each geo's rows are its periods in turn (as
 * predictionRowsFromTable reads them), so each geo's dates must be in order
 * and every geo must give the same ones.
 */
function geoPeriodDates(table: Table, column: string, geoColumn: string, named: string, source: string): { dates: string[]; firstRow: number } {
  const all = dateColumn(table, column, named);
  const gj = table.columns.indexOf(geoColumn);
  const byGeo = new Map<string, { dates: string[]; rows: number[] }>();
  table.rows.forEach((r, i) => {
    const geo = (r[gj] ?? "").trim();
    let g = byGeo.get(geo);
    if (g === undefined) byGeo.set(geo, (g = { dates: [], rows: [] }));
    const k = g.dates.length;
    if (k > 0 && all[i] <= g.dates[k - 1]) {
      throw new InputError(
        `${source}: ${named}, row ${rowNumber(table, i)} (geo "${geo}"): ${all[i]} does not follow ${g.dates[k - 1]} (row ${g.rows[k - 1]}); each geo's new periods must be in date order, one row each`,
      );
    }
    g.dates.push(all[i]);
    g.rows.push(rowNumber(table, i));
  });
  const [[firstGeo, first], ...others] = [...byGeo.entries()];
  for (const [geo, g] of others) {
    const k = first.dates.findIndex((date, t) => g.dates[t] !== date);
    if (k >= 0 || g.dates.length !== first.dates.length) {
      const at = k >= 0 ? k : Math.min(g.dates.length, first.dates.length);
      throw new InputError(
        `${source}: ${named}: geo "${geo}" gives period ${at + 1} as ${g.dates[at] ?? "nothing"} (row ${g.rows[at] ?? "-"}), geo "${firstGeo}" as ${first.dates[at] ?? "nothing"}; every geo needs a row for each new date`,
      );
    }
  }
  return { dates: first.dates, firstRow: first.rows[0]! };
}
