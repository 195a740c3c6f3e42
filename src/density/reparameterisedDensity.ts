// A density sampled in other coordinates than its own: an exact change of
// variables u = map(v) with the log-Jacobian added, so the distribution of
// u = map(v) under the new density is exactly the old one. Generic: the map
// (e.g. model/samplingCoordinates.ts) knows the model; this file does not.

import type { LogDensity } from "./types.js";

/** A smooth bijection from sampling coordinates v to a density's own coordinates u. */
export interface CoordinateMap {
  readonly dim: number;
  /** Writes u = map(v); returns log |det du/dv| at v. */
  toModel(v: ArrayLike<number>, u: Float64Array): number;
  /** Writes v = map^-1(u). */
  fromModel(u: ArrayLike<number>, v: Float64Array): void;
  /**
   * Writes the gradient in v of (f(map(v)) + log |det du/dv|) into gradV,
   * given u = map(v) and gradU, the gradient of f at u. Called right after
   * toModel(v, u) with the same v: it may reuse what toModel computed there.
   */
  pullBack(v: ArrayLike<number>, u: ArrayLike<number>, gradU: ArrayLike<number>, gradV: Float64Array): void;
}

/** `inner` seen through `map`: logp(v) = inner.logp(map(v)) + log |det dmap/dv|. Allocates nothing per call. */
export class ReparameterisedDensity implements LogDensity {
  readonly dim: number;
  private readonly u: Float64Array;
  private readonly gradU: Float64Array;

  constructor(
    readonly inner: LogDensity,
    readonly map: CoordinateMap,
  ) {
    if (map.dim !== inner.dim) throw new Error(`coordinate map of dimension ${map.dim} for a density of dimension ${inner.dim}`);
    this.dim = inner.dim;
    this.u = new Float64Array(this.dim);
    this.gradU = new Float64Array(this.dim);
  }

  logp(position: Float64Array): number {
    const logJacobian = this.map.toModel(position, this.u);
    const lp = this.inner.logp(this.u) + logJacobian;
    return Number.isNaN(lp) ? -Infinity : lp;
  }

  logpGrad(position: Float64Array, gradient: Float64Array): number {
    const logJacobian = this.map.toModel(position, this.u);
    const lp = this.inner.logpGrad(this.u, this.gradU) + logJacobian;
    // Outside the support the gradient means nothing: the sampler rejects the point on lp alone.
    if (!Number.isFinite(lp)) return Number.isNaN(lp) ? -Infinity : lp;
    this.map.pullBack(position, this.u, this.gradU, gradient);
    return lp;
  }
}
