// The run record: one JSON file per fit (single or per slice) with what is
// needed to compare refreshes: configuration, data hash, engine version,
// seed, timings and headline metrics.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { FittedMMM } from "../api/fittedMMM.js";
import { writeFileWhole } from "../io/outputFolder.js";
import { sha256 } from "../io/hash.js";

export const RUN_FILE = "run.json";
export const RUN_RECORD_VERSION = 1;

export interface ChannelHeadline {
  channel: string;
  spend: number;
  contribution: number;
  roi: number;
  roi_low: number;
  roi_high: number;
  marginal_roi: number;
  marginal_roi_low: number;
  marginal_roi_high: number;
}

export interface RunRecord {
  run_record_version: number;
  engine: { name: string; version: string };
  created: string;
  /** The command or API call that made the fit ("fit", "fit-many", "queue", "api"). */
  command: string;
  /** The slice's --by values, for fits of one slice. */
  slice?: Record<string, string>;
  /** rows and train_rows count periods; a geo fit also names its geos (its metrics and channels are the national roll-up). */
  data: { source: string; sha256: string; rows: number; train_rows: number; first_date?: string; last_date?: string; geos?: string[] };
  configuration: unknown;
  seed: number;
  timings: { wall_seconds: number; warmup_seconds: number; sampling_seconds: number; threads: number; analysis_seconds?: number };
  /**
   * What the chains did, where the configuration says what was asked: draws
   * per chain beyond the asked ones where the chains went on while they
   * disagreed, fewer after a stop (absent from records written before 2026-12-06).
   */
  sampling?: { chains: number; warmup: number; draws: number; gradient_evaluations: number };
  metrics: {
    r2: number;
    mape: number;
    bayesian_r2: number;
    test_r2?: number;
    test_mape?: number;
    max_r_hat: number;
    min_ess_bulk: number;
    divergences: number;
    /** R-hat and bulk ESS within bounds (see converged()); divergences are counted beside it. */
    converged: boolean;
  };
  channels: ChannelHeadline[];
  warnings: string[];
}

let engineVersion: string | undefined;

/** The package's version, read once from package.json beside dist/ or src/. */
export function engineVersionString(): string {
  if (engineVersion !== undefined) return engineVersion;
  engineVersion = "unknown";
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "mmm-wasm" && pkg.version) return (engineVersion = pkg.version);
    } catch {
      // Try the next place.
    }
  }
  return engineVersion;
}

/**
 * Convergence by the usual bounds (Vehtari et al. 2021): R-hat at most 1.01
 * and bulk ESS at least 100 per chain. Divergent transitions are a separate
 * signal (the posterior may be biased where the sampler could not follow
 * it), reported by divergenceNotes, not folded into this flag.
 */
export function converged(d: { max_r_hat: number; min_ess_bulk: number; chains: number }): boolean {
  return convergenceIssues(d).length === 0;
}

/** Why a fit did not converge by those bounds (empty when it did). */
export function convergenceIssues(d: { max_r_hat: number; min_ess_bulk: number; chains: number }): string[] {
  const issues: string[] = [];
  if (!(d.max_r_hat <= 1.01)) issues.push(`max R-hat ${d.max_r_hat.toFixed(3)} > 1.01`);
  if (!(d.min_ess_bulk >= 100 * d.chains)) issues.push(`min bulk-ESS ${Math.round(d.min_ess_bulk)} < ${100 * d.chains}`);
  return issues;
}

/** Divergent transitions after warm-up, as a note beside the convergence flag (empty when none). */
export function divergenceNotes(d: { divergences: number }): string[] {
  return d.divergences > 0 ? [`${d.divergences} divergent transition${d.divergences === 1 ? "" : "s"} after warm-up: the posterior may be biased where they occur`] : [];
}

/** Hash of a dataset's numbers in the user's units (and dates, and geos): what the fit saw. */
export function datasetHash(fit: FittedMMM | FittedGeoMMM): string {
  const d = fit.record.dataset;
  const geos = d.geoNames ? [d.geoNames.join(",")] : [];
  const parts = [d.targetName, d.channelNames.join(","), d.extraNames.join(","), (d.dates ?? []).join(","), ...geos];
  const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
  return sha256([...parts, bytes(d.target), bytes(d.media), bytes(d.extra)].join("\n"));
}

/** The national figures of a fit: the fit itself, or a geo fit's roll-up over its geos. */
function nationalFigures(fit: FittedMMM | FittedGeoMMM) {
  if (fit.record.kind === "geo") {
    const geo = fit as FittedGeoMMM;
    return { metrics: geo.metrics().national, roi: geo.roi().national, totals: geo.contributions().national.totals.media, geos: geo.geoNames };
  }
  const national = fit as FittedMMM;
  return { metrics: national.metrics(), roi: national.roi(), totals: national.contributions().totals.media, geos: undefined };
}

export function runRecord(
  fit: FittedMMM | FittedGeoMMM,
  context: { command: string; source: string; slice?: Record<string, string>; analysisSeconds?: number },
): RunRecord {
  const d = fit.diagnostics();
  const { metrics: m, roi, totals, geos } = nationalFigures(fit);
  const mroi = fit.marginalRoi();
  const record = fit.record;
  const { initValues, ...sampler } = record.config.sampler;
  const dates = record.dataset.dates;
  return {
    run_record_version: RUN_RECORD_VERSION,
    engine: { name: "mmm-wasm", version: engineVersionString() },
    created: new Date().toISOString(),
    command: context.command,
    ...(context.slice ? { slice: context.slice } : {}),
    data: {
      source: context.source,
      sha256: datasetHash(fit),
      rows: record.dataset.T,
      train_rows: record.trainRows,
      ...(dates ? { first_date: dates[0], last_date: dates[dates.length - 1] } : {}),
      ...(geos ? { geos } : {}),
    },
    configuration: { ...record.config, sampler: { ...sampler, ...(initValues !== undefined ? { initValues } : {}) }, costs: record.costs },
    seed: d.seed,
    timings: {
      wall_seconds: d.wall_seconds,
      warmup_seconds: d.warmup_seconds,
      sampling_seconds: d.sampling_seconds,
      threads: d.threads,
      ...(context.analysisSeconds !== undefined ? { analysis_seconds: context.analysisSeconds } : {}),
    },
    sampling: { chains: d.chains, warmup: d.warmup, draws: d.draws, gradient_evaluations: d.gradient_evaluations.total },
    metrics: {
      r2: m.train.r2,
      mape: m.train.mape,
      bayesian_r2: m.train.bayesian_r2,
      ...(m.test ? { test_r2: m.test.r2, test_mape: m.test.mape } : {}),
      max_r_hat: d.max_r_hat,
      min_ess_bulk: d.min_ess_bulk,
      divergences: d.divergences,
      converged: converged(d),
    },
    channels: roi.map((r, c) => ({
      channel: r.channel,
      spend: r.spend,
      contribution: totals[c].mean,
      // A channel without spend has no ROI: NaN here, null in run.json (as every non-finite figure).
      roi: r.mean ?? NaN,
      roi_low: r["hdi_3%"] ?? NaN,
      roi_high: r["hdi_97%"] ?? NaN,
      marginal_roi: mroi[c].mean ?? NaN,
      marginal_roi_low: mroi[c]["hdi_3%"] ?? NaN,
      marginal_roi_high: mroi[c]["hdi_97%"] ?? NaN,
    })),
    warnings: d.warnings,
  };
}

/** JSON with non-finite numbers as null (R-hat of a constant, say). */
export function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x), 2) + "\n";
}

/** Writes run.json into `dir` whole or not at all (temporary file, then rename). */
export function writeRunRecord(dir: string, record: RunRecord): string {
  writeFileWhole(join(dir, RUN_FILE), jsonText(record));
  return RUN_FILE;
}
