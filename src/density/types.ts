/**
 * The contract between a model and any algorithm that consumes it (the sampler,
 * the optimizer's tests, finite-difference checks). It knows nothing of
 * marketing: a density is a function of an unconstrained real vector.
 */
export interface LogDensity {
  /** Number of unconstrained parameters. */
  readonly dim: number;
  /**
   * Log-density (up to nothing: full constants) at `position`, including the
   * log-Jacobian of the unconstraining transforms. Returns -Infinity (never
   * NaN) where the density is zero or cannot be evaluated.
   */
  logp(position: Float64Array): number;
  /**
   * Log-density at `position`; writes its gradient into the caller-owned
   * `gradient` (length `dim`). Allocates nothing.
   */
  logpGrad(position: Float64Array, gradient: Float64Array): number;
}

/**
 * Many positions at once (the seam for WebGPU and for many-chain samplers).
 * `positions` and `gradients` are row-major [count][dim]; `out` receives the
 * count log-densities.
 */
export interface BatchedLogDensity {
  readonly dim: number;
  logpGradBatch(
    positions: Float64Array,
    gradients: Float64Array,
    out: Float64Array,
    count: number,
  ): void | Promise<void>;
}

/** Wraps a single-position density as a (synchronous) batched one. */
export function batchFromSingle(density: LogDensity): BatchedLogDensity {
  const dim = density.dim;
  return {
    dim,
    logpGradBatch(positions, gradients, out, count) {
      for (let i = 0; i < count; i++) {
        const p = positions.subarray(i * dim, (i + 1) * dim);
        const g = gradients.subarray(i * dim, (i + 1) * dim);
        out[i] = density.logpGrad(p, g);
      }
    },
  };
}

/** What the float64 reference densities (national and geo) return. */
export interface ReferenceResult {
  /** Priors plus likelihood (no Jacobian). */
  lp: number;
  /** lp plus the log-Jacobian of the unconstraining transforms. */
  lpJacobian: number;
  /** Mean of the likelihood at each period ([T]; geo model [T][G]). */
  mu: Float64Array;
}
