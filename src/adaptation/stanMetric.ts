import { WelfordCovariance, WelfordVariance } from "./welford.js";
import { StanWindowSchedule, type WindowOptions } from "./windows.js";

/**
 * Stan's regularisation of a metric estimated from n draws, in place:
 * (n / (n + 5)) S + 1e-3 (5 / (n + 5)) I, with S a variance (dense false,
 * length dim) or a row-major dim x dim covariance.
 */
export function regulariseMetric(s: Float64Array, n: number, dim: number, dense: boolean): Float64Array {
  const a = n / (n + 5);
  const b = 1e-3 * (5 / (n + 5));
  if (dense) {
    for (let k = 0; k < s.length; k++) s[k] = a * s[k]!;
    for (let i = 0; i < dim; i++) s[i * dim + i] = s[i * dim + i]! + b;
  } else {
    for (let i = 0; i < dim; i++) s[i] = a * s[i]! + b;
  }
  return s;
}

/**
 * Stan's windowed metric adaptation: the draws of each slow window feed a
 * Welford estimator; at the window's end its estimate, regularised
 * (regulariseMetric), becomes the inverse metric, and the estimator restarts
 * for the next window.
 */
abstract class StanWindowedMetricAdapter<E extends { add(x: Float64Array): void; readonly count: number; reset(): void }> {
  readonly schedule: StanWindowSchedule;

  protected constructor(
    readonly dim: number,
    numWarmup: number,
    windows: WindowOptions,
    protected readonly estimator: E,
    private readonly dense: boolean,
  ) {
    this.schedule = new StanWindowSchedule(numWarmup, windows);
  }

  /** The estimator's current estimate, a fresh array. */
  protected abstract estimate(): Float64Array;

  /**
   * Feeds the draw of the current warm-up iteration. Returns the new inverse
   * metric when this iteration closes a window, otherwise null.
   */
  update(position: Float64Array): Float64Array | null {
    const s = this.schedule;
    if (s.inWindow()) this.estimator.add(position);
    if (s.isWindowEnd()) {
      s.computeNextWindow();
      const n = this.estimator.count;
      const metric = regulariseMetric(this.estimate(), n, this.dim, this.dense);
      this.estimator.reset();
      s.advance();
      return metric;
    }
    s.advance();
    return null;
  }
}

/** Stan's windowed diagonal metric adaptation (var_adaptation): (n / (n + 5)) var + 1e-3 (5 / (n + 5)). */
export class StanDiagMetricAdapter extends StanWindowedMetricAdapter<WelfordVariance> {
  constructor(dim: number, numWarmup: number, windows: WindowOptions = {}) {
    super(dim, numWarmup, windows, new WelfordVariance(dim), false);
  }

  protected estimate(): Float64Array {
    return this.estimator.variance();
  }
}

/**
 * Stan's windowed dense metric adaptation (covar_adaptation), returning a
 * row-major dim x dim matrix: (n / (n + 5)) Sigma + 1e-3 (5 / (n + 5)) I.
 */
export class StanDenseMetricAdapter extends StanWindowedMetricAdapter<WelfordCovariance> {
  constructor(dim: number, numWarmup: number, windows: WindowOptions = {}) {
    super(dim, numWarmup, windows, new WelfordCovariance(dim), true);
  }

  protected estimate(): Float64Array {
    return this.estimator.covariance();
  }
}
