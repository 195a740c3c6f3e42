import type { Command } from "commander";
import { availableParallelism } from "node:os";
import {
  checkDataQuality,
  checkOutputFolder,
  diagnostics,
  fitMMM,
  InputError,
  isGeoDataset,
  resolveDraws,
  drawsCanGoOn,
  LOCKSTEP_MAX_STORED_VALUES,
  lockstepRequested,
  runRecord,
  scalerNotes,
  splitRows,
  writeFitOutputs,
  writeOutputFolder,
  writeReport,
  writeRunRecord,
  type BackendSetting,
  type DataQualityWarning,
  type ChainProgress,
  type FitDiagnostics,
  type MediaDataset,
  type MethodSetting,
  type SplitOptions,
  type SummaryEntry,
  periodsPerYear,
  type Frequency,
  dayOfWeekPattern,
  nationalRollup,
} from "../index.js";
import { EXAMPLE, examplePath } from "./example.js";
import { addDataOptions, addModelOptions, readDataset, readModelOptions, type GeoDataOptions, type RawModelOptions } from "./modelOptions.js";
import { parseChoice, parseInteger, readJsonFile } from "./options.js";
import { progressDisplay } from "./progress.js";
import { formatSummaryTable } from "./tables.js";
import { addSamplerOptions, readSamplerOptions, type SamplerCliOptions } from "./samplerOptions.js";
import { fitUntilStopped } from "./stopSignals.js";

interface FitCliOptions extends RawModelOptions, GeoDataOptions, SamplerCliOptions {
  example?: boolean;
  backend: string;
  method?: string;
  initValues?: string;
  threads?: string;
  gpuLanes?: string;
  out?: string;
  report?: boolean;
}

export function registerFit(program: Command): void {
  const cmd = program
    .command("fit")
    .description("fit the Bayesian media mix model to a CSV file and write the fitted model, summary, diagnostics, metrics, contributions and ROI")
    .argument("[data]", "CSV file with a header row")
    .option("--example", "fit the bundled example (simulated weekly sales of five channels)")
    .option("--geo <column>", "geo (regional) model: the data is long-format, one row per date and geo, this column naming the geo (needs --date)")
    .option("--extra-scope <scope>", "with --geo: extra features per geo (geo), the same in every geo (national), or auto", "auto");
  addDataOptions(cmd, { withDate: true });
  // The example brings its own columns.
  for (const o of cmd.options) if (o.long === "--target" || o.long === "--media") o.mandatory = false;
  addModelOptions(cmd);
  addSamplerOptions(cmd, { rows: "", chains: "number of chains", seed: "random seed" })
    .option("--init-values <file>", "JSON file of starting values keyed by parameter name (constrained scale)")
    .option("--backend <where>", "auto (default: NUTS in worker threads; with --method chees, lockstep on the GPU when there is one), cpu (NUTS in worker threads) or webgpu (many chains in lockstep on the GPU)", "auto")
    .option("--method <sampler>", "nuts or chees (default by backend)")
    .option("--threads <n>", "worker threads (default: min(chains, cores)); 0 runs in the main thread")
    .option("--gpu-lanes <n>", "WebGPU lockstep chains: GPU invocations sharing each chain's density, a power of two up to 256 (default 1: one per chain)")
    .option("--out <dir>", "output folder (required)")
    .option("--no-report", "do not write report.html (the HTML report; `mmm report` writes it later)")
    .action(async (data: string | undefined, o: FitCliOptions) => {
      if (o.example) {
        if (data) throw new InputError("give a data file or --example, not both");
        data = examplePath();
        o.target ??= EXAMPLE.target;
        o.media ??= EXAMPLE.media.join(",");
        o.extra ??= EXAMPLE.extra.join(",");
        o.date ??= EXAMPLE.date;
      }
      if (!data) throw new InputError("missing data file (or use --example)");
      if (!o.target) throw new InputError("missing --target <column>");
      if (!o.media) throw new InputError("missing --media <columns>");
      if (!o.out) throw new InputError("missing --out <dir>: the folder to write the fitted model and its outputs to");
      checkOutputFolder(o.out);
      const splitOptions = {
        testRows: o.testRows === undefined ? undefined : parseInteger(o.testRows, "--test-rows", 0),
        testFrom: o.testFrom,
      };
      const sampler = readSampler(o);
      const { dataset, model, trainRows, collinear } = await readFit(data, o, splitOptions, sampler);
      announce(sampler);
      const out = o.out;
      const fitted = await fitShowingProgress(out, sampler.chains, (callbacks) => fitMMM(dataset, { ...model, sampler }, { trainRows, ...callbacks }));
      const files = await writeOutputFolder(out, async (dir) => {
        const written = writeFitOutputs(fitted, dir);
        if (o.report !== false) await tryReport(() => writeReport(fitted, dir), written);
        written.push(writeRunRecord(dir, runRecord(fitted, { command: "fit", source: data })));
        return written;
      });
      printFitEnd(fitted, out, files, collinear);
    });
}

type SamplerSettings = ReturnType<typeof readSampler>;

/** A fit's data (national, or geo with --geo), model options and training rows, with its warnings printed. */
async function readFit(data: string, o: FitCliOptions, splitOptions: SplitOptions, sampler: SamplerSettings) {
  const dataset = readDataset(data, o);
  const model = readModelOptions(o, dataset.channelNames, dataset.extraNames.length, dataset.frequency);
  const { trainRows } = splitRows(dataset, splitOptions);
  const warn = (w: string) => process.stderr.write(`warning: ${w}\n`);
  for (const w of dataset.warnings ?? []) warn(w);
  if (isGeoDataset(dataset) && dataset.G === 1) {
    warn(`--geo ${o.geo}: the data hold one geo ("${dataset.geoNames[0]}"); a geo model of one geo is the national model: fit without --geo for its outputs`);
  }
  const checks = dataChecks(dataset, trainRows, data);
  for (const line of checks.lines) process.stderr.write(line);
  // Notes on scalers chosen for the user (a centred extra column) cover national data, as before; geo fits print none.
  if (!isGeoDataset(dataset)) for (const w of scalerNotes(dataset, trainRows, model.scalers)) warn(w);
  for (const w of samplerWarnings(sampler)) warn(w);
  for (const w of seasonalityWarnings(model, trainRows, dataset.frequency)) warn(w);
  const weekly = weekdayHint(dataset, trainRows, model.weekdaySeasonality);
  if (weekly) warn(weekly);
  return { dataset, model, trainRows, collinear: checks.collinear };
}

/**
 * The data checks' lines: the whole data's (geo data: naming its national
 * totals), then each geo's naming the geo; and the columns the whole data
 * cannot tell apart (infinite VIF), for the fit's end.
 */
function dataChecks(dataset: MediaDataset, trainRows: number, data: string): { lines: string[]; collinear: string[] } {
  const report = checkDataQuality(dataset, trainRows);
  const lines = (q: typeof report, where: string, skip?: DataQualityWarning["kind"]) =>
    q.warnings.filter((w) => w.kind !== skip).map((w) => `data check${where}: ${w.message}\n`);
  const perGeo = report.perGeo ?? [];
  // Each geo's outlying values, a line per (geo, column), would bury the rest of the output: past a
  // few they are counted in one line, and `mmm check` lists them.
  const outlying = perGeo.flatMap((q) => q.columns.filter((c) => c.outlierCount > 0).map((c) => ({ geo: q.geo ?? q.source ?? "", column: c.column, count: c.outlierCount })));
  const collapse = outlying.length > MAX_GEO_OUTLIER_LINES;
  const values = outlying.reduce((a, o) => a + o.count, 0);
  const outlierLine = collapse
    ? [
        `data check (${data}): ${values} values more than 4 robust sds from their median in ${outlying.length} of the geos' series (${outlying
          .map((o) => `${o.geo} ${o.column}`)
          .join(", ")}); \`mmm check\` with the same options lists them with their rows\n`,
      ]
    : [];
  return {
    lines: [...lines(report, report.perGeo ? ` (${report.source})` : ""), ...perGeo.flatMap((q) => lines(q, ` (${q.source})`, collapse ? "outlier" : undefined)), ...outlierLine],
    collinear: report.vif.filter((v) => v.vif === Infinity).map((v) => v.column),
  };
}

/** Per-geo outlier lines a fit prints one by one; more are counted in one line. */
const MAX_GEO_OUTLIER_LINES = 4;

function readSampler(o: FitCliOptions) {
  return {
    ...readSamplerOptions(o),
    threads: o.threads === undefined ? undefined : parseInteger(o.threads, "--threads", 0),
    ...(o.gpuLanes !== undefined ? { gpuLanes: parseInteger(o.gpuLanes, "--gpu-lanes", 1) } : {}),
    backend: parseChoice(o.backend, "--backend", ["auto", "cpu", "webgpu"] as const) as BackendSetting,
    ...(o.method !== undefined ? { method: parseChoice(o.method, "--method", ["nuts", "chees"] as const) as MethodSetting } : {}),
    initValues: o.initValues === undefined ? undefined : readJsonFile(o.initValues, "--init-values file"),
  };
}

/** Seasonal terms need more than one cycle of data to be told from the trend. */
function seasonalityWarnings(
  m: { degreesSeasonality: number; seasonalityFrequency?: number; weekdaySeasonality: boolean },
  trainRows: number,
  dates: Frequency | undefined,
): string[] {
  const frequency = m.seasonalityFrequency ?? periodsPerYear(dates, m.weekdaySeasonality);
  if (m.degreesSeasonality === 0 || trainRows >= frequency) return [];
  return [
    `--degrees-seasonality ${m.degreesSeasonality}: the ${trainRows} training rows cover less than one seasonal cycle of ${frequency} periods, so the seasonal terms cannot be told apart from the trend; use --degrees-seasonality 0, or more data`,
  ];
}

/**
 * Daily data fitted without the weekday term whose target moves with the day of
 * the week (the national totals of geo data): the weekly cycle then goes to the
 * noise, or to whichever channel spends by weekday. Said where it is clear: p
 * below 0.001 and the day means explaining at least 2% of the variance.
 */
function weekdayHint(dataset: MediaDataset, trainRows: number, weekday: boolean): string | null {
  if (weekday || dataset.frequency !== "daily") return null;
  const totals = isGeoDataset(dataset) ? nationalRollup(dataset).target : dataset.target;
  const pattern = dayOfWeekPattern(totals, trainRows);
  if (!pattern || pattern.p >= 1e-3 || pattern.share < 0.02) return null;
  return (
    `"${dataset.targetName}" differs by day of the week (the day means explain ${(100 * pattern.share).toFixed(0)}% of its variance, F = ${pattern.f.toFixed(1)}, p < 0.001), ` +
    "and the model has no day-of-week term: add --weekday-seasonality"
  );
}

/** Settings accepted as given that do not do what they seem to. */
function samplerWarnings(s: ReturnType<typeof readSampler>): string[] {
  const out: string[] = [];
  if (s.threads !== undefined && s.threads > 0) {
    const cores = availableParallelism();
    if (s.threads > s.chains) out.push(`--threads ${s.threads} is more than the ${s.chains} chain${s.chains === 1 ? "" : "s"}: ${s.chains} worker${s.chains === 1 ? "" : "s"} will run (one chain each)`);
    if (Math.min(s.threads, s.chains) > cores) out.push(`--threads ${s.threads}: this machine has ${cores} cores, so the workers share them; the run is no faster than with ${cores}`);
  }
  return out;
}

/** Runs a fit with the progress display on stderr, stopped (keeping its draws) by SIGINT or SIGTERM. */
async function fitShowingProgress<F extends { diagnostics(): { draws: number; chains: number } }>(
  out: string,
  chains: number,
  fit: (callbacks: { onProgress(p: ChainProgress): void; signal: AbortSignal }) => Promise<F>,
): Promise<F> {
  const progress = progressDisplay(chains);
  try {
    return await fitUntilStopped(out, (signal) => fit({ onProgress: (p) => progress.update(p), signal }));
  } finally {
    progress.stop();
  }
}

/** The report is optional: a failure is a warning, and the fit's other files are still written. */
async function tryReport(write: () => Promise<unknown>, written: string[]): Promise<void> {
  try {
    await write();
    written.push("report.html");
  } catch (e) {
    process.stderr.write(`warning: could not write the report: ${(e as Error).message}\n`);
  }
}

/** Says what is about to run before the first progress report arrives. */
function announce(s: ReturnType<typeof readSampler>): void {
  const { samples, maxSamples } = resolveDraws(s);
  const lockstep = lockstepRequested(s.backend, s.method);
  // Lockstep chains' draws also stay within LOCKSTEP_MAX_STORED_VALUES numbers, which depends on the model's size (fit/config.ts).
  const bound = lockstep ? ` (fewer if the ${s.chains} chains' draws would pass ${LOCKSTEP_MAX_STORED_VALUES * 8 / 2 ** 20} MiB)` : "";
  const more = maxSamples > samples && drawsCanGoOn(s, lockstep ? "chees" : "nuts") ? `, more while the chains disagree, up to ${maxSamples}${bound}` : "";
  process.stderr.write(`fitting: ${s.chains} chain${s.chains === 1 ? "" : "s"} x (${s.warmup} warm-up + ${samples} draws${more}), seed ${s.seed}; Ctrl-C stops\n`);
}

function printFitEnd(fit: { summary(): SummaryEntry[]; diagnostics(): FitDiagnostics }, out: string, files: string[], collinear: string[] = []): void {
  const d = fit.diagnostics();
  process.stdout.write(formatSummaryTable(fit.summary()) + "\n");
  // A diagnostic that cannot be computed (a constant parameter, say) reads "n/a", never Infinity or NaN.
  const n = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : "n/a");
  process.stdout.write(
    `\n${d.chains} chain${d.chains === 1 ? "" : "s"} x ${d.draws} draws in ${d.wall_seconds.toFixed(1)} s (warm-up ${d.warmup_seconds.toFixed(1)} s), ` +
      `${d.gradient_evaluations.total} gradient evaluations, min bulk-ESS ${n(d.min_ess_bulk, 0)} ` +
      `(${n(d.min_ess_bulk_per_second, 1)}/s), max R-hat ${n(d.max_r_hat, 3)}, divergences ${d.divergences}\n`,
  );
  const ext = d.extension;
  if (ext && ext.r_hat.length > 1) {
    const drawsAt = (i: number) => Math.min(ext.asked * (i + 1), d.draws);
    // Lockstep chains go on by nested R-hat with R-hat as a guard; NUTS chains by R-hat and ESS.
    const nested = ext.nested_r_hat;
    const line = nested
      ? `the chains did not agree after ${ext.asked} draws (${diagnostics.lockstepRuleWords(true)}) and went on: nested R-hat and max R-hat ${ext.r_hat.map((r, i) => `${n(nested[i] ?? NaN, 3)} and ${n(r, 3)} at ${drawsAt(i)}`).join(", ")}`
      : `the chains did not agree after ${ext.asked} draws (R-hat <= 1.01 and ESS >= 100 per chain) and went on: max R-hat and min ESS ${ext.r_hat.map((r, i) => `${n(r, 3)} and ${n(ext.min_ess[i] ?? NaN, 0)} at ${drawsAt(i)}`).join(", ")}`;
    process.stdout.write(`${line} draws per chain (at most ${ext.most})\n`);
  }
  for (const w of d.warnings) process.stderr.write(`warning: ${w}\n`);
  // Chains that disagree over columns the data cannot tell apart: no sampler setting helps, the data must change.
  if (!(d.max_r_hat <= diagnostics.RHAT_LIMIT) && collinear.length > 0) {
    process.stderr.write(
      `warning: the data check found columns the data cannot tell apart (${collinear.map((c) => `"${c}"`).join(", ")}: each a linear combination of the others); ` +
        `their effects are not identified, so the chains need not agree however long they run: remove or merge those columns and refit\n`,
    );
  }
  process.stdout.write(`wrote ${files.map((f) => `${out}/${f}`).join(", ")}\n`);
}
