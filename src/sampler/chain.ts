import { NutpieWarmup, StanWarmup, type Tuning, type WarmupScheme } from "../adaptation/warmup.js";
import type { LogDensity } from "../density/types.js";
import { PhiloxRng } from "../rng/random.js";
import { findInitialState } from "./init.js";
import { createNutsKernel } from "./kernel.js";
import { DenseMetric, DiagonalMetric } from "./metric.js";
import type { Metric, NutsInfo, NutsState } from "./types.js";

export type AdaptationKind = "stan-diag" | "nutpie-diag" | "dense";

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
   * Ignored by 'nutpie-diag' warm-up, which starts from the gradient.
   */
  initialInverseMetric?: Float64Array;
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

function allocStats(n: number): DrawStats {
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

function recordStats(stats: DrawStats, i: number, info: NutsInfo): void {
  stats.treeDepth[i] = info.treeDepth;
  stats.nLeapfrog[i] = info.nLeapfrog;
  stats.divergent[i] = info.divergent ? 1 : 0;
  stats.energy[i] = info.energy;
  stats.acceptStat[i] = info.acceptStat;
  stats.stepSize[i] = info.stepSize;
  stats.logp[i] = info.logp;
}

function truncateStats(stats: DrawStats, n: number): DrawStats {
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

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
}

/**
 * Runs one NUTS chain: initialisation, warm-up with the chosen adaptation,
 * then sampling with the frozen step size and metric. Every random number
 * comes from the Philox stream (seed, chainId), so identical inputs give
 * bit-identical output.
 */
export function sampleChain(density: LogDensity, options: ChainOptions, callbacks: ChainCallbacks = {}): ChainResult {
  const dim = density.dim;
  const seed = options.seed;
  const chainId = options.chainId ?? 0;
  const numWarmup = options.numWarmup ?? 1000;
  const numDraws = options.numDraws ?? 1000;
  const targetAccept = options.targetAccept ?? 0.8;
  const adaptation = options.adaptation ?? "stan-diag";
  const initialStepSize = options.initialStepSize ?? 1;
  const keepWarmup = options.keepWarmup ?? false;
  checkCount("numWarmup", numWarmup);
  checkCount("numDraws", numDraws);
  if (!(targetAccept > 0 && targetAccept < 1)) throw new Error(`targetAccept must be in (0, 1), got ${targetAccept}`);
  if (adaptation !== "stan-diag" && adaptation !== "nutpie-diag" && adaptation !== "dense") {
    throw new Error(`unknown adaptation '${String(adaptation)}'`);
  }
  if (!(initialStepSize > 0) || !Number.isFinite(initialStepSize)) {
    throw new Error(`initialStepSize must be positive and finite, got ${initialStepSize}`);
  }
  if (!(options.initialPosition instanceof Float64Array) || options.initialPosition.length !== dim) {
    throw new Error(`initialPosition must be a Float64Array of length ${dim}`);
  }
  const dense = adaptation === "dense";
  if (options.initialInverseMetric && options.initialInverseMetric.length !== (dense ? dim * dim : dim)) {
    throw new Error(`initialInverseMetric must have ${dense ? dim * dim : dim} entries`);
  }

  const rng = new PhiloxRng(seed, chainId);

  let gradEvals = 0;
  const counted = {
    dim,
    logp: (x: Float64Array) => density.logp(x),
    logpGrad: (x: Float64Array, g: Float64Array) => {
      gradEvals++;
      return density.logpGrad(x, g);
    },
  };

  const kernelOptions: { maxTreeDepth?: number; maxDeltaH?: number } = {};
  if (options.maxTreeDepth !== undefined) kernelOptions.maxTreeDepth = options.maxTreeDepth;
  if (options.maxDeltaH !== undefined) kernelOptions.maxDeltaH = options.maxDeltaH;
  const kernel = createNutsKernel(counted, kernelOptions);

  const radius = options.initRadius ?? 0;
  const initOptions = options.maxInitTries !== undefined ? { maxTries: options.maxInitTries } : {};
  let state: NutsState = findInitialState(
    counted,
    radius > 0
      ? { kind: "jitter", position: options.initialPosition, radius }
      : { kind: "point", position: options.initialPosition },
    rng,
    initOptions,
  );
  const initialPosition = Float64Array.from(state.position);

  const total = numWarmup + numDraws;
  const progressEvery = Math.max(1, Math.ceil(total / 100));
  const onProgress = callbacks.onProgress;
  const shouldStop = callbacks.shouldStop;
  let interrupted = false;

  // ---- warm-up ----
  let tuning: Tuning;
  let scheme: WarmupScheme | null = null;
  if (numWarmup > 0) {
    if (adaptation === "nutpie-diag") {
      scheme = new NutpieWarmup(dim, numWarmup, { targetAccept, initialStepSize });
    } else {
      scheme = new StanWarmup(dim, numWarmup, dense, {
        targetAccept,
        initialStepSize,
        ...(options.initialInverseMetric ? { initialInverseMetric: options.initialInverseMetric } : {}),
      });
    }
    tuning = scheme.init(state, kernel, rng);
  } else {
    let metric: Metric;
    if (options.initialInverseMetric) {
      metric = dense
        ? new DenseMetric(options.initialInverseMetric, dim)
        : new DiagonalMetric(options.initialInverseMetric);
    } else {
      metric = dense ? DenseMetric.identity(dim) : DiagonalMetric.unit(dim);
    }
    tuning = { stepSize: initialStepSize, metric };
  }

  const warmupStats = keepWarmup ? allocStats(numWarmup) : null;
  const warmupDraws = keepWarmup ? new Float64Array(numWarmup * dim) : null;
  let warmupDivergences = 0;
  let warmupDone = 0;
  for (let it = 0; it < numWarmup; it++) {
    if (shouldStop && shouldStop()) {
      interrupted = true;
      break;
    }
    const { state: next, info } = kernel.step(state, tuning.stepSize, tuning.metric, rng);
    state = next;
    if (info.divergent) warmupDivergences++;
    if (warmupStats && warmupDraws) {
      recordStats(warmupStats, it, info);
      warmupDraws.set(state.position, it * dim);
    }
    tuning = scheme!.update(it, state, info, kernel, rng);
    warmupDone = it + 1;
    if (onProgress && (warmupDone % progressEvery === 0 || warmupDone === total)) {
      onProgress(warmupDone, "warmup", warmupDivergences);
    }
  }
  if (scheme && !interrupted) tuning = scheme.final();
  const warmupGradEvals = gradEvals;

  // ---- sampling ----
  const stepSize = tuning.stepSize;
  const metric = tuning.metric;
  const stats = allocStats(numDraws);
  const draws = new Float64Array(numDraws * dim);
  let divergences = 0;
  let drawsDone = 0;
  if (!interrupted) {
    for (let it = 0; it < numDraws; it++) {
      if (shouldStop && shouldStop()) {
        interrupted = true;
        break;
      }
      const { state: next, info } = kernel.step(state, stepSize, metric, rng);
      state = next;
      if (info.divergent) divergences++;
      recordStats(stats, it, info);
      draws.set(state.position, it * dim);
      drawsDone = it + 1;
      const done = numWarmup + drawsDone;
      if (onProgress && (done % progressEvery === 0 || done === total)) {
        onProgress(done, "sampling", divergences);
      }
    }
  }

  const result: ChainResult = {
    dim,
    seed,
    chainId,
    adaptation,
    numWarmup: warmupDone,
    numDraws: drawsDone,
    draws: drawsDone === numDraws ? draws : draws.slice(0, drawsDone * dim),
    stats: drawsDone === numDraws ? stats : truncateStats(stats, drawsDone),
    initialPosition,
    stepSize,
    metric: { kind: metric.kind, inverseMetric: metric.inverseMetric() },
    gradientEvaluations: { warmup: warmupGradEvals, sampling: gradEvals - warmupGradEvals },
    divergences: { warmup: warmupDivergences, sampling: divergences },
    interrupted,
  };
  if (warmupStats && warmupDraws) {
    result.warmupStats = warmupDone === numWarmup ? warmupStats : truncateStats(warmupStats, warmupDone);
    result.warmupDraws = warmupDone === numWarmup ? warmupDraws : warmupDraws.slice(0, warmupDone * dim);
  }
  return result;
}
