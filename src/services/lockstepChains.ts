// Many chains in lockstep (ChEES-HMC): the chain loop. The transition is the
// sampler's (sampler/lockstep/transition.ts), the tuning the warm-up scheme's
// (adaptation/cheesWarmup.ts); here are the options, the starting points, the
// warm-up and sampling loops, the statistics, progress and interrupts.
import { CheesWarmup, type CheesWarmupOptions, type LockstepTuning } from "../adaptation/cheesWarmup.js";
import { median } from "../diagnostics/quantile.js";
import { InputError } from "../errors.js";
import { PhiloxRng } from "../rng/random.js";
import { vanDerCorput } from "../sampler/lockstep/halton.js";
import { findLockstepStart } from "../sampler/lockstep/init.js";
import type { LockstepIntegrator } from "../sampler/lockstep/integrator.js";
import { LockstepHmc, lockstepSteps } from "../sampler/lockstep/transition.js";
import { allocIterationStats, checkVector, count, grownArray, growIterationStats, positive, truncateIterationStats } from "./cheesHelpers.js";
import type { CheesOptions, CheesResult, LockstepIterationStats } from "./cheesTypes.js";

/** The acceptance rate that is optimal for HMC on product targets in high dimension (Beskos et al. 2013), the ChEES paper's default for its shared step size. */
export const CHEES_TARGET_ACCEPT = 0.651;
/** Each chain's own target: Stan's default, safer than 0.651 on the stiff, curved posteriors of MMMs. */
export const LOCKSTEP_TARGET_ACCEPT = 0.8;

export type { CheesOptions, CheesResult, LockstepIterationStats, LockstepIterationTrace, LockstepProgress } from "./cheesTypes.js";

interface RunSettings {
  numWarmup: number;
  numDraws: number;
  maxSteps: number;
  maxInitTries: number;
  superchains: number;
  maxDeltaH: number;
  keepWarmup: boolean;
  warmup: CheesWarmupOptions;
}

/** Checks the options (InputError naming the one at fault) and fills in the defaults. */
function settingsFrom(integrator: LockstepIntegrator, options: CheesOptions): RunSettings {
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
  if (options.initialInverseMetric) checkVector("initialInverseMetric", options.initialInverseMetric, dim, true);
  if (options.initialTrajectoryLength !== undefined) positive("initialTrajectoryLength", options.initialTrajectoryLength, 1);
  const burnIn = count("burnIn", options.burnIn, Math.floor(0.15 * numWarmup));
  const burnInSteps = count("burnInSteps", options.burnInSteps, 8, 1);
  return {
    numWarmup,
    numDraws,
    maxSteps,
    maxInitTries,
    superchains,
    maxDeltaH,
    keepWarmup: options.keepWarmup ?? false,
    warmup: {
      numWarmup,
      targetAccept,
      maxSteps,
      initialStepSize,
      ...(options.initialTrajectoryLength !== undefined ? { initialTrajectoryLength: options.initialTrajectoryLength } : {}),
      ...(options.initialInverseMetric ? { initialInverseMetric: options.initialInverseMetric } : {}),
      learningRate,
      adaptMetric: options.adaptMetric ?? true,
      metricSpread: options.metricSpread ?? (options.robustMetric === false ? "variance" : "mad"),
      finalStepSize: options.finalStepSize === "pooled" ? "pooled" : "per-chain",
      burnIn,
      burnInSteps,
    },
  };
}

/** The chains' starting states: the given positions (one evaluation) or drawn per superchain. */
async function startingStates(integrator: LockstepIntegrator, options: CheesOptions, settings: RunSettings, rngs: PhiloxRng[]) {
  const { dim, chains } = integrator;
  if (options.initialPositions) {
    checkVector("initialPositions", options.initialPositions, chains * dim);
    const positions = Float64Array.from(options.initialPositions);
    const gradients = new Float64Array(chains * dim);
    const logps = new Float64Array(chains);
    await integrator.evaluate(positions, gradients, logps);
    for (let c = 0; c < chains; c++) {
      if (!(logps[c]! > Number.NEGATIVE_INFINITY)) {
        throw new InputError(`sampleChees: initialPositions of chain ${c} has a non-finite log density or gradient`);
      }
    }
    return { positions, gradients, logps, evaluations: 1 };
  }
  const init = options.init ?? { kind: "uniform" };
  if (init.kind !== "uniform") checkVector("init.position", init.position, dim);
  return findLockstepStart(integrator, init, rngs, settings.superchains, settings.maxInitTries);
}

/** What the loops keep: per-iteration statistics, draws, per-draw statistics and counters. */
class LockstepRecord {
  readonly warmupStats: LockstepIterationStats;
  samplingStats: LockstepIterationStats;
  readonly warmupDivergences: Int32Array;
  readonly samplingDivergences: Int32Array;
  readonly warmupDraws: Float64Array[] | null;
  draws: Float64Array[];
  acceptProb: Float64Array[];
  divergent: Uint8Array[];
  logp: Float64Array[];
  warmupEvaluations = 0;
  samplingEvaluations = 0;
  warmupDone = 0;
  drawsDone = 0;
  interrupted = false;
  /** Divergent transitions so far in the current phase, all chains together (what progress reports). */
  phaseDivergences = 0;

  constructor(chains: number, dim: number, numWarmup: number, numDraws: number, keepWarmup: boolean) {
    this.warmupStats = allocIterationStats(numWarmup);
    this.samplingStats = allocIterationStats(numDraws);
    this.warmupDivergences = new Int32Array(chains);
    this.samplingDivergences = new Int32Array(chains);
    this.warmupDraws = keepWarmup ? Array.from({ length: chains }, () => new Float64Array(numWarmup * dim)) : null;
    this.draws = Array.from({ length: chains }, () => new Float64Array(numDraws * dim));
    this.acceptProb = Array.from({ length: chains }, () => new Float64Array(numDraws));
    this.divergent = Array.from({ length: chains }, () => new Uint8Array(numDraws));
    this.logp = Array.from({ length: chains }, () => new Float64Array(numDraws));
  }

  /** Room for `numDraws` draws per chain in all, keeping those made. */
  grow(dim: number, numDraws: number): void {
    const kept = this.drawsDone;
    this.samplingStats = growIterationStats(this.samplingStats, kept, numDraws);
    this.draws = this.draws.map((a) => grownArray(a, kept * dim, numDraws * dim));
    this.acceptProb = this.acceptProb.map((a) => grownArray(a, kept, numDraws));
    this.divergent = this.divergent.map((a) => grownArray(a, kept, numDraws));
    this.logp = this.logp.map((a) => grownArray(a, kept, numDraws));
  }
}

/** Records one transition's statistics in row `row` of `stats`. */
function recordIteration(stats: LockstepIterationStats, row: number, hmc: LockstepHmc, steps: number, medianStepSize: number, trajectoryLength: number, divergences: number): void {
  let inverseSum = 0;
  let mean = 0;
  for (let c = 0; c < hmc.chains; c++) {
    inverseSum += 1 / hmc.acceptProb[c]!;
    mean += hmc.acceptProb[c]! / hmc.chains;
  }
  stats.stepSize[row] = medianStepSize;
  stats.trajectoryLength[row] = trajectoryLength;
  stats.steps[row] = steps;
  stats.harmonicMeanAccept[row] = hmc.chains / inverseSum; // 0 if any chain has 0
  stats.meanAccept[row] = mean;
  stats.divergences[row] = divergences;
}

function traceIteration(options: CheesOptions, phase: "warmup" | "sampling", row: number, stats: LockstepIterationStats, hmc: LockstepHmc, tuning: LockstepTuning): void {
  options.onIteration?.({
    phase,
    iteration: row,
    stepSize: stats.stepSize[row]!,
    trajectoryLength: stats.trajectoryLength[row]!,
    steps: stats.steps[row]!,
    harmonicMeanAccept: stats.harmonicMeanAccept[row]!,
    meanAccept: stats.meanAccept[row]!,
    divergences: stats.divergences[row]!,
    acceptProb: hmc.acceptProb,
    stepSizes: tuning.stepSizes,
    positions: hmc.positions,
    logps: hmc.logps,
    inverseMetric: tuning.inverseMetric,
  });
}

/** Calls onProgress about every 1% of iterations and after the last one; the total grows with draws added. */
function progressReporter(options: CheesOptions, settings: RunSettings, record: LockstepRecord) {
  return (done: number, phase: "warmup" | "sampling"): void => {
    const total = settings.numWarmup + settings.numDraws;
    const every = Math.max(1, Math.ceil(total / 100));
    if (options.onProgress && (done % every === 0 || done === total)) {
      options.onProgress({ iteration: done, total, phase, divergences: record.phaseDivergences });
    }
  };
}

/** Warm-up: every iteration the scheme plans the step count, the chains move, the scheme learns. */
async function runWarmup(hmc: LockstepHmc, scheme: CheesWarmup, settings: RunSettings, record: LockstepRecord, options: CheesOptions, report: ReturnType<typeof progressReporter>): Promise<void> {
  const { chains, dim } = hmc;
  const { tuning } = scheme;
  for (let it = 0; it < settings.numWarmup; it++) {
    if (options.signal?.aborted) {
      record.interrupted = true;
      return;
    }
    const { steps, medianStepSize } = scheme.plan(it);
    const trajectoryLength = tuning.trajectoryLength;
    const divergences = await hmc.propose(tuning.stepSizes, steps, tuning.inverseMetric);
    recordIteration(record.warmupStats, it, hmc, steps, medianStepSize, trajectoryLength, divergences);
    record.warmupEvaluations += steps * chains;
    for (let c = 0; c < chains; c++) if (hmc.divergent[c]) record.warmupDivergences[c]! += 1;
    record.phaseDivergences += divergences;
    hmc.acceptOrReject();
    scheme.update(it, hmc);
    traceIteration(options, "warmup", it, record.warmupStats, hmc, tuning);
    if (record.warmupDraws) for (let c = 0; c < chains; c++) record.warmupDraws[c]!.set(hmc.positions.subarray(c * dim, (c + 1) * dim), it * dim);
    record.warmupDone = it + 1;
    report(record.warmupDone, "warmup");
  }
}

/**
 * Sampling with the frozen tuning, from the draws made to settings.numDraws: the step count from the
 * median step size and T, jittered by the iteration's van der Corput point, so a run that goes on
 * makes the draws a run asked for as many from the start makes.
 */
async function runSampling(hmc: LockstepHmc, tuning: LockstepTuning, settings: RunSettings, record: LockstepRecord, options: CheesOptions, report: ReturnType<typeof progressReporter>): Promise<void> {
  const { chains, dim } = hmc;
  if (record.drawsDone === 0) record.phaseDivergences = 0;
  const samplingStepSize = median(tuning.stepSizes); // step sizes are frozen from here on
  for (let d = record.drawsDone; d < settings.numDraws; d++) {
    if (options.signal?.aborted) {
      record.interrupted = true;
      return;
    }
    const steps = lockstepSteps(vanDerCorput(settings.numWarmup + d), tuning.trajectoryLength, samplingStepSize, settings.maxSteps);
    const divergences = await hmc.propose(tuning.stepSizes, steps, tuning.inverseMetric);
    recordIteration(record.samplingStats, d, hmc, steps, samplingStepSize, tuning.trajectoryLength, divergences);
    record.samplingEvaluations += steps * chains;
    record.phaseDivergences += divergences;
    for (let c = 0; c < chains; c++) {
      record.acceptProb[c]![d] = hmc.acceptProb[c]!;
      record.divergent[c]![d] = hmc.divergent[c]!;
      if (hmc.divergent[c]) record.samplingDivergences[c]! += 1;
    }
    hmc.acceptOrReject();
    traceIteration(options, "sampling", d, record.samplingStats, hmc, tuning);
    for (let c = 0; c < chains; c++) {
      record.draws[c]!.set(hmc.positions.subarray(c * dim, (c + 1) * dim), d * dim);
      record.logp[c]![d] = hmc.logps[c]!;
    }
    record.drawsDone = d + 1;
    report(settings.numWarmup + record.drawsDone, "sampling");
  }
}

/**
 * ChEES-HMC (Hoffman, Radul & Sountsov 2021) over many chains in lockstep,
 * with a step size per chain (see src/sampler/lockstep/README.md for why).
 *
 * Every iteration all chains take the same number of leapfrog steps,
 * ceil(u T / median eps) with u the iteration's van der Corput point (at most
 * maxSteps), chain c with its own step size eps_c, under one shared diagonal
 * inverse metric; each chain accepts its proposal by its own Metropolis test.
 * The warm-up is adaptation/cheesWarmup.ts.
 *
 * Randomness: chain c draws its start, momenta and acceptance uniforms from
 * the Philox stream (seed, c); the jitter is deterministic. A seed therefore
 * reproduces every draw bit for bit, however the backend batches the chains.
 * The shared tuning depends on all chains, so chain c's draws change with the
 * chain count unless the tuning is fixed (warmup = 0).
 */
export async function sampleChees(integrator: LockstepIntegrator, options: CheesOptions): Promise<CheesResult> {
  const { dim, chains } = integrator;
  const settings = settingsFrom(integrator, options);
  const rngs = Array.from({ length: chains }, (_, c) => new PhiloxRng(options.seed, c));
  const start = await startingStates(integrator, options, settings, rngs);
  const initialPositions = Float64Array.from(start.positions);
  const hmc = new LockstepHmc(integrator, rngs, settings.maxDeltaH, start);
  const record = new LockstepRecord(chains, dim, settings.numWarmup, settings.numDraws, settings.keepWarmup);
  record.warmupEvaluations += start.evaluations * chains;

  const scheme = new CheesWarmup(dim, chains, settings.warmup);
  const probes = await scheme.init(async (eps) => {
    await hmc.propose(eps, 1, scheme.tuning.inverseMetric);
    return hmc.energyChange;
  });
  record.warmupEvaluations += probes * chains;
  const report = progressReporter(options, settings, record);
  await runWarmup(hmc, scheme, settings, record, options, report);
  const tuning = settings.numWarmup > 0 && record.warmupDone === settings.numWarmup ? scheme.final() : scheme.tuning;
  if (!record.interrupted) await runSampling(hmc, tuning, settings, record, options, report);
  while (!record.interrupted && options.moreDraws) {
    const more = await options.moreDraws(
      record.draws.map((a) => a.subarray(0, record.drawsDone * dim)),
      record.drawsDone,
    );
    if (!Number.isInteger(more) || more < 0) throw new Error(`moreDraws must return a non-negative integer, got ${more}`);
    if (more === 0) break;
    settings.numDraws = record.drawsDone + more;
    record.grow(dim, settings.numDraws);
    await runSampling(hmc, tuning, settings, record, options, report);
  }
  return resultOf(record, settings, { dim, chains, seed: options.seed, initialPositions, tuning });
}

function resultOf(
  record: LockstepRecord,
  settings: RunSettings,
  run: { dim: number; chains: number; seed: number; initialPositions: Float64Array; tuning: LockstepTuning },
): CheesResult {
  const { dim } = run;
  const { warmupDone, drawsDone } = record;
  const { numWarmup, numDraws } = settings;
  const cut = <T extends Float64Array | Uint8Array>(arrays: T[], per: number, done: number, full: number): T[] =>
    done === full ? arrays : arrays.map((a) => a.slice(0, done * per) as T);
  const result: CheesResult = {
    dim,
    chains: run.chains,
    seed: run.seed,
    numWarmup: warmupDone,
    numDraws: drawsDone,
    draws: cut(record.draws, dim, drawsDone, numDraws),
    acceptProb: cut(record.acceptProb, 1, drawsDone, numDraws),
    divergent: cut(record.divergent, 1, drawsDone, numDraws),
    logp: cut(record.logp, 1, drawsDone, numDraws),
    iterations: {
      warmup: warmupDone === numWarmup ? record.warmupStats : truncateIterationStats(record.warmupStats, warmupDone),
      sampling: drawsDone === numDraws ? record.samplingStats : truncateIterationStats(record.samplingStats, drawsDone),
    },
    initialPositions: run.initialPositions,
    superchains: settings.superchains,
    stepSize: median(run.tuning.stepSizes),
    stepSizes: Float64Array.from(run.tuning.stepSizes),
    trajectoryLength: run.tuning.trajectoryLength,
    inverseMetric: Float64Array.from(run.tuning.inverseMetric),
    divergences: { warmup: record.warmupDivergences, sampling: record.samplingDivergences },
    gradientEvaluations: { warmup: record.warmupEvaluations, sampling: record.samplingEvaluations },
    interrupted: record.interrupted,
  };
  if (record.warmupDraws) result.warmupDraws = cut(record.warmupDraws, dim, warmupDone, numWarmup);
  return result;
}
