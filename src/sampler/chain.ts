import type { NutsInfo } from "./types.js";

/**
 * Warm-up schemes. "pooled-diag" and "pooled-dense" are Stan's diagonal and
 * dense warm-ups whose chains meet at every window end (see
 * `adaptation/chainSync.ts`); a chain run alone with them is exactly
 * "stan-diag" or "dense". "lowrank" is nutpie's low-rank plus diagonal metric
 * (adaptation/lowRankEstimate.ts) on nutpie's schedule; "fisher-dense" the
 * same estimate keeping every direction (a dense metric from the draws' and
 * gradients' covariances). Both report a dense inverse metric.
 */
export type AdaptationKind = "stan-diag" | "pooled-diag" | "pooled-dense" | "nutpie-diag" | "dense" | "lowrank" | "fisher-dense";

/**
 * Where the Stan-style warm-ups ('stan-diag', 'dense', 'pooled-*') start their
 * metric before the first window: "unit" (Stan's identity) or "gradient"
 * (1 / |grad| per coordinate at the chain's start, as nutpie starts).
 */
export type InitialMetric = "unit" | "gradient";

export const INITIAL_METRICS: readonly InitialMetric[] = ["unit", "gradient"];

export const ADAPTATION_KINDS: readonly AdaptationKind[] = [
  "stan-diag",
  "pooled-diag",
  "pooled-dense",
  "nutpie-diag",
  "dense",
  "lowrank",
  "fisher-dense",
];

/** Whether a scheme adapts a dense metric. */
export function isDenseAdaptation(kind: AdaptationKind): boolean {
  return kind === "dense" || kind === "pooled-dense";
}

/** Whether a scheme adapts a diagonal metric (the others follow correlations: dense, low-rank). */
export function isDiagonalAdaptation(kind: AdaptationKind): boolean {
  return kind === "stan-diag" || kind === "pooled-diag" || kind === "nutpie-diag";
}

export interface ChainOptions {
  /** Run seed (non-negative safe integer). With chainId it selects the random stream. */
  seed: number;
  /** Chain index; chains of one run share the seed and differ in chainId (default 0). */
  chainId?: number;
  /** Warm-up (adaptation) iterations (default 1000). */
  numWarmup?: number;
  /** Post-warm-up draws (default 1000). */
  numDraws?: number;
  /** Target acceptance statistic for step-size adaptation (default 0.8). */
  targetAccept?: number;
  /** Maximum tree depth (default 10). */
  maxTreeDepth?: number;
  /** Energy error counted as a divergence (default 1000). */
  maxDeltaH?: number;
  /** Metric adaptation scheme (default 'stan-diag'). */
  adaptation?: AdaptationKind;
  /** Initial position on the unconstrained scale (required). */
  initialPosition: Float64Array;
  /**
   * If > 0, start from initialPosition + uniform(-initRadius, initRadius) per
   * coordinate, retrying on invalid points (Stan's default init is a zero
   * initialPosition with initRadius 2). Default 0: use initialPosition as is.
   */
  initRadius?: number;
  /** Attempts to find a valid jittered initial point (default 100). */
  maxInitTries?: number;
  /** Step size before the initialisation heuristic, or the fixed step size when numWarmup = 0 (default 1). */
  initialStepSize?: number;
  /**
   * Initial inverse metric for 'stan-diag' (dim entries) or 'dense' (dim*dim
   * row-major), and the fixed one when numWarmup = 0. Default identity.
   * Ignored by the 'nutpie-diag' and 'lowrank' warm-ups, which start from the
   * gradient ('lowrank' with numWarmup = 0 takes a diagonal one).
   */
  initialInverseMetric?: Float64Array;
  /** Without initialInverseMetric: the Stan-style warm-ups' metric before the first window (default "unit"). */
  initialMetric?: InitialMetric;
  /** Also return warm-up draws and statistics (default false). */
  keepWarmup?: boolean;
}

export interface ChainCallbacks {
  /**
   * Progress: `iteration` is the number of completed iterations counting
   * warm-up and sampling together (1..numWarmup+numDraws); divergences are
   * those of the current phase so far. Called about every 1% of iterations
   * and after the last one.
   */
  onProgress?(iteration: number, phase: "warmup" | "sampling", divergencesSoFar: number): void;
  /** Polled before every iteration; returning true stops the chain early (partial results are returned). */
  shouldStop?(): boolean;
}

/** Per-draw sampler statistics, one entry per draw. */
export interface DrawStats {
  treeDepth: Uint8Array;
  nLeapfrog: Int32Array;
  /** 1 if the transition diverged. */
  divergent: Uint8Array;
  /** Hamiltonian at the selected point. */
  energy: Float64Array;
  acceptStat: Float64Array;
  stepSize: Float64Array;
  logp: Float64Array;
}

export interface ChainResult {
  dim: number;
  seed: number;
  chainId: number;
  adaptation: AdaptationKind;
  /** Completed warm-up iterations (less than requested only if interrupted). */
  numWarmup: number;
  /** Completed draws (less than requested only if interrupted). */
  numDraws: number;
  /** Row-major [numDraws][dim], unconstrained scale. */
  draws: Float64Array;
  stats: DrawStats;
  /** Present with keepWarmup: row-major [numWarmup][dim]. */
  warmupDraws?: Float64Array;
  warmupStats?: DrawStats;
  /** The initial point actually used. */
  initialPosition: Float64Array;
  /** Adapted (frozen) step size used for sampling. */
  stepSize: number;
  /** Adapted (frozen) inverse metric: dim entries (diag) or dim*dim row-major (dense). */
  metric: { kind: "diag" | "dense"; inverseMetric: Float64Array };
  /** Gradient evaluations: warm-up includes initialisation and step-size heuristics. */
  gradientEvaluations: { warmup: number; sampling: number };
  divergences: { warmup: number; sampling: number };
  interrupted: boolean;
}

export function allocStats(n: number): DrawStats {
  return {
    treeDepth: new Uint8Array(n),
    nLeapfrog: new Int32Array(n),
    divergent: new Uint8Array(n),
    energy: new Float64Array(n),
    acceptStat: new Float64Array(n),
    stepSize: new Float64Array(n),
    logp: new Float64Array(n),
  };
}

export function recordStats(stats: DrawStats, i: number, info: NutsInfo): void {
  stats.treeDepth[i] = info.treeDepth;
  stats.nLeapfrog[i] = info.nLeapfrog;
  stats.divergent[i] = info.divergent ? 1 : 0;
  stats.energy[i] = info.energy;
  stats.acceptStat[i] = info.acceptStat;
  stats.stepSize[i] = info.stepSize;
  stats.logp[i] = info.logp;
}

export function truncateStats(stats: DrawStats, n: number): DrawStats {
  return {
    treeDepth: stats.treeDepth.slice(0, n),
    nLeapfrog: stats.nLeapfrog.slice(0, n),
    divergent: stats.divergent.slice(0, n),
    energy: stats.energy.slice(0, n),
    acceptStat: stats.acceptStat.slice(0, n),
    stepSize: stats.stepSize.slice(0, n),
    logp: stats.logp.slice(0, n),
  };
}

export function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
}
