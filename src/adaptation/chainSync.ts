/**
 * What chains agree at a warm-up window end ("pooled-diag" and "pooled-dense" warm-ups).
 *
 * Stan adapts each chain alone: its first metric comes from the 25 draws of
 * one chain's first window, taken while the chain may still be crossing to
 * the typical set with a step size of 1e-4 (measured on the MMM posterior),
 * so that metric describes the path, not the posterior, and the next window
 * starts from it. Here, at every window end,
 *
 *  1. the window draws of the chains not behind (2.) are pooled (Chan's parallel combination of
 *     their Welford summaries, so the spread between chains counts too) into
 *     one variance, regularised as Stan does with the pooled count n:
 *     (n / (n + 5)) var + 1e-3 (5 / (n + 5)); every chain takes it;
 *  2. a chain whose window log-density is far below the others' (more than
 *     `lagSds` within-chain sds below the median of the chains' means, and
 *     below every other chain by `lagAbsolute` at least) has not found the
 *     typical set (or sits in a minor mode): it restarts from the current
 *     position of a chain that has, chosen with the run's own random stream.
 *
 * Warm-up draws are discarded, so moving a chain during warm-up leaves
 * sampling exact MCMC; the decisions depend only on the chains' reports, in
 * chain order, so they are the same at any thread count.
 */
import { median } from "../diagnostics/quantile.js";
import { PhiloxRng } from "../rng/random.js";
import { regulariseMetric } from "./stanMetric.js";

/**
 * What one chain tells the others at a warm-up window end: the window's draws
 * summarised (Welford count, mean and sum of squared deviations per
 * coordinate), its log-density and step size, and where it stands now.
 */
export interface WindowReport {
  chainId: number;
  /** Completed iterations (warm-up) when the report was made. */
  iteration: number;
  count: number;
  mean: Float64Array;
  /** Sums of squared deviations: per coordinate (diagonal schemes) or dim x dim cross-products (dense). */
  m2: Float64Array;
  /** Mean and variance of the log-density over the window's draws. */
  logpMean: number;
  logpVar: number;
  /** Mean log step size over the window's transitions. */
  logStepSizeMean: number;
  divergences: number;
  /** The chain's current position (a draw from the end of the window). */
  position: Float64Array;
  /** The log-density at that position (of the density the chain samples). */
  logp: number;
}

/** What a chain is told at a window end: the shared metric, and a new position if it restarts. */
export interface WindowDirective {
  inverseMetric?: Float64Array;
  position?: Float64Array;
  /**
   * Move to this state and go on with the same step size and metric (a
   * parallel-tempering swap): at any iteration, warm-up or sampling, and
   * nothing of the adaptation restarts, unlike `position`.
   */
  move?: Float64Array;
}

export interface ChainSyncOptions {
  /** Within-chain log-density sds below the median that mark a chain as behind (default 6). */
  lagSds?: number;
  /** ... and the least gap, in log-density units, to every other chain (default 10). */
  lagAbsolute?: number;
  /** Restart chains that are behind (default true). */
  restart?: boolean;
}

/** The random stream for restart choices: disjoint from the chains' streams 0..chains-1. */
export const SYNC_STREAM_BASE = 2 ** 40;

/**
 * Pooled, regularised variance (diagonal reports) or covariance (dense
 * reports, row-major) of the chains' window draws; null with fewer than 2
 * draws in all.
 */
export function pooledInverseMetric(reports: readonly WindowReport[]): Float64Array | null {
  if (reports.length === 0) return null;
  const dim = reports[0]!.mean.length;
  const dense = reports[0]!.m2.length === dim * dim && dim > 1;
  let n = 0;
  const mean = new Float64Array(dim);
  const m2 = new Float64Array(reports[0]!.m2.length);
  const d = new Float64Array(dim);
  for (const r of reports) {
    if (r.count === 0) continue;
    const nNew = n + r.count;
    const w = (n * r.count) / nNew;
    for (let i = 0; i < dim; i++) d[i] = r.mean[i]! - mean[i]!;
    if (dense) {
      for (let i = 0; i < dim; i++) {
        for (let j = 0; j < dim; j++) m2[i * dim + j] = m2[i * dim + j]! + r.m2[i * dim + j]! + d[i]! * d[j]! * w;
      }
    } else {
      for (let i = 0; i < dim; i++) m2[i] = m2[i]! + r.m2[i]! + d[i]! * d[i]! * w;
    }
    for (let i = 0; i < dim; i++) mean[i] = mean[i]! + (d[i]! * r.count) / nNew;
    n = nNew;
  }
  if (n < 2) return null;
  return regulariseMetric(Float64Array.from(m2, (v) => v / (n - 1)), n, dim, dense);
}

/** Chains whose window log-density is far below the others' (indices into reports). */
export function chainsBehind(reports: readonly WindowReport[], options: ChainSyncOptions = {}): number[] {
  const lagSds = options.lagSds ?? 6;
  const lagAbsolute = options.lagAbsolute ?? 10;
  if (reports.length < 3) return [];
  const means = reports.map((r) => r.logpMean);
  if (!means.every(Number.isFinite)) return [];
  const centre = median(means);
  const spread = Math.sqrt(median(reports.map((r) => r.logpVar)));
  const behind: number[] = [];
  reports.forEach((r, k) => {
    const others = means.filter((_, j) => j !== k);
    const gapToAll = Math.min(...others) - r.logpMean;
    if (centre - r.logpMean > lagSds * spread && gapToAll > lagAbsolute) behind.push(k);
  });
  // Only a minority can be "behind": otherwise the majority defines where the chains are.
  return behind.length * 2 < reports.length ? behind : [];
}

/**
 * One directive per report (same order): the pooled metric for every chain,
 * and a restart position for the chains behind.
 */
export function planWindowEnd(
  reports: readonly WindowReport[],
  seed: number,
  windowIndex: number,
  options: ChainSyncOptions = {},
): WindowDirective[] {
  const behind = options.restart === false ? [] : chainsBehind(reports, options);
  const healthy = reports.map((_, k) => k).filter((k) => !behind.includes(k));
  // The metric describes where the healthy chains are; a chain behind would only inflate it.
  const metric = pooledInverseMetric(healthy.map((k) => reports[k]!));
  const directives: WindowDirective[] = reports.map(() => (metric ? { inverseMetric: metric } : {}));
  if (behind.length === 0) return directives;
  const rng = new PhiloxRng(seed, SYNC_STREAM_BASE + windowIndex);
  for (const k of behind) {
    const donor = healthy[rng.uniformInt(healthy.length)]!;
    directives[k] = { ...directives[k], position: Float64Array.from(reports[donor]!.position) };
  }
  return directives;
}
