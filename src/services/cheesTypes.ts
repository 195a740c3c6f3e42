// The lockstep sampler's options, per-iteration statistics and result.
import type { LockstepInit } from "../sampler/lockstep/init.js";

export interface LockstepProgress {
  /** Completed iterations, warm-up and sampling together. */
  iteration: number;
  total: number;
  phase: "warmup" | "sampling";
  /** Divergent transitions so far in this phase, all chains together. */
  divergences: number;
}

export interface CheesOptions {
  /** Run seed; chain c draws from the Philox stream (seed, c). */
  seed: number;
  /** Warm-up iterations (default 500). */
  warmup?: number;
  /** Draws per chain after warm-up (default 500). */
  draws?: number;
  /** Starting points, [chains][dim] row-major; used as given (one evaluation, no retries). */
  initialPositions?: Float64Array;
  /** How to draw starting points when initialPositions is absent (default uniform(-2, 2)). */
  init?: LockstepInit;
  /** Superchains sharing a starting point (for nested R-hat); must divide the chain count. Default: every chain its own. */
  superchains?: number;
  /** Attempts to find a valid starting point per superchain (default 100). */
  maxInitTries?: number;
  /** Target of each chain's acceptance probability, which its own step size adapts to (default 0.8). */
  targetAccept?: number;
  /** Burn-in iterations at the start of warm-up with short trajectories and no trajectory-length or metric adaptation (default 15% of warm-up). */
  burnIn?: number;
  /** Most leapfrog steps per burn-in iteration (default 8; jittered). */
  burnInSteps?: number;
  /** Estimate the metric from the median absolute deviation across chains rather than the variance, so a few stray chains cannot inflate it (default true). */
  robustMetric?: boolean;
  /**
   * How each iteration's spread across chains is measured for the metric (overrides robustMetric):
   * "mad" (1.4826 MAD)^2 (default), "variance" the plain variance, "typical" the variance over the
   * chains whose log-density is within 4 sqrt(dim / 2) of the median (see crossChainVariance.ts).
   */
  metricSpread?: "mad" | "variance" | "typical";
  /**
   * Step sizes in the final warm-up window (after the metric is frozen) and in sampling: "per-chain"
   * (default), each chain's own, or "pooled", one for all chains by dual averaging on the chains' mean
   * acceptance (on the T=156 data it left 3 of 32 chains stuck for all of sampling; see README.md).
   */
  finalStepSize?: "pooled" | "per-chain";
  /** Cap on leapfrog steps per iteration (default 1000). */
  maxSteps?: number;
  /** Energy error counted as a divergence (default 1000). */
  maxDeltaH?: number;
  /** Step size the initial heuristic starts from, or the fixed one when warmup = 0 (default 1). */
  initialStepSize?: number;
  /** Trajectory length T to start adapting from, or the fixed one when warmup = 0 (default max(initial step size, 1)). */
  initialTrajectoryLength?: number;
  /** Inverse metric to start from, or the fixed one when warmup = 0 (default identity). */
  initialInverseMetric?: Float64Array;
  /** Estimate the diagonal inverse metric from the chains during warm-up (default true). */
  adaptMetric?: boolean;
  /** Adam learning rate for log T (default 0.025). */
  trajectoryLearningRate?: number;
  /** Also return warm-up draws (default false). */
  keepWarmup?: boolean;
  onProgress?(progress: LockstepProgress): void;
  /** Called after every iteration with the chains' states (views: copy what you keep); for traces of the warm-up. */
  onIteration?(trace: LockstepIterationTrace): void;
  /** Aborting stops at the next iteration; the draws so far are returned with interrupted = true. */
  signal?: AbortSignal;
  /**
   * Asked after the draws (and after each block added): how many more draws every chain should make,
   * from where it is with the same tuning (0: stop). `draws` are views of each chain's draws so far
   * (row-major, the sampler's coordinates). The chains go on exactly as if asked for the larger count
   * from the start, so the answer may depend only on the draws for a seed to give the same draws.
   */
  moreDraws?(draws: Float64Array[], numDraws: number): number | Promise<number>;
}

/** One entry per iteration of a phase. */
export interface LockstepIterationStats {
  /** Median over chains of the step sizes used. */
  stepSize: Float64Array;
  /** The (unjittered) trajectory length T of the iteration. */
  trajectoryLength: Float64Array;
  /** Leapfrog steps every chain took: ceil(u T / step size), capped. */
  steps: Int32Array;
  /** Harmonic mean over chains of the acceptance probabilities (what the step size adapts on). */
  harmonicMeanAccept: Float64Array;
  meanAccept: Float64Array;
  /** Chains that diverged at this iteration. */
  divergences: Int32Array;
}

/** What onIteration sees after an iteration's accept/reject step. */
export interface LockstepIterationTrace {
  phase: "warmup" | "sampling";
  /** Index within the phase. */
  iteration: number;
  /** Median over chains of the step sizes this iteration used. */
  stepSize: number;
  trajectoryLength: number;
  steps: number;
  harmonicMeanAccept: number;
  meanAccept: number;
  divergences: number;
  /** Per chain: acceptance probability of this iteration's proposal, [chains]. */
  acceptProb: Float64Array;
  /** Per chain: the step size the next iteration uses, [chains]. */
  stepSizes: Float64Array;
  /** States after the iteration, [chains][dim], and their log-densities, [chains]. */
  positions: Float64Array;
  logps: Float64Array;
  inverseMetric: Float64Array;
}

/**
 * What a run of chains did, per chain (N = number) or for all of them (N =
 * one entry per chain): iterations completed (fewer than asked only if
 * interrupted), divergences and gradient evaluations by phase.
 */
export interface RunCounts<N> {
  numWarmup: number;
  numDraws: number;
  /** Gradient evaluations (lockstep: chains x steps, plus initialisation and step-size probes in warm-up). */
  gradientEvaluations: { warmup: number; sampling: number };
  divergences: { warmup: N; sampling: N };
  interrupted: boolean;
}

export interface CheesResult extends RunCounts<Int32Array> {
  dim: number;
  chains: number;
  seed: number;
  /** Per chain, row-major [numDraws][dim] (the layout summarizeTrace reads). */
  draws: Float64Array[];
  /** Per chain, per draw: acceptance probability, divergence flag, log-density of the state kept. */
  acceptProb: Float64Array[];
  divergent: Uint8Array[];
  logp: Float64Array[];
  /** Present with keepWarmup: per chain, row-major [numWarmup][dim]. */
  warmupDraws?: Float64Array[];
  iterations: { warmup: LockstepIterationStats; sampling: LockstepIterationStats };
  /** Starting points actually used, [chains][dim]. */
  initialPositions: Float64Array;
  /** Superchains the chains were started in: chain c is in superchain floor(c / (chains / superchains)). */
  superchains: number;
  /** Frozen tuning used for sampling: the median of the chains' step sizes (what the step count is set from), and each chain's. */
  stepSize: number;
  stepSizes: Float64Array;
  trajectoryLength: number;
  inverseMetric: Float64Array;
}
