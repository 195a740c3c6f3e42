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
 * Stan's windowed diagonal metric adaptation (var_adaptation): the draws of
 * each slow window feed a Welford variance; at the window's end the inverse
 * metric becomes
 *
 *   (n / (n + 5)) var + 1e-3 (5 / (n + 5))
 *
 * and the estimator restarts for the next window.
 */
export class StanDiagMetricAdapter {
  readonly dim: number;
  readonly schedule: StanWindowSchedule;
  private readonly estimator: WelfordVariance;

  constructor(dim: number, numWarmup: number, windows: WindowOptions = {}) {
    this.dim = dim;
    this.schedule = new StanWindowSchedule(numWarmup, windows);
    this.estimator = new WelfordVariance(dim);
  }

  /**
   * Feeds the draw of the current warm-up iteration. Returns the new inverse
   * metric diagonal when this iteration closes a window, otherwise null.
   */
  update(position: Float64Array): Float64Array | null {
    const s = this.schedule;
    if (s.inWindow()) this.estimator.add(position);
    if (s.isWindowEnd()) {
      s.computeNextWindow();
      const n = this.estimator.count;
      const v = this.estimator.variance();
      regulariseMetric(v, n, this.dim, false);
      this.estimator.reset();
      s.advance();
      return v;
    }
    s.advance();
    return null;
  }
}

/**
 * Stan's windowed dense metric adaptation (covar_adaptation): as the diagonal
 * one with a Welford covariance, regularised as
 *
 *   (n / (n + 5)) Sigma + 1e-3 (5 / (n + 5)) I.
 */
export class StanDenseMetricAdapter {
  readonly dim: number;
  readonly schedule: StanWindowSchedule;
  private readonly estimator: WelfordCovariance;

  constructor(dim: number, numWarmup: number, windows: WindowOptions = {}) {
    this.dim = dim;
    this.schedule = new StanWindowSchedule(numWarmup, windows);
    this.estimator = new WelfordCovariance(dim);
  }

  /** As StanDiagMetricAdapter.update, returning a row-major dim x dim matrix. */
  update(position: Float64Array): Float64Array | null {
    const s = this.schedule;
    if (s.inWindow()) this.estimator.add(position);
    if (s.isWindowEnd()) {
      s.computeNextWindow();
      const n = this.estimator.count;
      const d = this.dim;
      const c = this.estimator.covariance();
      regulariseMetric(c, n, d, true);
      this.estimator.reset();
      s.advance();
      return c;
    }
    s.advance();
    return null;
  }
}
