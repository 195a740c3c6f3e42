import type { Rng } from "../rng/random.js";

/**
 * A point in phase space: position q, momentum p, the gradient of log p at q
 * and log p itself. All arrays have length `dim` and are owned by whoever
 * allocated the point; the sampler copies between preallocated points.
 */
export interface PhasePoint {
  readonly q: Float64Array;
  readonly p: Float64Array;
  /** Gradient of the log-density at q. */
  readonly g: Float64Array;
  logp: number;
}

export function createPhasePoint(dim: number): PhasePoint {
  return {
    q: new Float64Array(dim),
    p: new Float64Array(dim),
    g: new Float64Array(dim),
    logp: Number.NEGATIVE_INFINITY,
  };
}

export function copyPhasePoint(dst: PhasePoint, src: PhasePoint): void {
  dst.q.set(src.q);
  dst.p.set(src.p);
  dst.g.set(src.g);
  dst.logp = src.logp;
}

/**
 * The Euclidean metric: kinetic energy K(p) = p' M^-1 p / 2, momenta drawn
 * from N(0, M). The adaptation estimates the inverse metric M^-1 (a posterior
 * variance / covariance).
 */
export interface Metric {
  readonly kind: "diag" | "dense";
  readonly dim: number;
  /** out = M^-1 p (the velocity dtau/dp, Stan's "p_sharp"). */
  velocity(p: Float64Array, out: Float64Array): void;
  /** K(p) = p' M^-1 p / 2. */
  kinetic(p: Float64Array): number;
  /** Draws p ~ N(0, M) into `out`. */
  sampleMomentum(rng: Rng, out: Float64Array): void;
  /** A copy of M^-1: length dim (diag) or dim*dim row-major (dense). */
  inverseMetric(): Float64Array;
}

/**
 * What the tree builder needs from the dynamics; the Euclidean leapfrog
 * implements it, and tests substitute mocks.
 */
export interface HamiltonianSystem {
  readonly dim: number;
  /** One integrator step of signed size `epsilon`, in place on z (q, p, g, logp). */
  evolve(z: PhasePoint, epsilon: number): void;
  /**
   * Writes dtau/dp (M^-1 p) into `velocity` and returns the Hamiltonian
   * H(z) = -log p(q) + K(p). May be non-finite.
   */
  hamiltonian(z: PhasePoint, velocity: Float64Array): number;
}

/** The sampler's state between transitions. */
export interface NutsState {
  readonly position: Float64Array;
  readonly logp: number;
  readonly gradient: Float64Array;
}

/** Per-transition diagnostics, as Stan reports them. */
export interface NutsInfo {
  /** Number of trajectory doublings that were accepted (Stan's treedepth__). */
  treeDepth: number;
  /** Leapfrog steps taken (Stan's n_leapfrog__). */
  nLeapfrog: number;
  divergent: boolean;
  /** Hamiltonian at the selected point (Stan's energy__). */
  energy: number;
  /** Mean over all leapfrog steps of min(1, exp(H0 - H)). */
  acceptStat: number;
  stepSize: number;
  /** log-density at the selected point. */
  logp: number;
}
