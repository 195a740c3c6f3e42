import { ScalarAdam } from "../../adaptation/adam.js";
import { DualAveraging } from "../../adaptation/dualAveraging.js";
import { InputError } from "../../errors.js";
import { PhiloxRng } from "../../rng/random.js";
import { cheesGradient } from "./cheesCriterion.js";
import { CrossChainVariance } from "./crossChainVariance.js";
import { vanDerCorput } from "./halton.js";
import { findLockstepStart, type LockstepInit } from "./init.js";
import type { LockstepIntegrator } from "./integrator.js";

/** The acceptance rate that is optimal for HMC on product targets in high dimension (Beskos et al. 2013), the paper's default. */
export const CHEES_TARGET_ACCEPT = 0.651;

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
  /** Target of the harmonic-mean acceptance probability (default 0.651). */
  targetAccept?: number;
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
  /** Aborting stops at the next iteration; the draws so far are returned with interrupted = true. */
  signal?: AbortSignal;
}

/** One entry per iteration of a phase. */
export interface LockstepIterationStats {
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

export interface CheesResult {
  dim: number;
  chains: number;
  seed: number;
  /** Completed warm-up iterations and draws (less than requested only if interrupted). */
  numWarmup: number;
  numDraws: number;
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
  /** Frozen tuning used for sampling. */
  stepSize: number;
  trajectoryLength: number;
  inverseMetric: Float64Array;
  /** Divergent transitions per chain. */
  divergences: { warmup: Int32Array; sampling: Int32Array };
  /** Gradient evaluations over all chains (lockstep cost: chains x steps, plus initialisation and step-size probes in warm-up). */
  gradientEvaluations: { warmup: number; sampling: number };
  interrupted: boolean;
}

function allocIterationStats(n: number): LockstepIterationStats {
  return {
    stepSize: new Float64Array(n),
    trajectoryLength: new Float64Array(n),
    steps: new Int32Array(n),
    harmonicMeanAccept: new Float64Array(n),
    meanAccept: new Float64Array(n),
    divergences: new Int32Array(n),
  };
}

function truncateIterationStats(s: LockstepIterationStats, n: number): LockstepIterationStats {
  return {
    stepSize: s.stepSize.slice(0, n),
    trajectoryLength: s.trajectoryLength.slice(0, n),
    steps: s.steps.slice(0, n),
    harmonicMeanAccept: s.harmonicMeanAccept.slice(0, n),
    meanAccept: s.meanAccept.slice(0, n),
    divergences: s.divergences.slice(0, n),
  };
}

function count(name: string, v: number | undefined, fallback: number, min = 0): number {
  const value = v ?? fallback;
  if (!Number.isInteger(value) || value < min) throw new InputError(`sampleChees: ${name} must be an integer >= ${min}, got ${v}`);
  return value;
}

function positive(name: string, v: number | undefined, fallback: number): number {
  const value = v ?? fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new InputError(`sampleChees: ${name} must be positive and finite, got ${v}`);
  return value;
}

function checkVector(name: string, v: Float64Array, length: number, requirePositive = false): void {
  if (!(v instanceof Float64Array) || v.length !== length) throw new InputError(`sampleChees: ${name} must be a Float64Array of length ${length}`);
  for (let i = 0; i < length; i++) {
    if (!Number.isFinite(v[i]!) || (requirePositive && !(v[i]! > 0))) {
      throw new InputError(`sampleChees: ${name}[${i}] is ${v[i]}, expected a finite${requirePositive ? " positive" : ""} number`);
    }
  }
}

/**
 * Stan's step-size heuristic (see adaptation/stepSizeInit.ts), with an
 * asynchronous probe: `probe(eps)` returns the log of the chains' mean
 * acceptance probability of one step of size eps; eps doubles while that
 * exceeds log 0.8, or halves until it does, and the crossing is returned.
 */
async function lockstepInitStepSize(stepSize: number, probe: (eps: number) => Promise<number>): Promise<number> {
  const log08 = Math.log(0.8);
  let eps = stepSize;
  const direction = (await probe(eps)) > log08 ? 1 : -1;
  for (;;) {
    const logAccept = await probe(eps);
    if (direction === 1 && !(logAccept > log08)) return eps;
    if (direction === -1 && !(logAccept < log08)) return eps;
    eps = direction === 1 ? 2 * eps : 0.5 * eps;
    if (eps > 1e7) throw new Error("Step-size initialisation: the step size grew beyond 1e7; the posterior is probably improper.");
    if (eps < 1e-300) {
      throw new Error("Step-size initialisation: no acceptable small step size could be found; the density may be discontinuous or its gradient wrong.");
    }
  }
}

/**
 * ChEES-HMC (Hoffman, Radul & Sountsov 2021) over many chains in lockstep.
 *
 * Every iteration all chains share one step size eps, one trajectory length
 * T and one diagonal inverse metric; the trajectory runs u T with u the
 * iteration's van der Corput point, i.e. ceil(u T / eps) leapfrog steps
 * (at most maxSteps), and each chain accepts its proposal by its own
 * Metropolis test. Warm-up tunes
 *  - eps by dual averaging (Stan's constants) on the harmonic mean of the
 *    chains' acceptance probabilities, which a single stuck chain drags down;
 *  - log T by Adam (beta1 = 0, beta2 = 0.95, rate 0.025) ascending log ChEES
 *    (see cheesCriterion.ts; the log makes the gradient scale-free), each
 *    update clipped to +-0.35, with the
 *    iterates averaged (weight t^-1/2) for sampling, capped at eps maxSteps;
 *  - the inverse metric as the cross-chain variance of positions (see
 *    crossChainVariance.ts), re-estimated every iteration from 10% to 75% of
 *    warm-up, then frozen; dual averaging and the T average restart then, so
 *    the final tuning reflects the final metric.
 *
 * Randomness: chain c draws its start, momenta and acceptance uniforms from
 * the Philox stream (seed, c); the jitter is deterministic. A seed therefore
 * reproduces every draw bit for bit, however the backend batches the chains.
 * The shared tuning depends on all chains, so chain c's draws change with the
 * chain count unless the tuning is fixed (warmup = 0).
 */
export async function sampleChees(integrator: LockstepIntegrator, options: CheesOptions): Promise<CheesResult> {
  const { dim, chains } = integrator;
  const seed = options.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`sampleChees: seed must be a non-negative safe integer, got ${seed}`);
  if (chains < 2) throw new InputError(`sampleChees: ChEES-HMC needs at least 2 chains (cross-chain adaptation), got ${chains}`);
  const numWarmup = count("warmup", options.warmup, 500);
  const numDraws = count("draws", options.draws, 500);
  const maxSteps = count("maxSteps", options.maxSteps, 1000, 1);
  const maxInitTries = count("maxInitTries", options.maxInitTries, 100, 1);
  const superchains = count("superchains", options.superchains, chains, 1);
  if (chains % superchains !== 0) throw new InputError(`sampleChees: superchains (${superchains}) must divide the chain count (${chains})`);
  const targetAccept = options.targetAccept ?? CHEES_TARGET_ACCEPT;
  if (!(targetAccept > 0 && targetAccept < 1)) throw new InputError(`sampleChees: targetAccept must be in (0, 1), got ${targetAccept}`);
  const maxDeltaH = positive("maxDeltaH", options.maxDeltaH, 1000);
  const initialStepSize = positive("initialStepSize", options.initialStepSize, 1);
  const learningRate = positive("trajectoryLearningRate", options.trajectoryLearningRate, 0.025);
  const adaptMetric = options.adaptMetric ?? true;
  const keepWarmup = options.keepWarmup ?? false;
  const invMetric = new Float64Array(dim).fill(1);
  if (options.initialInverseMetric) {
    checkVector("initialInverseMetric", options.initialInverseMetric, dim, true);
    invMetric.set(options.initialInverseMetric);
  }
  if (options.initialTrajectoryLength !== undefined) positive("initialTrajectoryLength", options.initialTrajectoryLength, 1);

  const rngs = Array.from({ length: chains }, (_, c) => new PhiloxRng(seed, c));

  // ---- starting points ----
  let positions: Float64Array;
  let gradients: Float64Array;
  let logps: Float64Array;
  let warmupEvaluations = 0;
  if (options.initialPositions) {
    checkVector("initialPositions", options.initialPositions, chains * dim);
    positions = Float64Array.from(options.initialPositions);
    gradients = new Float64Array(chains * dim);
    logps = new Float64Array(chains);
    await integrator.evaluate(positions, gradients, logps);
    warmupEvaluations += chains;
    for (let c = 0; c < chains; c++) {
      if (!(logps[c]! > Number.NEGATIVE_INFINITY)) {
        throw new InputError(`sampleChees: initialPositions of chain ${c} has a non-finite log density or gradient`);
      }
    }
  } else {
    const init = options.init ?? { kind: "uniform" };
    if (init.kind !== "uniform") checkVector("init.position", init.position, dim);
    const start = await findLockstepStart(integrator, init, rngs, superchains, maxInitTries);
    positions = start.positions;
    gradients = start.gradients;
    logps = start.logps;
    warmupEvaluations += start.evaluations * chains;
  }
  const initialPositions = Float64Array.from(positions);

  // ---- buffers ----
  const n = chains * dim;
  const momenta = new Float64Array(n);
  const propQ = new Float64Array(n);
  const propG = new Float64Array(n);
  const propLp = new Float64Array(chains);
  const energy0 = new Float64Array(chains);
  const accept = new Float64Array(chains);
  const sqrtInvMetric = new Float64Array(dim);

  const kinetic = (c: number): number => {
    let k = 0;
    for (let i = 0; i < dim; i++) {
      const p = momenta[c * dim + i]!;
      k += invMetric[i]! * p * p;
    }
    return 0.5 * k;
  };
  /** p ~ N(0, M), M = diag(1 / invMetric), from each chain's own stream. */
  const drawMomenta = (): void => {
    for (let i = 0; i < dim; i++) sqrtInvMetric[i] = Math.sqrt(invMetric[i]!);
    for (let c = 0; c < chains; c++) {
      const rng = rngs[c]!;
      for (let i = 0; i < dim; i++) momenta[c * dim + i] = rng.normal() / sqrtInvMetric[i]!;
      energy0[c] = -logps[c]! + kinetic(c);
    }
  };
  /** Runs one trajectory from the current states into the proposal buffers; fills accept[] and returns the divergent count. */
  const propose = async (stepSize: number, steps: number, divergent: Uint8Array): Promise<number> => {
    drawMomenta();
    propQ.set(positions);
    propG.set(gradients);
    propLp.set(logps);
    await integrator.leapfrog(propQ, momenta, propG, propLp, stepSize, steps, invMetric);
    let divergences = 0;
    for (let c = 0; c < chains; c++) {
      const deltaH = -propLp[c]! + kinetic(c) - energy0[c]!;
      // NaN and +Infinity (a stopped chain) are rejections and divergences.
      accept[c] = deltaH === deltaH ? Math.min(1, Math.exp(-deltaH)) : 0;
      const isDivergent = !(deltaH <= maxDeltaH);
      divergent[c] = isDivergent ? 1 : 0;
      if (isDivergent) divergences++;
    }
    return divergences;
  };
  const divergentNow = new Uint8Array(chains);

  // ---- initial tuning ----
  let stepSize = initialStepSize;
  if (numWarmup > 0) {
    // Stan's heuristic on the chains' mean acceptance of a single step; no chain moves.
    stepSize = await lockstepInitStepSize(initialStepSize, async (eps) => {
      await propose(eps, 1, divergentNow);
      warmupEvaluations += chains;
      let mean = 0;
      for (let c = 0; c < chains; c++) mean += accept[c]! / chains;
      return Math.log(mean);
    });
  }
  let trajectoryLength = options.initialTrajectoryLength ?? Math.max(stepSize, 1);

  const dual = new DualAveraging({ delta: targetAccept });
  dual.init(stepSize);
  const adam = new ScalarAdam({ rate: learningRate, beta1: 0, beta2: 0.95, maxUpdate: 0.35 });
  let logTAverage = 0;
  let averageCount = 0;
  const metricStart = Math.floor(0.1 * numWarmup);
  const metricEnd = Math.floor(0.75 * numWarmup);
  const variance = adaptMetric && numWarmup > 0 ? new CrossChainVariance(dim, chains) : null;
  const previous = new Float64Array(n);

  const total = numWarmup + numDraws;
  const progressEvery = Math.max(1, Math.ceil(total / 100));
  const warmupStats = allocIterationStats(numWarmup);
  const samplingStats = allocIterationStats(numDraws);
  const warmupDivergences = new Int32Array(chains);
  const samplingDivergences = new Int32Array(chains);
  const warmupDraws = keepWarmup ? Array.from({ length: chains }, () => new Float64Array(numWarmup * dim)) : null;
  const draws = Array.from({ length: chains }, () => new Float64Array(numDraws * dim));
  const acceptProb = Array.from({ length: chains }, () => new Float64Array(numDraws));
  const divergentFlags = Array.from({ length: chains }, () => new Uint8Array(numDraws));
  const keptLogp = Array.from({ length: chains }, () => new Float64Array(numDraws));
  let samplingEvaluations = 0;
  let interrupted = false;
  let warmupDone = 0;
  let drawsDone = 0;
  let phaseDivergences = 0;

  /** One transition of all chains; returns the steps taken. */
  const transition = async (iteration: number, stats: LockstepIterationStats, row: number): Promise<number> => {
    const jitter = vanDerCorput(iteration);
    const steps = Math.min(maxSteps, Math.max(1, Math.ceil((jitter * trajectoryLength) / stepSize)));
    previous.set(positions);
    const divergences = await propose(stepSize, steps, divergentNow);
    let inverseSum = 0;
    let mean = 0;
    for (let c = 0; c < chains; c++) {
      inverseSum += 1 / accept[c]!;
      mean += accept[c]! / chains;
    }
    stats.stepSize[row] = stepSize;
    stats.trajectoryLength[row] = trajectoryLength;
    stats.steps[row] = steps;
    stats.harmonicMeanAccept[row] = chains / inverseSum; // 0 if any chain has 0
    stats.meanAccept[row] = mean;
    stats.divergences[row] = divergences;
    return steps;
  };
  /** Metropolis: each chain keeps its proposal with its own uniform. */
  const acceptOrReject = (): void => {
    for (let c = 0; c < chains; c++) {
      const u = rngs[c]!.uniform();
      if (u < accept[c]!) {
        positions.set(propQ.subarray(c * dim, (c + 1) * dim), c * dim);
        gradients.set(propG.subarray(c * dim, (c + 1) * dim), c * dim);
        logps[c] = propLp[c]!;
      }
    }
  };
  const report = (done: number, phase: "warmup" | "sampling"): void => {
    if (options.onProgress && (done % progressEvery === 0 || done === total)) {
      options.onProgress({ iteration: done, total, phase, divergences: phaseDivergences });
    }
  };

  // ---- warm-up ----
  for (let it = 0; it < numWarmup; it++) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    const steps = await transition(it, warmupStats, it);
    warmupEvaluations += steps * chains;
    for (let c = 0; c < chains; c++) if (divergentNow[c]) warmupDivergences[c]! += 1;
    phaseDivergences += warmupStats.divergences[it]!;

    // Trajectory length: one Adam step on log T, from the proposals before they are accepted.
    const chees = cheesGradient({
      dim,
      chains,
      previous,
      proposed: propQ,
      momenta,
      acceptProb: accept,
      invMetric,
      jitter: vanDerCorput(it),
    });
    acceptOrReject();
    if (warmupDraws) for (let c = 0; c < chains; c++) warmupDraws[c]!.set(positions.subarray(c * dim, (c + 1) * dim), it * dim);

    stepSize = dual.update(warmupStats.harmonicMeanAccept[it]!);
    // T itself is not capped at eps maxSteps here (the step count is): a
    // transiently tiny step size early in warm-up must not shrink T for good.
    // The ascent direction is d log ChEES / d log T = T ChEES' / ChEES: maximising log ChEES has the
    // same optimum, and the ratio has no units, so the huge criterion values of chains still far from
    // the typical set early in warm-up cannot swamp Adam's second-moment average (with beta2 = 0.95 a
    // gradient 1e12 times too large would take ~1000 iterations to forget).
    const logGradient = chees.value > 0 ? (trajectoryLength * chees.gradient) / chees.value : 0;
    trajectoryLength = Math.exp(Math.log(trajectoryLength) + adam.step(logGradient));
    averageCount++;
    const weight = 1 / Math.sqrt(averageCount);
    logTAverage = (1 - weight) * logTAverage + weight * Math.log(trajectoryLength);

    if (variance) {
      variance.observe(positions);
      if (it >= metricStart && it < metricEnd) variance.estimate(invMetric);
      if (it === metricEnd - 1) {
        // The metric is final: tune step size and T afresh for it.
        dual.init(stepSize);
        averageCount = 0;
        logTAverage = 0;
      }
    }
    warmupDone = it + 1;
    report(warmupDone, "warmup");
  }
  if (numWarmup > 0 && warmupDone === numWarmup) {
    stepSize = dual.final(stepSize);
    trajectoryLength = averageCount > 0 ? Math.exp(logTAverage) : trajectoryLength;
    trajectoryLength = Math.min(trajectoryLength, stepSize * maxSteps);
  }

  // ---- sampling ----
  phaseDivergences = 0;
  if (!interrupted) {
    for (let d = 0; d < numDraws; d++) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const steps = await transition(numWarmup + d, samplingStats, d);
      samplingEvaluations += steps * chains;
      phaseDivergences += samplingStats.divergences[d]!;
      for (let c = 0; c < chains; c++) {
        acceptProb[c]![d] = accept[c]!;
        divergentFlags[c]![d] = divergentNow[c]!;
        if (divergentNow[c]) samplingDivergences[c]! += 1;
      }
      acceptOrReject();
      for (let c = 0; c < chains; c++) {
        draws[c]!.set(positions.subarray(c * dim, (c + 1) * dim), d * dim);
        keptLogp[c]![d] = logps[c]!;
      }
      drawsDone = d + 1;
      report(numWarmup + drawsDone, "sampling");
    }
  }

  const cut = <T extends Float64Array | Uint8Array>(arrays: T[], per: number, done: number, full: number): T[] =>
    done === full ? arrays : arrays.map((a) => a.slice(0, done * per) as T);
  const result: CheesResult = {
    dim,
    chains,
    seed,
    numWarmup: warmupDone,
    numDraws: drawsDone,
    draws: cut(draws, dim, drawsDone, numDraws),
    acceptProb: cut(acceptProb, 1, drawsDone, numDraws),
    divergent: cut(divergentFlags, 1, drawsDone, numDraws),
    logp: cut(keptLogp, 1, drawsDone, numDraws),
    iterations: {
      warmup: warmupDone === numWarmup ? warmupStats : truncateIterationStats(warmupStats, warmupDone),
      sampling: drawsDone === numDraws ? samplingStats : truncateIterationStats(samplingStats, drawsDone),
    },
    initialPositions,
    superchains,
    stepSize,
    trajectoryLength,
    inverseMetric: Float64Array.from(invMetric),
    divergences: { warmup: warmupDivergences, sampling: samplingDivergences },
    gradientEvaluations: { warmup: warmupEvaluations, sampling: samplingEvaluations },
    interrupted,
  };
  if (warmupDraws) result.warmupDraws = cut(warmupDraws, dim, warmupDone, numWarmup);
  return result;
}
