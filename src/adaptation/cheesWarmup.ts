// The ChEES warm-up of many lockstep chains (Hoffman, Radul & Sountsov 2021,
// with a step size per chain; src/sampler/lockstep/README.md says why), in the
// {init, update, final} shape of the NUTS warm-ups beside it: `init` once at
// the starting states, `plan` and `update` around every warm-up transition,
// `final` once at the end; the tuning is then frozen.
import { median } from "../diagnostics/quantile.js";
import { log as portableLog } from "../math/portable.js";
import { vanDerCorput } from "../sampler/lockstep/halton.js";
import { lockstepSteps } from "../sampler/lockstep/transition.js";
import { ScalarAdam } from "./adam.js";
import { cheesGradient } from "./cheesCriterion.js";
import { CrossChainVariance } from "./crossChainVariance.js";
import { DualAveraging } from "./dualAveraging.js";
import { initStepSizes } from "./stepSizeInit.js";

/** What the lockstep sampler reads before each transition: live buffers, changed only by the scheme. */
export interface LockstepTuning {
  /** Per chain: its leapfrog step size, [chains]. */
  stepSizes: Float64Array;
  /** Shared diagonal inverse metric, [dim]. */
  inverseMetric: Float64Array;
  /** Shared (unjittered) trajectory length T. */
  trajectoryLength: number;
}

/** One warm-up transition, as the scheme learns from it (proposal buffers before accept/reject, states after). */
export interface LockstepObservation {
  /** States before the transition, proposals and the momenta at their ends, [chains][dim]. */
  previous: Float64Array;
  proposed: Float64Array;
  momenta: Float64Array;
  /** Per chain: acceptance probability of the proposal. */
  acceptProb: Float64Array;
  /** States and log-densities after accept/reject. */
  positions: Float64Array;
  logps: Float64Array;
}

/** Options, already checked (services/lockstepChains.ts checks and defaults them). */
export interface CheesWarmupOptions {
  numWarmup: number;
  targetAccept: number;
  maxSteps: number;
  initialStepSize: number;
  initialTrajectoryLength?: number;
  initialInverseMetric?: Float64Array;
  /** Adam learning rate for log T. */
  learningRate: number;
  adaptMetric: boolean;
  metricSpread: "mad" | "variance" | "typical";
  finalStepSize: "pooled" | "per-chain";
  burnIn?: number;
  burnInSteps: number;
}

/**
 * Warm-up, in order:
 *  - eps_c: Stan's initial heuristic per chain, then dual averaging (Stan's
 *    constants) on chain c's own acceptance probability, so a stuck chain
 *    shrinks only its own step size;
 *  - burn-in (first 15%): 1..burnInSteps steps (jittered), nothing else
 *    adapted, so chains started at very low density shed their energy every
 *    few steps instead of carrying it across the space;
 *  - log T by Adam (beta1 = 0, beta2 = 0.95) ascending log ChEES (chain c's
 *    own time factor u eps_c / median eps), each update clipped to +-0.35,
 *    the iterates averaged (weight t^-1/2) for sampling, capped at
 *    median eps maxSteps;
 *  - the inverse metric from the spread across chains (crossChainVariance.ts),
 *    re-estimated every iteration from 10% of the post-burn-in warm-up to 75%
 *    of warm-up, then frozen; dual averaging and the T average restart then;
 *  - in that final window each chain's step size restarts towards its current
 *    size (Stan's 10x start diverges every chain at a fixed trajectory
 *    length); finalStepSize "pooled" gives all chains one size instead.
 */
export class CheesWarmup {
  readonly tuning: LockstepTuning;
  /** Burn-in iterations (short trajectories, nothing but the step sizes adapted). */
  readonly burnIn: number;
  private readonly options: CheesWarmupOptions;
  private readonly chains: number;
  private readonly dim: number;
  private readonly duals: DualAveraging[];
  private readonly pooled: DualAveraging;
  private pooledActive = false;
  private readonly adam: ScalarAdam;
  private logTAverage = 0;
  private averageCount = 0;
  private readonly metricStart: number;
  private readonly metricEnd: number;
  private readonly variance: CrossChainVariance | null;
  private readonly timeFactor: Float64Array;
  /** The jitter and median step size of the iteration planned last. */
  private jitter = 0;
  private medianStepSize = 0;

  constructor(dim: number, chains: number, options: CheesWarmupOptions) {
    this.dim = dim;
    this.chains = chains;
    this.options = options;
    const inverseMetric = new Float64Array(dim).fill(1);
    if (options.initialInverseMetric) inverseMetric.set(options.initialInverseMetric);
    this.tuning = { stepSizes: new Float64Array(chains).fill(options.initialStepSize), inverseMetric, trajectoryLength: 0 };
    this.duals = Array.from({ length: chains }, () => new DualAveraging({ delta: options.targetAccept }));
    this.pooled = new DualAveraging({ delta: options.targetAccept });
    this.adam = new ScalarAdam({ rate: options.learningRate, beta1: 0, beta2: 0.95, maxUpdate: 0.35 });
    const numWarmup = options.numWarmup;
    this.burnIn = Math.min(numWarmup, options.burnIn ?? Math.floor(0.15 * numWarmup));
    this.metricStart = this.burnIn + Math.floor(0.1 * (numWarmup - this.burnIn));
    this.metricEnd = Math.floor(0.75 * numWarmup);
    const spread = options.metricSpread;
    this.variance = options.adaptMetric && numWarmup > 0 ? new CrossChainVariance(dim, chains, { robust: spread === "mad", typical: spread === "typical" }) : null;
    this.timeFactor = new Float64Array(chains);
  }

  /**
   * Initial step sizes by Stan's heuristic, every chain's own search on its
   * own single-step energy change (`probe` runs one step of each chain's size
   * and returns H0 - H per chain; no chain moves). Without warm-up the given
   * step size stays. Returns the probes run (each of all chains).
   */
  async init(probe: (stepSizes: Float64Array) => Promise<Float64Array>): Promise<number> {
    const { stepSizes } = this.tuning;
    const probes = this.options.numWarmup > 0 ? await initStepSizes(stepSizes, probe) : 0;
    this.tuning.trajectoryLength = this.options.initialTrajectoryLength ?? Math.max(median(stepSizes), 1);
    for (let c = 0; c < this.chains; c++) this.duals[c]!.init(stepSizes[c]!);
    return probes;
  }

  /** Leapfrog steps of warm-up iteration `iteration`, and the median step size they are counted from. */
  plan(iteration: number): { steps: number; medianStepSize: number } {
    this.jitter = vanDerCorput(iteration);
    // The step sizes change only after the transition: one median serves the whole iteration.
    this.medianStepSize = median(this.tuning.stepSizes);
    const steps =
      iteration < this.burnIn
        ? Math.ceil(this.jitter * this.options.burnInSteps)
        : lockstepSteps(this.jitter, this.tuning.trajectoryLength, this.medianStepSize, this.options.maxSteps);
    return { steps, medianStepSize: this.medianStepSize };
  }

  /** Learns from warm-up transition `iteration` (planned by `plan`). */
  update(iteration: number, o: LockstepObservation): void {
    const burning = iteration < this.burnIn;
    if (!burning) this.updateTrajectoryLength(o);
    const { stepSizes } = this.tuning;
    // Until the final window each chain's step size learns from its own acceptance: a stuck chain cannot shrink the others'.
    if (this.pooledActive) {
      let meanAccept = 0;
      for (let c = 0; c < this.chains; c++) meanAccept += o.acceptProb[c]! / this.chains;
      stepSizes.fill(this.pooled.update(meanAccept));
    } else {
      for (let c = 0; c < this.chains; c++) stepSizes[c] = this.duals[c]!.update(o.acceptProb[c]!);
    }
    if (this.variance && !burning && iteration < this.metricEnd) {
      // After metricEnd - 1 the metric is frozen: nothing reads later observations.
      this.variance.observe(o.positions, o.logps);
      if (iteration >= this.metricStart) this.variance.estimate(this.tuning.inverseMetric);
      if (iteration === this.metricEnd - 1) this.restartForFinalMetric();
    }
  }

  /** One Adam step on log T from the proposals (before they are accepted). */
  private updateTrajectoryLength(o: LockstepObservation): void {
    const { stepSizes } = this.tuning;
    // Chain c ran for steps * eps_c ~ u T eps_c / median eps, so d x'_c / d T = (u eps_c / median eps) v'_c.
    for (let c = 0; c < this.chains; c++) this.timeFactor[c] = (this.jitter * stepSizes[c]!) / this.medianStepSize;
    const chees = cheesGradient({
      dim: this.dim,
      chains: this.chains,
      previous: o.previous,
      proposed: o.proposed,
      momenta: o.momenta,
      acceptProb: o.acceptProb,
      invMetric: this.tuning.inverseMetric,
      jitter: this.timeFactor,
    });
    // The ascent direction is d log ChEES / d log T = T ChEES' / ChEES: scale-free, so the huge criterion
    // values of chains still far from the typical set cannot swamp Adam's second-moment average.
    const T = this.tuning.trajectoryLength;
    const logGradient = chees.value > 0 ? (T * chees.gradient) / chees.value : 0;
    this.tuning.trajectoryLength = Math.exp(Math.log(T) + this.adam.step(logGradient));
    this.averageCount++;
    const weight = 1 / Math.sqrt(this.averageCount);
    this.logTAverage = (1 - weight) * this.logTAverage + weight * Math.log(this.tuning.trajectoryLength);
  }

  /**
   * The metric is final: tune step sizes and T afresh for it. Dual averaging
   * restarts shrinking towards each chain's current step size, not Stan's
   * 10x: its first iterate lands near mu, and ten times the step size for the
   * same trajectory length diverged in every chain on the geo example.
   */
  private restartForFinalMetric(): void {
    const { stepSizes } = this.tuning;
    if (this.options.finalStepSize === "pooled") {
      // All chains are in the typical set now and sample one distribution: one step size for all, from the median of theirs.
      this.pooledActive = true;
      this.pooled.setMu(portableLog(median(stepSizes)));
      this.pooled.restart();
      stepSizes.fill(median(stepSizes));
    } else {
      for (let c = 0; c < this.chains; c++) {
        this.duals[c]!.setMu(portableLog(stepSizes[c]!));
        this.duals[c]!.restart();
      }
    }
    this.averageCount = 0;
    this.logTAverage = 0;
  }

  /** After the last warm-up iteration: the averaged step sizes and T, frozen for sampling. */
  final(): LockstepTuning {
    const { stepSizes } = this.tuning;
    if (this.pooledActive) stepSizes.fill(this.pooled.final(stepSizes[0]!));
    else for (let c = 0; c < this.chains; c++) stepSizes[c] = this.duals[c]!.final(stepSizes[c]!);
    const T = this.averageCount > 0 ? Math.exp(this.logTAverage) : this.tuning.trajectoryLength;
    this.tuning.trajectoryLength = Math.min(T, median(stepSizes) * this.options.maxSteps);
    return this.tuning;
  }
}
