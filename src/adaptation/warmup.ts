import type { Rng } from "../rng/random.js";
import type { NutsKernel } from "../sampler/kernel.js";
import { LowRankMetric } from "../sampler/lowRankMetric.js";
import { DenseMetric, DiagonalMetric } from "../sampler/metric.js";
import type { Metric, NutsInfo, NutsState } from "../sampler/types.js";
import type { InitialMetric } from "../sampler/chain.js";
import { DualAveraging, type DualAveragingOptions } from "./dualAveraging.js";
import { LowRankMetricAdapter, type LowRankAdapterOptions } from "./lowRankAdapter.js";
import { inverseMetricFromGradient, NutpieDiagMetricAdapter, type NutpieOptions } from "./nutpieMetric.js";
import { StanDenseMetricAdapter, StanDiagMetricAdapter } from "./stanMetric.js";
import { initStepSize } from "./stepSizeInit.js";
import type { WindowOptions } from "./windows.js";

/** Tuning parameters that the sampler reads before each transition. */
export interface Tuning {
  stepSize: number;
  metric: Metric;
}

/**
 * A warm-up scheme wrapped around the kernel from outside:
 * `init` once at the initial state, `update` after every warm-up transition,
 * `final` once at the end of warm-up (the result is then frozen).
 */
export interface WarmupScheme {
  init(state: NutsState, kernel: NutsKernel, rng: Rng): Tuning;
  update(iteration: number, state: NutsState, info: NutsInfo, kernel: NutsKernel, rng: Rng): Tuning;
  final(): Tuning;
  /**
   * Between warm-up windows, for schemes whose chains meet at window ends
   * ("pooled-*"): continue from `state` with `inverseMetric` if given (see
   * StanWarmup.adopt). Schemes without it cannot take a shared metric.
   */
  adopt?(state: NutsState, kernel: NutsKernel, rng: Rng, inverseMetric?: Float64Array): Tuning;
}

export interface StanWarmupOptions extends WindowOptions, Omit<DualAveragingOptions, "delta"> {
  /** Target acceptance statistic, Stan's adapt_delta (default 0.8). */
  targetAccept?: number;
  /** Initial step size before the heuristic (default 1). */
  initialStepSize?: number;
  /** Initial inverse metric (diag: dim entries; dense: dim*dim row-major). Default identity. */
  initialInverseMetric?: Float64Array;
  /**
   * Without initialInverseMetric: "unit" (Stan's identity, the default) or "gradient" (the diagonal
   * 1 / |grad| at the chain's start, nutpie's first guess). The first window then runs with coordinates
   * already on roughly their own scales, where the identity makes its trajectories run to the tree-depth cap.
   */
  initialMetric?: InitialMetric;
}

/** The dim x dim row-major matrix with `diag` on its diagonal. */
function diagonalMatrix(diag: Float64Array): Float64Array {
  const n = diag.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = diag[i]!;
  return out;
}

function probeFor(kernel: NutsKernel, state: NutsState, metric: Metric, rng: Rng): (eps: number) => number {
  return (eps) => kernel.energyChange(state, eps, metric, rng);
}

/** Dual averaging towards the target acceptance (default 0.8), with any of its constants the options set. */
function dualAveragingFor(options: Omit<DualAveragingOptions, "delta"> & { targetAccept?: number }): DualAveraging {
  const daOptions: DualAveragingOptions = { delta: options.targetAccept ?? 0.8 };
  if (options.gamma !== undefined) daOptions.gamma = options.gamma;
  if (options.t0 !== undefined) daOptions.t0 = options.t0;
  if (options.kappa !== undefined) daOptions.kappa = options.kappa;
  return new DualAveraging(daOptions);
}

/**
 * Stan's warm-up (adapt_diag_e_nuts / adapt_dense_e_nuts): the step-size
 * heuristic at the start; after every transition dual averaging learns from
 * the acceptance statistic, then the windowed metric estimator sees the draw;
 * when a slow window closes, the metric is replaced, the step-size heuristic
 * is re-run from the current step size, mu = log(10 eps) and dual averaging
 * restarts. At the end the step size is exp(xBar).
 *
 * As in Stan's services, the dual averaging target mu before the first window
 * is log(10 * initialStepSize) (the user's step size, default 1), not the
 * heuristic's result.
 */
export class StanWarmup implements WarmupScheme {
  readonly dense: boolean;
  private readonly dim: number;
  private readonly adapter: StanDiagMetricAdapter | StanDenseMetricAdapter;
  private readonly da: DualAveraging;
  private readonly initialStepSize: number;
  private readonly initialInverseMetric: Float64Array | undefined;
  private readonly initialMetric: InitialMetric;
  private stepSize = 1;
  private metric!: Metric;
  /** Number of metric updates so far. */
  metricUpdates = 0;

  constructor(dim: number, numWarmup: number, dense: boolean, options: StanWarmupOptions = {}) {
    this.dim = dim;
    this.dense = dense;
    const windows: WindowOptions = {};
    if (options.initBuffer !== undefined) windows.initBuffer = options.initBuffer;
    if (options.termBuffer !== undefined) windows.termBuffer = options.termBuffer;
    if (options.baseWindow !== undefined) windows.baseWindow = options.baseWindow;
    this.adapter = dense
      ? new StanDenseMetricAdapter(dim, numWarmup, windows)
      : new StanDiagMetricAdapter(dim, numWarmup, windows);
    this.da = dualAveragingFor(options);
    this.initialStepSize = options.initialStepSize ?? 1;
    this.initialInverseMetric = options.initialInverseMetric;
    this.initialMetric = options.initialMetric ?? "unit";
  }

  private makeMetric(inv: Float64Array): Metric {
    return this.dense ? new DenseMetric(inv, this.dim) : new DiagonalMetric(inv);
  }

  init(state: NutsState, kernel: NutsKernel, rng: Rng): Tuning {
    if (this.initialInverseMetric) this.metric = this.makeMetric(this.initialInverseMetric);
    else if (this.initialMetric === "gradient") {
      const diag = inverseMetricFromGradient(state.gradient);
      this.metric = this.dense ? new DenseMetric(diagonalMatrix(diag), this.dim) : new DiagonalMetric(diag);
    } else this.metric = this.dense ? DenseMetric.identity(this.dim) : DiagonalMetric.unit(this.dim);
    this.da.init(this.initialStepSize);
    this.stepSize = initStepSize(probeFor(kernel, state, this.metric, rng), this.initialStepSize);
    return { stepSize: this.stepSize, metric: this.metric };
  }

  update(_iteration: number, state: NutsState, info: NutsInfo, kernel: NutsKernel, rng: Rng): Tuning {
    this.stepSize = this.da.update(info.acceptStat);
    const inv = this.adapter.update(state.position);
    if (inv !== null) {
      this.metric = this.makeMetric(inv);
      this.metricUpdates++;
      this.stepSize = initStepSize(probeFor(kernel, state, this.metric, rng), this.stepSize);
      this.da.init(this.stepSize);
    }
    return { stepSize: this.stepSize, metric: this.metric };
  }

  final(): Tuning {
    this.stepSize = this.da.final(this.stepSize);
    return { stepSize: this.stepSize, metric: this.metric };
  }

  /**
   * At a window end, after `update`: continue from `state` (a restarted
   * chain's new position) with `inverseMetric` if given (a metric shared by
   * the chains); the step size is found again and dual averaging restarts,
   * exactly as after the scheme's own metric update.
   */
  adopt(state: NutsState, kernel: NutsKernel, rng: Rng, inverseMetric?: Float64Array): Tuning {
    if (inverseMetric) {
      if (inverseMetric.length !== (this.dense ? this.dim * this.dim : this.dim)) {
        throw new Error("adopt: the inverse metric has the wrong size");
      }
      this.metric = this.makeMetric(Float64Array.from(inverseMetric));
    }
    this.stepSize = initStepSize(probeFor(kernel, state, this.metric, rng), this.stepSize);
    this.da.init(this.stepSize);
    return { stepSize: this.stepSize, metric: this.metric };
  }
}

export interface NutpieWarmupOptions extends NutpieOptions, Omit<DualAveragingOptions, "delta"> {
  targetAccept?: number;
  /** Initial step size before the heuristic (default 1). */
  initialStepSize?: number;
}

/** A metric adapted from draws and gradients after every transition (nutpie's schedule). */
interface GradientMetricSource {
  readonly updates: number;
  init(position: Float64Array, gradient: Float64Array): Metric;
  update(iteration: number, position: Float64Array, gradient: Float64Array): Metric | null;
}

/**
 * nutpie-style warm-up: metric from a gradient-informed adapter (diagonal:
 * NutpieDiagMetricAdapter, initialised from 1/|grad|, updated after every
 * draw from switching estimators, frozen for the final 15%; or the low-rank
 * one on the same schedule); step size from Stan's heuristic at the start,
 * again at the first metric update (after which dual averaging is
 * re-initialised with mu = log(10 eps)), and otherwise dual averaging after
 * every transition without restarts. At the end the step size is exp(xBar).
 */
export class NutpieWarmup implements WarmupScheme {
  private readonly source: GradientMetricSource;
  private readonly da: DualAveraging;
  private readonly initialStepSize: number;
  private stepSize = 1;
  private metric!: Metric;
  private firstUpdateDone = false;

  constructor(dim: number, numWarmup: number, options: NutpieWarmupOptions = {}, source?: GradientMetricSource) {
    this.source = source ?? diagonalSource(new NutpieDiagMetricAdapter(dim, numWarmup, options));
    this.da = dualAveragingFor(options);
    this.initialStepSize = options.initialStepSize ?? 1;
  }

  /** Number of metric updates so far. */
  get metricUpdates(): number {
    return this.source.updates;
  }

  init(state: NutsState, kernel: NutsKernel, rng: Rng): Tuning {
    this.metric = this.source.init(state.position, state.gradient);
    this.stepSize = initStepSize(probeFor(kernel, state, this.metric, rng), this.initialStepSize);
    this.da.init(this.stepSize);
    return { stepSize: this.stepSize, metric: this.metric };
  }

  update(iteration: number, state: NutsState, info: NutsInfo, kernel: NutsKernel, rng: Rng): Tuning {
    const next = this.source.update(iteration, state.position, state.gradient);
    if (next !== null) this.metric = next;
    if (next !== null && !this.firstUpdateDone) {
      this.firstUpdateDone = true;
      this.stepSize = initStepSize(probeFor(kernel, state, this.metric, rng), this.stepSize);
      this.da.init(this.stepSize);
    } else {
      this.stepSize = this.da.update(info.acceptStat);
    }
    return { stepSize: this.stepSize, metric: this.metric };
  }

  final(): Tuning {
    this.stepSize = this.da.final(this.stepSize);
    return { stepSize: this.stepSize, metric: this.metric };
  }
}

function diagonalSource(adapter: NutpieDiagMetricAdapter): GradientMetricSource {
  return {
    get updates() {
      return adapter.updates;
    },
    init: (position, gradient) => new DiagonalMetric(adapter.init(position, gradient)),
    update: (iteration, position, gradient) => {
      const inv = adapter.update(iteration, position, gradient);
      return inv === null ? null : new DiagonalMetric(inv);
    },
  };
}

export interface LowRankWarmupOptions extends NutpieWarmupOptions, Omit<LowRankAdapterOptions, keyof NutpieOptions | "gamma"> {
  /** Ridge per draw of the low-rank estimate (lowRankEstimate.ts; default 1e-5). */
  ridge?: number;
}

/**
 * The low-rank plus diagonal warm-up ("lowrank"): nutpie's schedule and step
 * size (NutpieWarmup) with the metric of LowRankMetricAdapter.
 */
export function lowRankWarmup(dim: number, numWarmup: number, options: LowRankWarmupOptions = {}): NutpieWarmup {
  const adapterOptions: LowRankAdapterOptions = {};
  for (const key of ["earlyWindow", "stepSizeWindow", "switchFreq", "earlySwitchFreq", "cutoff", "maxRank", "updateEvery"] as const) {
    if (options[key] !== undefined) adapterOptions[key] = options[key];
  }
  if (options.ridge !== undefined) adapterOptions.gamma = options.ridge;
  const adapter = new LowRankMetricAdapter(dim, numWarmup, adapterOptions);
  const source: GradientMetricSource = {
    get updates() {
      return adapter.updates;
    },
    init: (position, gradient) => new LowRankMetric(adapter.init(position, gradient)),
    update: (iteration, position, gradient) => {
      const est = adapter.update(iteration, position, gradient);
      return est === null ? null : new LowRankMetric(est.sigma2, est.values, est.directions);
    },
  };
  return new NutpieWarmup(dim, numWarmup, options, source);
}
