// Options shared by the commands that build a model from a CSV file.

import type { Command } from "commander";
import {
  ADSTOCK_NAMES,
  ALL_MODEL_NAMES,
  composedName,
  datasetFromTable,
  InputError,
  liftTestsFromTable,
  MODEL_NAMES,
  parseCsv,
  parsePriorFile,
  SATURATION_NAMES,
  type AdstockName,
  type ExtraScope,
  type GeoMediaDataset,
  type MediaDataset,
  type ModelConfig,
  type ModelName,
  type Prior,
  type RoiPriorConfig,
  type SaturationName,
  type ScalerKind,
  periodsPerYear,
  type Frequency,
} from "../index.js";
import { parseInteger, parseIntegerIn, parseList, parseNumber, parseNumberList, readJsonFile, readTextFile } from "./options.js";

/**
 * A scaler option: one kind for every column, or a comma list with one per
 * column; each "mean", "max", "none" or a positive divisor.
 */
export function parseScalerList(value: string, columns: number, option: string): ScalerKind[] {
  const items = parseList(value, option).map((item): ScalerKind => {
    if (item === "mean" || item === "max" || item === "none") return item;
    const v = Number(item);
    if (!Number.isFinite(v) || v <= 0) throw new InputError(`${option}: "${item}" is not mean, max, none or a number`);
    return { divisor: v };
  });
  if (items.length === 1) return new Array<ScalerKind>(columns).fill(items[0]);
  if (items.length !== columns) throw new InputError(`${option}: ${items.length} values for ${columns} columns`);
  return items;
}

export interface RawModelOptions {
  target: string;
  media: string;
  extra?: string;
  date?: string;
  costs?: string;
  costsFile?: string;
  mediaPriorScale: string;
  model?: string;
  adstock?: string;
  saturation?: string;
  maxLag?: string;
  adstockNormalise?: boolean;
  liftTests?: string;
  degreesSeasonality: string;
  frequency?: string;
  weekdaySeasonality?: boolean;
  priors?: string;
  targetScaler?: string;
  mediaScaler?: string;
  extraScaler?: string;
  roiPrior?: string | boolean;
  roiPeriod?: string;
}

/** The model's configuration as the options give it (fit/config.ts: the rest take their defaults there). */
export type ModelOptions = Pick<ModelConfig, "model" | "normaliseAdstock" | "mediaPriorScale" | "degreesSeasonality" | "weekdaySeasonality" | "scalers"> &
  Partial<Pick<ModelConfig, "liftTests" | "maxLag" | "costs" | "seasonalityFrequency" | "customPriors" | "roiPrior">>;

export function addDataOptions(cmd: Command, { withDate }: { withDate: boolean }): Command {
  cmd
    .requiredOption("--target <column>", "target (KPI) column")
    .requiredOption("--media <columns>", 'comma-separated media spend columns (a name with a comma in double quotes: \'"TV, linear",search\')')
    .option("--extra <columns>", "comma-separated extra feature (control) columns");
  if (withDate) cmd.option("--date <column>", "date column (ISO dates); rows are ordered by it and gaps reported");
  return cmd;
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option("--costs <numbers>", "total cost per channel, comma-separated (default: spend summed over the training rows)")
    .option("--costs-file <file>", "JSON file with the costs: an array, or an object keyed by channel")
    .option("--media-prior-scale <s>", "scale of the media coefficient prior (MODEL.md)", "0.15")
    .option("--model <name>", `one of ${MODEL_NAMES.join(", ")} (LightweightMMM's models; default hill_adstock)`)
    .option("--adstock <name>", `with --saturation instead of --model: ${ADSTOCK_NAMES.join(", ")} (docs/transforms.md)`)
    .option("--saturation <name>", `with --adstock instead of --model: ${SATURATION_NAMES.join(", ")}`)
    .option("--max-lag <n>", "window of the carryover, delayed and Weibull adstocks (default 13; 91 for daily data)")
    .option("--no-adstock-normalise", "geometric adstock without the (1 - lag_weight) factor")
    .option("--lift-tests <file>", "CSV of lift tests calibrating the saturation curves: channel, x, delta_x, delta_y, sigma[, geo, date_start, date_end]")
    .option("--degrees-seasonality <n>", "Fourier degrees of seasonality", "2")
    .option("--frequency <n>", "periods per seasonal cycle (default a year: 365 for daily dates, 52 weekly, 12 monthly; 52 without dates, 365 with --weekday-seasonality)")
    .option("--weekday-seasonality", "add a day-of-week effect (daily data)")
    .option("--priors <file>", "JSON file of custom priors keyed by parameter name")
    .option("--roi-prior [loc,scale]", "Meridian's ROI priors: a LogNormal(loc, scale) prior on each channel's ROI (default 0.2,0.9) instead of on its coefficient; per channel: \"roi\" in --priors (docs/roi-priors.md)")
    .option("--roi-period <first,last>", "with --roi-prior: the ROI's calibration period, first and last ISO date (default: every training row)")
    .option("--target-scaler <kind>", "target scaling: mean (default), max, none or a divisor")
    .option("--media-scaler <kinds>", "media scaling: mean (default), max, none or a divisor; one for all or one per channel")
    .option("--extra-scaler <kinds>", "extra feature scaling: mean (default), max, none or a divisor; one for all or one per column");
}

/** The data options of geo data: --geo names the geo column (long format, --date required). */
export interface GeoDataOptions {
  geo?: string;
  extraScope?: string;
}

/**
 * The dataset of a CSV file: long format (one row per date and geo) with
 * --geo, else one row per period (national data).
 */
export function readDataset(path: string, o: RawModelOptions & GeoDataOptions & { geo: string }, minRows?: number): GeoMediaDataset;
export function readDataset(path: string, o: RawModelOptions & GeoDataOptions, minRows?: number): MediaDataset;
export function readDataset(path: string, o: RawModelOptions & GeoDataOptions, minRows?: number): MediaDataset {
  const table = parseCsv(readTextFile(path, "data file"), path);
  if (o.geo !== undefined && !o.date) throw new InputError("--geo needs --date <column>: the dates line up the geos' rows");
  const columns = {
    target: o.target,
    media: parseList(o.media, "--media"),
    extra: o.extra ? parseList(o.extra, "--extra") : [],
    date: o.date,
    ...(o.geo !== undefined ? { geo: o.geo } : {}),
  };
  const options = o.geo !== undefined ? { extraScope: (o.extraScope ?? "auto") as ExtraScope, ...(minRows !== undefined ? { minRows } : {}) } : minRows;
  return datasetFromTable(table, columns, options);
}

function readCosts(o: RawModelOptions, channels: string[]): number[] | undefined {
  if (o.costs && o.costsFile) throw new InputError("give --costs or --costs-file, not both");
  if (o.costs) return parseNumberList(o.costs, "--costs");
  if (!o.costsFile) return undefined;
  const raw = readJsonFile(o.costsFile, "costs file");
  if (Array.isArray(raw)) return raw.map((v, i) => parseNumber(String(v), `--costs-file entry ${i}`));
  if (typeof raw === "object" && raw !== null) {
    const obj = raw as Record<string, unknown>;
    const unknown = Object.keys(obj).filter((k) => !channels.includes(k));
    if (unknown.length) throw new InputError(`--costs-file: unknown channel(s) ${unknown.join(", ")}; channels are ${channels.join(", ")}`);
    return channels.map((ch) => {
      if (!(ch in obj)) throw new InputError(`--costs-file: no cost for channel "${ch}"`);
      return parseNumber(String(obj[ch]), `--costs-file "${ch}"`);
    });
  }
  throw new InputError("--costs-file must hold an array of numbers or an object keyed by channel");
}

/** --model, or --adstock with --saturation (each defaulting to geometric and hill). */
function readModelName(o: RawModelOptions): ModelName {
  if (o.adstock === undefined && o.saturation === undefined) {
    const model = o.model ?? "hill_adstock";
    if (!ALL_MODEL_NAMES.includes(model)) {
      throw new InputError(
        `--model: unknown model "${model}"; use one of ${MODEL_NAMES.join(", ")}, or --adstock and --saturation`,
      );
    }
    return model as ModelName;
  }
  if (o.model !== undefined) throw new InputError("give --model or --adstock/--saturation, not both");
  const adstock = o.adstock ?? "geometric";
  const saturation = o.saturation ?? "hill";
  if (!(ADSTOCK_NAMES as readonly string[]).includes(adstock)) {
    throw new InputError(`--adstock: unknown adstock "${adstock}"; use one of ${ADSTOCK_NAMES.join(", ")}`);
  }
  if (!(SATURATION_NAMES as readonly string[]).includes(saturation)) {
    throw new InputError(`--saturation: unknown saturation "${saturation}"; use one of ${SATURATION_NAMES.join(", ")}`);
  }
  return composedName(adstock as AdstockName, saturation as SaturationName);
}

/** --roi-prior [loc,scale] and --roi-period first,last: the ROI prior's config and its "roi" prior, if any. */
function readRoiPrior(o: RawModelOptions, customPriors: Record<string, Prior | Prior[]> | undefined) {
  if (o.roiPrior === undefined || o.roiPrior === false) {
    if (o.roiPeriod !== undefined) throw new InputError("--roi-period needs --roi-prior");
    return { customPriors };
  }
  const config: RoiPriorConfig = {};
  if (o.roiPeriod !== undefined) {
    const dates = parseList(o.roiPeriod, "--roi-period");
    if (dates.length !== 2) throw new InputError(`--roi-period: give the first and last date, comma-separated, got "${o.roiPeriod}"`);
    config.calibrationDates = [dates[0], dates[1]];
  }
  if (typeof o.roiPrior !== "string") return { roiPrior: config, customPriors };
  const values = parseNumberList(o.roiPrior, "--roi-prior");
  const [loc, scale] = values;
  if (values.length !== 2 || !Number.isFinite(loc) || !(scale > 0)) {
    throw new InputError(`--roi-prior: give the LogNormal's loc and scale (> 0), comma-separated, e.g. 0.2,0.9; got "${o.roiPrior}"`);
  }
  if (customPriors?.roi) throw new InputError("--roi-prior loc,scale and a \"roi\" prior in --priors: give one of them");
  return { roiPrior: config, customPriors: { ...customPriors, roi: { dist: "LogNormal", loc, scale } as Prior } };
}

export function readModelOptions(o: RawModelOptions, channels: string[], extraCount = 0, dates?: Frequency): ModelOptions {
  const roi = readRoiPrior(o, o.priors ? parsePriorFile(readJsonFile(o.priors, "priors file")) : undefined);
  const frequency = o.frequency === undefined ? undefined : parseNumber(o.frequency, "--frequency", (v) => v > 0, "a positive number");
  const maxDegrees = Math.floor((frequency ?? periodsPerYear(dates, o.weekdaySeasonality ?? false)) / 2);
  return {
    model: readModelName(o),
    liftTests: o.liftTests ? liftTestsFromTable(parseCsv(readTextFile(o.liftTests, "lift-test file"), o.liftTests)) : undefined,
    normaliseAdstock: o.adstockNormalise ?? true,
    maxLag: o.maxLag === undefined ? undefined : parseInteger(o.maxLag, "--max-lag", 1),
    costs: readCosts(o, channels),
    mediaPriorScale: parseNumber(o.mediaPriorScale, "--media-prior-scale", (v) => v > 0, "a positive number"),
    degreesSeasonality: parseIntegerIn(o.degreesSeasonality, "--degrees-seasonality", 0, maxDegrees, "half the seasonal period: higher terms repeat lower ones"),
    seasonalityFrequency: frequency,
    weekdaySeasonality: o.weekdaySeasonality ?? false,
    customPriors: roi.customPriors,
    ...(roi.roiPrior ? { roiPrior: roi.roiPrior } : {}),
    scalers: {
      target: o.targetScaler === undefined ? undefined : parseScalerList(o.targetScaler, 1, "--target-scaler")[0],
      media: o.mediaScaler === undefined ? undefined : parseScalerList(o.mediaScaler, channels.length, "--media-scaler"),
      extra: o.extraScaler === undefined ? undefined : parseScalerList(o.extraScaler, extraCount, "--extra-scaler"),
    },
  };
}
