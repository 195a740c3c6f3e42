import { ScalarAdam } from "../../adaptation/adam.js";
import { DualAveraging } from "../../adaptation/dualAveraging.js";
import { InputError } from "../../errors.js";
import { log as portableLog } from "../../math/portable.js";
import { PhiloxRng } from "../../rng/random.js";
import { cheesGradient } from "./cheesCriterion.js";
import { CrossChainVariance } from "./crossChainVariance.js";
import { vanDerCorput } from "./halton.js";
import { findLockstepStart, type LockstepInit } from "./init.js";
import type { LockstepIntegrator } from "./integrator.js";

/** The acceptance rate that is optimal for HMC on product targets in high dimension (Beskos et al. 2013), the ChEES paper's default for its shared step size. */
export const CHEES_TARGET_ACCEPT = 0.651;
/** Each chain's own target: Stan's default, safer than 0.651 on the stiff, curved posteriors of MMMs. */
export const LOCKSTEP_TARGET_ACCEPT = 0.8;

export type { CheesOptions, CheesResult, LockstepIterationStats, LockstepIterationTrace, LockstepProgress } from "./cheesTypes.js";
import type { CheesOptions, CheesResult, LockstepIterationStats } from "./cheesTypes.js";
import { median } from "../../diagnostics/quantile.js";
import { allocIterationStats, checkVector, count, positive, truncateIterationStats } from "./cheesHelpers.js";
import { initStepSizes } from "../../adaptation/stepSizeInit.js";


/**
 * ChEES-HMC (Hoffman, Radul & Sountsov 2021) over many chains in lockstep,
 * with a step size per chain (see README.md beside this file for why).
 *
 * Every iteration all chains take the same number of leapfrog steps,
 * ceil(u T / median eps) with u the iteration's van der Corput point (at most
 * maxSteps), chain c with its own step size eps_c, under one shared diagonal
 * inverse metric; each chain accepts its proposal by its own Metropolis test.
 * Warm-up tunes
 *  - eps_c: Stan's initial heuristic per chain, then dual averaging (Stan's
 *    constants) on chain c's own acceptance probability (target 0.8), so a
 *    stuck chain shrinks only its own step size;
 *  - burn-in (first 15%): 1..burnInSteps steps (jittered), nothing else
 *    adapted, so chains started at very low density shed their energy every
 *    few steps instead of carrying it across the space;
 *  - log T by Adam (beta1 = 0, beta2 = 0.95, rate 0.025) ascending log ChEES
 *    (see cheesCriterion.ts; the log makes the gradient scale-free; chain c's
 *    own time factor u eps_c / median eps), each update clipped to +-0.35,
 *    the iterates averaged (weight t^-1/2) for sampling, capped at
 *    median eps maxSteps;
 *  - the inverse metric from the spread across chains, (1.4826 MAD)^2 by
 *    default (see crossChainVariance.ts), re-estimated every iteration from
 *    10% of the post-burn-in warm-up to 75% of warm-up, then frozen; dual
 *    averaging and the T average restart then, so the final tuning reflects
 *    the final metric;
 *  - in that final window each chain's own step size restarts towards its
 *    current size (Stan's 10x start diverges every chain at a fixed
 *    trajectory length; see README.md); finalStepSize "pooled" instead
 *    gives all chains one size, dual averaging on their mean acceptance
 *    (measured worse on the T=156 data: chains stuck for good).
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
  const targetAccept = options.targetAccept ?? LOCKSTEP_TARGET_ACCEPT;
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
  /** H0 - H of the last proposal per chain (-Infinity for an invalid one), what the step-size heuristic reads. */
  const energyChange = new Float64Array(chains);
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
  const propose = async (stepSize: number | Float64Array, steps: number, divergent: Uint8Array): Promise<number> => {
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
      energyChange[c] = deltaH === deltaH ? -deltaH : Number.NEGATIVE_INFINITY;
      const isDivergent = !(deltaH <= maxDeltaH);
      divergent[c] = isDivergent ? 1 : 0;
      if (isDivergent) divergences++;
    }
    return divergences;
  };
  const divergentNow = new Uint8Array(chains);

  // ---- initial tuning: one step size per chain ----
  const stepSizes = new Float64Array(chains).fill(initialStepSize);
  if (numWarmup > 0) {
    // Stan's heuristic (adaptation/stepSizeInit.ts), every chain's own search on its own single-step energy change; no chain moves.
    const probes = await initStepSizes(stepSizes, async (eps) => {
      await propose(eps, 1, divergentNow);
      return energyChange;
    });
    warmupEvaluations += probes * chains;
  }
  let trajectoryLength = options.initialTrajectoryLength ?? Math.max(median(stepSizes), 1);

  const duals = Array.from({ length: chains }, (_, c) => {
    const d = new DualAveraging({ delta: targetAccept });
    d.init(stepSizes[c]!);
    return d;
  });
  const pooledFinalWindow = options.finalStepSize === "pooled";
  const pooled = { active: false, dual: new DualAveraging({ delta: targetAccept }) };
  const adam = new ScalarAdam({ rate: learningRate, beta1: 0, beta2: 0.95, maxUpdate: 0.35 });
  let logTAverage = 0;
  let averageCount = 0;
  const burnIn = Math.min(numWarmup, count("burnIn", options.burnIn, Math.floor(0.15 * numWarmup)));
  const burnInSteps = count("burnInSteps", options.burnInSteps, 8, 1);
  const metricStart = burnIn + Math.floor(0.1 * (numWarmup - burnIn));
  const metricEnd = Math.floor(0.75 * numWarmup);
  const spread = options.metricSpread ?? (options.robustMetric === false ? "variance" : "mad");
  const variance = adaptMetric && numWarmup > 0 ? new CrossChainVariance(dim, chains, { robust: spread === "mad", typical: spread === "typical" }) : null;
  const previous = new Float64Array(n);
  const timeFactor = new Float64Array(chains);

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

  /**
   * One transition of all chains with `steps` leapfrog steps each (chain c
   * of size stepSizes[c], so it travels steps * stepSizes[c]); returns steps.
   */
  const transition = async (steps: number, stats: LockstepIterationStats, row: number, medianStepSize: number): Promise<number> => {
    previous.set(positions);
    const divergences = await propose(stepSizes, steps, divergentNow);
    let inverseSum = 0;
    let mean = 0;
    for (let c = 0; c < chains; c++) {
      inverseSum += 1 / accept[c]!;
      mean += accept[c]! / chains;
    }
    stats.stepSize[row] = medianStepSize;
    stats.trajectoryLength[row] = trajectoryLength;
    stats.steps[row] = steps;
    stats.harmonicMeanAccept[row] = chains / inverseSum; // 0 if any chain has 0
    stats.meanAccept[row] = mean;
    stats.divergences[row] = divergences;
    return steps;
  };
  /** Leapfrog steps for trajectory length T: ceil(u T / median step size), capped. */
  const stepsFor = (jitter: number, medianStepSize: number): number =>
    Math.min(maxSteps, Math.max(1, Math.ceil((jitter * trajectoryLength) / medianStepSize)));
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
  const trace = (phase: "warmup" | "sampling", row: number, stats: LockstepIterationStats): void => {
    options.onIteration?.({
      phase,
      iteration: row,
      stepSize: stats.stepSize[row]!,
      trajectoryLength: stats.trajectoryLength[row]!,
      steps: stats.steps[row]!,
      harmonicMeanAccept: stats.harmonicMeanAccept[row]!,
      meanAccept: stats.meanAccept[row]!,
      divergences: stats.divergences[row]!,
      acceptProb: accept,
      stepSizes,
      positions,
      logps,
      inverseMetric: invMetric,
    });
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
    const jitter = vanDerCorput(it);
    const burning = it < burnIn;
    // Burn-in: short jittered trajectories (1..burnInSteps steps), so a chain
    // started where the density is tiny sheds its energy every few steps
    // instead of carrying it across the space on a long trajectory.
    // The step sizes change only after the transition: one median serves the whole iteration.
    const medianStepSize = median(stepSizes);
    const steps = await transition(burning ? Math.ceil(jitter * burnInSteps) : stepsFor(jitter, medianStepSize), warmupStats, it, medianStepSize);
    warmupEvaluations += steps * chains;
    for (let c = 0; c < chains; c++) if (divergentNow[c]) warmupDivergences[c]! += 1;
    phaseDivergences += warmupStats.divergences[it]!;

    if (!burning) {
      // Trajectory length: one Adam step on log T, from the proposals before they are accepted.
      // Chain c ran for steps * eps_c ~ u T eps_c / median eps, so d x'_c / d T = (u eps_c / median eps) v'_c.
      for (let c = 0; c < chains; c++) timeFactor[c] = (jitter * stepSizes[c]!) / medianStepSize;
      const chees = cheesGradient({ dim, chains, previous, proposed: propQ, momenta, acceptProb: accept, invMetric, jitter: timeFactor });
      // The ascent direction is d log ChEES / d log T = T ChEES' / ChEES: scale-free, so the huge criterion
      // values of chains still far from the typical set cannot swamp Adam's second-moment average.
      const logGradient = chees.value > 0 ? (trajectoryLength * chees.gradient) / chees.value : 0;
      trajectoryLength = Math.exp(Math.log(trajectoryLength) + adam.step(logGradient));
      averageCount++;
      const weight = 1 / Math.sqrt(averageCount);
      logTAverage = (1 - weight) * logTAverage + weight * Math.log(trajectoryLength);
    }
    // Until the final window each chain's step size learns from its own acceptance: a stuck chain cannot shrink the others'.
    if (pooled.active) {
      // Final window (pooled): one step size for all chains, on the mean acceptance across chains.
      let meanAccept = 0;
      for (let c = 0; c < chains; c++) meanAccept += accept[c]! / chains;
      stepSizes.fill(pooled.dual.update(meanAccept));
    } else {
      for (let c = 0; c < chains; c++) stepSizes[c] = duals[c]!.update(accept[c]!);
    }
    acceptOrReject();
    trace("warmup", it, warmupStats);
    if (warmupDraws) for (let c = 0; c < chains; c++) warmupDraws[c]!.set(positions.subarray(c * dim, (c + 1) * dim), it * dim);

    if (variance && !burning && it < metricEnd) {
      // After metricEnd - 1 the metric is frozen: nothing reads later observations.
      variance.observe(positions, logps);
      if (it >= metricStart && it < metricEnd) variance.estimate(invMetric);
      if (it === metricEnd - 1) {
        // The metric is final: tune step sizes and T afresh for it. Dual averaging restarts shrinking
        // towards each chain's current step size, not Stan's 10x: its first iterate lands near mu, and
        // ten times the step size for the same trajectory length diverged in every chain on the geo
        // example (then ~30 iterations at the step cap while the sizes recovered; see README.md).
        if (pooledFinalWindow) {
          // All chains are in the typical set now and sample one distribution: one step size for all, from
          // the median of theirs, so no chain travels a fraction of the others' distance (see README.md).
          pooled.active = true;
          pooled.dual.setMu(portableLog(median(stepSizes)));
          pooled.dual.restart();
          stepSizes.fill(median(stepSizes));
        } else {
          for (let c = 0; c < chains; c++) {
            duals[c]!.setMu(portableLog(stepSizes[c]!));
            duals[c]!.restart();
          }
        }
        averageCount = 0;
        logTAverage = 0;
      }
    }
    warmupDone = it + 1;
    report(warmupDone, "warmup");
  }
  if (numWarmup > 0 && warmupDone === numWarmup) {
    if (pooled.active) stepSizes.fill(pooled.dual.final(stepSizes[0]!));
    else for (let c = 0; c < chains; c++) stepSizes[c] = duals[c]!.final(stepSizes[c]!);
    trajectoryLength = averageCount > 0 ? Math.exp(logTAverage) : trajectoryLength;
    trajectoryLength = Math.min(trajectoryLength, median(stepSizes) * maxSteps);
  }

  // ---- sampling ----
  phaseDivergences = 0;
  const samplingStepSize = median(stepSizes); // step sizes are frozen from here on
  if (!interrupted) {
    for (let d = 0; d < numDraws; d++) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const steps = await transition(stepsFor(vanDerCorput(numWarmup + d), samplingStepSize), samplingStats, d, samplingStepSize);
      samplingEvaluations += steps * chains;
      phaseDivergences += samplingStats.divergences[d]!;
      for (let c = 0; c < chains; c++) {
        acceptProb[c]![d] = accept[c]!;
        divergentFlags[c]![d] = divergentNow[c]!;
        if (divergentNow[c]) samplingDivergences[c]! += 1;
      }
      acceptOrReject();
      trace("sampling", d, samplingStats);
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
    stepSize: median(stepSizes),
    stepSizes: Float64Array.from(stepSizes),
    trajectoryLength,
    inverseMetric: Float64Array.from(invMetric),
    divergences: { warmup: warmupDivergences, sampling: samplingDivergences },
    gradientEvaluations: { warmup: warmupEvaluations, sampling: samplingEvaluations },
    interrupted,
  };
  if (warmupDraws) result.warmupDraws = cut(warmupDraws, dim, warmupDone, numWarmup);
  return result;
}
