// One NUTS chain, advanced in stages, with the warm-up scheme it is given:
// the chain loop around the sampler's kernel (sampler/kernel.ts) and a
// scheme of adaptation/ (chosen by adaptation/warmupSchemes.ts).
import type { WindowDirective, WindowReport } from "../adaptation/chainSync.js";
import type { Tuning, WarmupScheme } from "../adaptation/warmup.js";
import { createWarmupScheme } from "../adaptation/warmupSchemes.js";
import { WelfordCovariance, WelfordVariance } from "../adaptation/welford.js";
import type { LogDensity } from "../density/types.js";
import { PhiloxRng } from "../rng/random.js";
import {
  ADAPTATION_KINDS,
  allocStats,
  checkCount,
  isDenseAdaptation,
  recordStats,
  truncateStats,
  type ChainCallbacks,
  type ChainOptions,
  type ChainResult,
  type DrawStats,
} from "../sampler/chain.js";
import { findInitialState } from "../sampler/init.js";
import { createNutsKernel, type NutsKernel } from "../sampler/kernel.js";
import { DenseMetric, DiagonalMetric } from "../sampler/metric.js";
import type { Metric, NutsState } from "../sampler/types.js";

export type { WindowDirective, WindowReport } from "../adaptation/chainSync.js";

/**
 * One NUTS chain that can be advanced in stages: `advance(n)` runs until n
 * iterations (warm-up then sampling) are complete, so several chains can meet
 * between stages; `windowReport` and `adopt` are how they exchange what they
 * learnt at a warm-up window end. `sampleChain` is one `advance(total)`.
 */
export class ChainRunner {
  readonly dim: number;
  /** Iterations this chain runs, warm-up and sampling together (grows with extend). */
  private totalIterations: number;
  private readonly options: ChainOptions;
  private readonly callbacks: ChainCallbacks;
  private readonly rng: PhiloxRng;
  private readonly kernel: NutsKernel;
  private readonly numWarmup: number;
  /** Draws asked for so far (grows with extend). */
  private numDraws: number;
  private progressEvery: number;
  private readonly initialPosition: Float64Array;
  private readonly scheme: WarmupScheme | null;
  private readonly warmupTrace: DrawStats;
  private readonly warmupDraws: Float64Array | null;
  private readonly windowDraws: WelfordVariance | WelfordCovariance;
  /** The current block of draws (all of them until the first extend) and its statistics. */
  private stats: DrawStats;
  private draws: Float64Array;
  /** Draws before the current block, and the gradients and divergences counted by then. */
  private blockStart = 0;
  private blockGradStart = 0;
  private blockDivStart = 0;
  private gradEvals = 0;
  private warmupGradEvals = 0;
  private state: NutsState;
  private tuning: Tuning;
  private warmupDivergences = 0;
  private divergences = 0;
  private completed = 0;
  private interrupted = false;
  private collectFrom = Number.POSITIVE_INFINITY;

  /**
   * `scheme` is the warm-up (a fresh one per chain, built for this chain's
   * dim and warm-up length); without it, the one `options.adaptation` names
   * (adaptation/warmupSchemes.ts). Unused when numWarmup is 0.
   */
  constructor(density: LogDensity, options: ChainOptions, callbacks: ChainCallbacks = {}, scheme?: WarmupScheme) {
    const dim = density.dim;
    this.dim = dim;
    this.options = options;
    this.callbacks = callbacks;
    const numWarmup = options.numWarmup ?? 1000;
    const numDraws = options.numDraws ?? 1000;
    const targetAccept = options.targetAccept ?? 0.8;
    const adaptation = options.adaptation ?? "stan-diag";
    const initialStepSize = options.initialStepSize ?? 1;
    checkCount("numWarmup", numWarmup);
    checkCount("numDraws", numDraws);
    if (!(targetAccept > 0 && targetAccept < 1)) throw new Error(`targetAccept must be in (0, 1), got ${targetAccept}`);
    if (!ADAPTATION_KINDS.includes(adaptation)) throw new Error(`unknown adaptation '${String(adaptation)}'`);
    if (!(initialStepSize > 0) || !Number.isFinite(initialStepSize)) {
      throw new Error(`initialStepSize must be positive and finite, got ${initialStepSize}`);
    }
    if (!(options.initialPosition instanceof Float64Array) || options.initialPosition.length !== dim) {
      throw new Error(`initialPosition must be a Float64Array of length ${dim}`);
    }
    const dense = isDenseAdaptation(adaptation);
    if (options.initialInverseMetric && options.initialInverseMetric.length !== (dense ? dim * dim : dim)) {
      throw new Error(`initialInverseMetric must have ${dense ? dim * dim : dim} entries`);
    }
    this.numWarmup = numWarmup;
    this.numDraws = numDraws;
    this.totalIterations = numWarmup + numDraws;
    this.progressEvery = Math.max(1, Math.ceil(this.total / 100));
    this.rng = new PhiloxRng(options.seed, options.chainId ?? 0);

    const counted = {
      dim,
      logp: (x: Float64Array) => density.logp(x),
      logpGrad: (x: Float64Array, g: Float64Array) => {
        this.gradEvals++;
        return density.logpGrad(x, g);
      },
    };
    const kernelOptions: { maxTreeDepth?: number; maxDeltaH?: number } = {};
    if (options.maxTreeDepth !== undefined) kernelOptions.maxTreeDepth = options.maxTreeDepth;
    if (options.maxDeltaH !== undefined) kernelOptions.maxDeltaH = options.maxDeltaH;
    this.kernel = createNutsKernel(counted, kernelOptions);

    const radius = options.initRadius ?? 0;
    const initOptions = options.maxInitTries !== undefined ? { maxTries: options.maxInitTries } : {};
    this.state = findInitialState(
      counted,
      radius > 0
        ? { kind: "jitter", position: options.initialPosition, radius }
        : { kind: "point", position: options.initialPosition },
      this.rng,
      initOptions,
    );
    this.initialPosition = Float64Array.from(this.state.position);

    if (numWarmup > 0) {
      this.scheme = scheme ?? createWarmupScheme(adaptation, dim, numWarmup, options);
      this.tuning = this.scheme.init(this.state, this.kernel, this.rng);
    } else {
      this.scheme = null;
      let metric: Metric;
      if (options.initialInverseMetric) {
        metric = dense ? new DenseMetric(options.initialInverseMetric, dim) : new DiagonalMetric(options.initialInverseMetric);
      } else {
        metric = dense ? DenseMetric.identity(dim) : DiagonalMetric.unit(dim);
      }
      this.tuning = { stepSize: initialStepSize, metric };
    }
    if (numWarmup === 0) this.warmupGradEvals = this.gradEvals;
    this.warmupTrace = allocStats(numWarmup);
    this.warmupDraws = options.keepWarmup ? new Float64Array(numWarmup * dim) : null;
    this.windowDraws = dense ? new WelfordCovariance(dim) : new WelfordVariance(dim);
    this.stats = allocStats(numDraws);
    this.draws = new Float64Array(numDraws * dim);
  }

  /** Iterations this chain runs, warm-up and sampling together (grows with extend). */
  get total(): number {
    return this.totalIterations;
  }

  /** Iterations completed so far, warm-up and sampling together. */
  get iteration(): number {
    return this.completed;
  }

  get wasInterrupted(): boolean {
    return this.interrupted;
  }

  /**
   * Runs until `until` iterations are complete (or the chain is stopped).
   * With `collectFrom`, the draws of warm-up iterations from that index on
   * are summarised for the next `windowReport`.
   */
  advance(until: number, collectFrom?: number): void {
    if (collectFrom !== undefined) {
      this.collectFrom = collectFrom;
      this.windowDraws.reset();
    }
    const end = Math.min(until, this.total);
    const { onProgress, shouldStop } = this.callbacks;
    while (this.completed < end && !this.interrupted) {
      if (shouldStop && shouldStop()) {
        this.interrupted = true;
        break;
      }
      const it = this.completed;
      if (it < this.numWarmup) this.warmupStep(it);
      else this.samplingStep(it - this.numWarmup - this.blockStart);
      this.completed = it + 1;
      if (onProgress && (this.completed % this.progressEvery === 0 || this.completed === this.total)) {
        const sampling = this.completed > this.numWarmup;
        onProgress(this.completed, sampling ? "sampling" : "warmup", sampling ? this.divergences : this.warmupDivergences);
      }
    }
  }

  private warmupStep(it: number): void {
    const { state, info } = this.kernel.step(this.state, this.tuning.stepSize, this.tuning.metric, this.rng);
    this.state = state;
    if (info.divergent) this.warmupDivergences++;
    recordStats(this.warmupTrace, it, info);
    if (this.warmupDraws) this.warmupDraws.set(state.position, it * this.dim);
    if (it >= this.collectFrom) this.windowDraws.add(state.position);
    this.tuning = this.scheme!.update(it, state, info, this.kernel, this.rng);
    if (it === this.numWarmup - 1) {
      this.tuning = this.scheme!.final();
      this.warmupGradEvals = this.gradEvals;
    }
  }

  private samplingStep(i: number): void {
    const { state, info } = this.kernel.step(this.state, this.tuning.stepSize, this.tuning.metric, this.rng);
    this.state = state;
    if (info.divergent) this.divergences++;
    recordStats(this.stats, i, info);
    this.draws.set(state.position, i * this.dim);
  }

  /**
   * Asks for `extra` more draws after those asked for so far, continuing the
   * chain where it is: the same state, step size, metric and random stream,
   * so the draws are those a chain asked for all of them at once would have
   * made. The next result() holds this block alone (draws, statistics,
   * sampling gradients and divergences from here on); the caller joins the
   * blocks (appendBlock). Only after every draw asked for so far is done.
   */
  extend(extra: number): void {
    checkCount("extra draws", extra);
    if (this.interrupted || this.completed < this.total) throw new Error("extend: the chain has not finished the draws asked for so far");
    this.blockStart = this.numDraws;
    this.blockGradStart = this.gradEvals;
    this.blockDivStart = this.divergences;
    this.numDraws += extra;
    this.totalIterations += extra;
    this.progressEvery = Math.max(1, Math.ceil(extra / 100));
    this.stats = allocStats(extra);
    this.draws = new Float64Array(extra * this.dim);
  }

  /** Summary of the warm-up draws collected since `advance(_, collectFrom)`. */
  windowReport(): WindowReport {
    const from = Math.min(this.collectFrom, this.completed);
    const to = Math.min(this.completed, this.numWarmup);
    let lpMean = 0;
    let lpM2 = 0;
    let logEps = 0;
    let divergences = 0;
    const t = this.warmupTrace;
    for (let i = from; i < to; i++) {
      const k = i - from + 1;
      const d = t.logp[i]! - lpMean;
      lpMean += d / k;
      lpM2 += d * (t.logp[i]! - lpMean);
      logEps += Math.log(t.stepSize[i]!);
      divergences += t.divergent[i]!;
    }
    const n = to - from;
    const w = this.windowDraws;
    return {
      chainId: this.options.chainId ?? 0,
      iteration: this.completed,
      count: w.count,
      mean: w.sampleMean(),
      m2: w.sumSquares(),
      logpMean: lpMean,
      logpVar: n > 1 ? lpM2 / (n - 1) : 0,
      logStepSizeMean: n > 0 ? logEps / n : 0,
      divergences,
      position: Float64Array.from(this.state.position),
      logp: this.state.logp,
    };
  }

  /**
   * Takes what the chains agreed at a window end: a new position (the chain
   * restarts there) and/or a shared inverse metric; the step size is then
   * found again and dual averaging restarts, as after Stan's own window end.
   * Only between warm-up windows of a Stan-style scheme; a `move` (moveTo)
   * is taken at any iteration.
   */
  adopt(directive: WindowDirective): void {
    if (directive.move) this.moveTo(directive.move);
    if ((!directive.position && !directive.inverseMetric) || this.interrupted) return;
    if (!this.scheme?.adopt || this.completed >= this.numWarmup) {
      throw new Error("adopt: only a Stan-style warm-up can take a shared metric or position, between windows");
    }
    if (directive.position) {
      const next = this.kernel.init(directive.position);
      if (!Number.isFinite(next.logp)) throw new Error("adopt: the new position has a non-finite log density");
      this.state = next;
    }
    this.tuning = this.scheme.adopt(this.state, this.kernel, this.rng, directive.inverseMetric);
  }

  /**
   * Continues from `position` with the step size, metric and adaptation state
   * as they are (a parallel-tempering swap; one gradient evaluation, counted).
   */
  moveTo(position: Float64Array): void {
    if (this.interrupted) return;
    const next = this.kernel.init(position);
    if (!Number.isFinite(next.logp)) throw new Error("move: the new position has a non-finite log density");
    this.state = next;
  }

  /** The chain so far; after extend, the current block's draws alone (see extend). */
  result(): ChainResult {
    const warmupDone = Math.min(this.completed, this.numWarmup);
    const first = this.blockStart === 0;
    const drawsDone = Math.max(0, this.completed - this.numWarmup - this.blockStart);
    const dim = this.dim;
    const blockDraws = this.numDraws - this.blockStart;
    const warmupGrad = !first ? 0 : warmupDone === this.numWarmup ? this.warmupGradEvals : this.gradEvals;
    const metric = this.tuning.metric;
    const result: ChainResult = {
      dim,
      seed: this.options.seed,
      chainId: this.options.chainId ?? 0,
      adaptation: this.options.adaptation ?? "stan-diag",
      numWarmup: warmupDone,
      numDraws: drawsDone,
      draws: drawsDone === blockDraws ? this.draws : this.draws.slice(0, drawsDone * dim),
      stats: drawsDone === blockDraws ? this.stats : truncateStats(this.stats, drawsDone),
      // A copy: a worker hands a result's arrays over (they leave its memory), and the chain may go on (extend).
      initialPosition: Float64Array.from(this.initialPosition),
      stepSize: this.tuning.stepSize,
      metric: { kind: metric.kind, inverseMetric: metric.inverseMetric() },
      gradientEvaluations: { warmup: warmupGrad, sampling: this.gradEvals - (first ? warmupGrad : this.blockGradStart) },
      divergences: { warmup: first ? this.warmupDivergences : 0, sampling: this.divergences - this.blockDivStart },
      interrupted: this.interrupted,
    };
    if (this.warmupDraws && first) {
      const full = warmupDone === this.numWarmup;
      result.warmupStats = full ? this.warmupTrace : truncateStats(this.warmupTrace, warmupDone);
      result.warmupDraws = full ? this.warmupDraws : this.warmupDraws.slice(0, warmupDone * dim);
    }
    return result;
  }
}

/**
 * Runs one NUTS chain: initialisation, warm-up with the given scheme (or the one options.adaptation names),
 * then sampling with the frozen step size and metric. Every random number
 * comes from the Philox stream (seed, chainId), so identical inputs give
 * bit-identical output.
 */
export function sampleChain(density: LogDensity, options: ChainOptions, callbacks: ChainCallbacks = {}, scheme?: WarmupScheme): ChainResult {
  const runner = new ChainRunner(density, options, callbacks, scheme);
  runner.advance(runner.total);
  return runner.result();
}
