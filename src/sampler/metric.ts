import type { Rng } from "../rng/random.js";
import type { Metric } from "./types.js";

/**
 * Diagonal Euclidean metric given by the diagonal of M^-1 (the variances).
 * p_i ~ N(0, 1 / invMass_i), velocity_i = invMass_i * p_i.
 */
export class DiagonalMetric implements Metric {
  readonly kind = "diag" as const;
  readonly dim: number;
  /** Diagonal of M^-1. Do not mutate while a transition runs. */
  readonly invMass: Float64Array;
  private readonly sqrtMass: Float64Array;

  constructor(invMassDiag: Float64Array) {
    this.dim = invMassDiag.length;
    this.invMass = Float64Array.from(invMassDiag);
    this.sqrtMass = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) {
      const v = this.invMass[i]!;
      if (!(v > 0) || !Number.isFinite(v)) {
        throw new Error(`DiagonalMetric: inverse metric entry ${i} must be positive and finite, got ${v}`);
      }
      this.sqrtMass[i] = 1 / Math.sqrt(v);
    }
  }

  static unit(dim: number): DiagonalMetric {
    return new DiagonalMetric(new Float64Array(dim).fill(1));
  }

  velocity(p: Float64Array, out: Float64Array): void {
    const m = this.invMass;
    for (let i = 0; i < this.dim; i++) out[i] = m[i]! * p[i]!;
  }

  kinetic(p: Float64Array): number {
    const m = this.invMass;
    let s = 0;
    for (let i = 0; i < this.dim; i++) s += m[i]! * p[i]! * p[i]!;
    return 0.5 * s;
  }

  sampleMomentum(rng: Rng, out: Float64Array): void {
    const s = this.sqrtMass;
    for (let i = 0; i < this.dim; i++) out[i] = rng.normal() * s[i]!;
  }

  inverseMetric(): Float64Array {
    return Float64Array.from(this.invMass);
  }
}

/**
 * Lower Cholesky factor of a symmetric positive-definite row-major matrix,
 * written row-major into `out` (upper part zero). Throws if not positive
 * definite.
 */
export function choleskyLower(a: Float64Array, n: number, out: Float64Array = new Float64Array(n * n)): Float64Array {
  const pivot = tryCholeskyLower(a, n, out);
  if (pivot >= 0) throw new Error(`choleskyLower: matrix is not positive definite (pivot ${pivot})`);
  return out;
}

/**
 * As choleskyLower, for callers that handle a matrix that is not positive
 * definite themselves: returns -1 when `out` holds the factor, else the
 * first pivot that was not positive (or not finite).
 */
export function tryCholeskyLower(a: Float64Array, n: number, out: Float64Array): number {
  out.fill(0);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= out[j * n + k]! * out[j * n + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return j;
    const ljj = Math.sqrt(d);
    out[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= out[i * n + k]! * out[j * n + k]!;
      out[i * n + j] = s / ljj;
    }
  }
  return -1;
}

/**
 * Dense Euclidean metric given by M^-1 = Sigma (row-major dim x dim,
 * symmetric positive definite). With Sigma = L L', momenta are drawn as
 * p = L^-T z, z ~ N(0, I), so Cov(p) = Sigma^-1 = M; velocity = Sigma p.
 */
export class DenseMetric implements Metric {
  readonly kind = "dense" as const;
  readonly dim: number;
  /** M^-1, row-major. Do not mutate. */
  readonly invMass: Float64Array;
  /** Lower Cholesky factor of M^-1, row-major. */
  readonly cholInvMass: Float64Array;
  private readonly z: Float64Array;

  constructor(invMass: Float64Array, dim?: number) {
    const n = dim ?? Math.round(Math.sqrt(invMass.length));
    if (n * n !== invMass.length) {
      throw new Error(`DenseMetric: expected ${n}x${n} = ${n * n} entries, got ${invMass.length}`);
    }
    this.dim = n;
    this.invMass = Float64Array.from(invMass);
    // Symmetrise against round-off in the estimate.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const v = 0.5 * (this.invMass[i * n + j]! + this.invMass[j * n + i]!);
        this.invMass[i * n + j] = v;
        this.invMass[j * n + i] = v;
      }
    }
    this.cholInvMass = choleskyLower(this.invMass, n);
    this.z = new Float64Array(n);
  }

  static identity(dim: number): DenseMetric {
    const a = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) a[i * dim + i] = 1;
    return new DenseMetric(a, dim);
  }

  velocity(p: Float64Array, out: Float64Array): void {
    const n = this.dim;
    const m = this.invMass;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += m[row + j]! * p[j]!;
      out[i] = s;
    }
  }

  kinetic(p: Float64Array): number {
    const n = this.dim;
    const m = this.invMass;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += m[row + j]! * p[j]!;
      total += p[i]! * s;
    }
    return 0.5 * total;
  }

  sampleMomentum(rng: Rng, out: Float64Array): void {
    const n = this.dim;
    const l = this.cholInvMass;
    const z = this.z;
    rng.fillNormal(z);
    // Solve L' p = z by back substitution (L' is upper triangular).
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let j = i + 1; j < n; j++) s -= l[j * n + i]! * out[j]!;
      out[i] = s / l[i * n + i]!;
    }
  }

  inverseMetric(): Float64Array {
    return Float64Array.from(this.invMass);
  }
}
