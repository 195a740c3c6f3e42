/**
 * Nesterov dual averaging of log(step size) (Hoffman & Gelman 2014, Alg. 5),
 * with Stan's conventions: after each transition
 *
 *   t += 1;  a = min(1, acceptStat)
 *   sBar = (1 - 1/(t + t0)) sBar + (delta - a) / (t + t0)
 *   x    = mu - sBar sqrt(t) / gamma;           step size = exp(x)
 *   xBar = (1 - t^-kappa) xBar + t^-kappa x;   final step size = exp(xBar)
 *
 * `restart` zeroes (t, sBar, xBar); mu is the shrinkage target, log(10 eps).
 */

import * as portable from "../math/portable.js";
export interface DualAveragingOptions {
  /** Target acceptance statistic (default 0.8). */
  delta?: number;
  /** Shrinkage strength (default 0.05). */
  gamma?: number;
  /** Iteration offset stabilising early iterations (default 10). */
  t0?: number;
  /** Averaging decay exponent (default 0.75). */
  kappa?: number;
}

export class DualAveraging {
  readonly delta: number;
  readonly gamma: number;
  readonly t0: number;
  readonly kappa: number;
  mu = 0;
  counter = 0;
  sBar = 0;
  xBar = 0;

  constructor(options: DualAveragingOptions = {}) {
    this.delta = options.delta ?? 0.8;
    this.gamma = options.gamma ?? 0.05;
    this.t0 = options.t0 ?? 10;
    this.kappa = options.kappa ?? 0.75;
    if (!(this.delta > 0 && this.delta < 1)) throw new Error(`target acceptance must be in (0, 1), got ${this.delta}`);
    if (!(this.gamma > 0)) throw new Error(`gamma must be positive, got ${this.gamma}`);
    if (!(this.t0 >= 0)) throw new Error(`t0 must be non-negative, got ${this.t0}`);
    if (!(this.kappa > 0 && this.kappa <= 1)) throw new Error(`kappa must be in (0, 1], got ${this.kappa}`);
  }

  /** Sets mu = log(10 * stepSize) and restarts the averages. */
  init(stepSize: number): void {
    this.setMu(portable.log(10 * stepSize));
    this.restart();
  }

  setMu(mu: number): void {
    this.mu = mu;
  }

  restart(): void {
    this.counter = 0;
    this.sBar = 0;
    this.xBar = 0;
  }

  /** Learns from one acceptance statistic; returns the next step size exp(x). */
  update(acceptStat: number): number {
    this.counter++;
    // A NaN statistic (cannot happen with finite H0) is read as a rejection.
    const a = acceptStat > 1 ? 1 : acceptStat === acceptStat ? acceptStat : 0;
    const eta = 1 / (this.counter + this.t0);
    this.sBar = (1 - eta) * this.sBar + eta * (this.delta - a);
    const x = this.mu - (this.sBar * Math.sqrt(this.counter)) / this.gamma;
    const xEta = portable.powPositive(this.counter, -this.kappa);
    this.xBar = (1 - xEta) * this.xBar + xEta * x;
    return portable.exp(x);
  }

  /** The adapted step size exp(xBar); `fallback` if nothing was learned since the last restart. */
  final(fallback: number): number {
    return this.counter > 0 ? portable.exp(this.xBar) : fallback;
  }
}
