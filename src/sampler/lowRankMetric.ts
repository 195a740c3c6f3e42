import type { Rng } from "../rng/random.js";
import type { Metric } from "./types.js";

/**
 * Low-rank plus diagonal Euclidean metric:
 *
 *   M^-1 = S (I + U (Lambda - I) U') S,   S = diag(sigma),
 *
 * U (dim x k) with orthonormal columns, Lambda = diag(lambda) > 0. Every
 * operation costs O(dim k) and allocates nothing:
 *   velocity  M^-1 p = S (y + U ((lambda - 1) * (U' y))),  y = S p;
 *   kinetic   p' M^-1 p / 2 = (|y|^2 + sum (lambda - 1) (U' y)^2) / 2;
 *   momentum  p = S^-1 (z + U ((lambda^-1/2 - 1) * (U' z))), z ~ N(0, I), whose
 *             covariance is S^-1 (I + U (1/lambda - 1) U') S^-1 = M.
 *
 * `kind` is "dense" because `inverseMetric()` returns the full dim x dim
 * M^-1 (the layout every consumer of a dense metric reads); k = 0 is the
 * diagonal metric sigma^2.
 */
export class LowRankMetric implements Metric {
  readonly kind = "dense" as const;
  readonly dim: number;
  /** Number of low-rank directions. */
  readonly rank: number;
  /** sigma: the square roots of the diagonal part. */
  readonly scale: Float64Array;
  /** lambda, one per direction. */
  readonly values: Float64Array;
  /** U as rank rows of dim entries (direction j at j * dim). */
  readonly directions: Float64Array;
  private readonly lambdaMinus1: Float64Array;
  private readonly momentumFactor: Float64Array;
  private readonly y: Float64Array;
  private readonly c: Float64Array;

  /**
   * @param sigma2 diagonal part sigma^2 (dim entries, positive)
   * @param values lambda (k entries, positive)
   * @param directions U as k rows of dim entries, orthonormal
   */
  constructor(sigma2: Float64Array, values: Float64Array = new Float64Array(0), directions: Float64Array = new Float64Array(0)) {
    const dim = sigma2.length;
    const k = values.length;
    if (directions.length !== k * dim) {
      throw new Error(`LowRankMetric: expected ${k} directions of ${dim} entries, got ${directions.length} entries`);
    }
    this.dim = dim;
    this.rank = k;
    this.scale = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      const v = sigma2[i]!;
      if (!(v > 0) || !Number.isFinite(v)) throw new Error(`LowRankMetric: diagonal entry ${i} must be positive and finite, got ${v}`);
      this.scale[i] = Math.sqrt(v);
    }
    this.values = Float64Array.from(values);
    this.directions = Float64Array.from(directions);
    this.lambdaMinus1 = new Float64Array(k);
    this.momentumFactor = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const l = values[j]!;
      if (!(l > 0) || !Number.isFinite(l)) throw new Error(`LowRankMetric: eigenvalue ${j} must be positive and finite, got ${l}`);
      this.lambdaMinus1[j] = l - 1;
      this.momentumFactor[j] = 1 / Math.sqrt(l) - 1;
    }
    for (let j = 0; j < k; j++) {
      for (let l = 0; l <= j; l++) {
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += this.directions[j * dim + i]! * this.directions[l * dim + i]!;
        if (Math.abs(dot - (j === l ? 1 : 0)) > 1e-8) {
          throw new Error(`LowRankMetric: directions ${l} and ${j} are not orthonormal (dot ${dot})`);
        }
      }
    }
    this.y = new Float64Array(dim);
    this.c = new Float64Array(k);
  }

  /** c = U' y. */
  private project(y: Float64Array): void {
    const n = this.dim;
    const u = this.directions;
    for (let j = 0; j < this.rank; j++) {
      let s = 0;
      const row = j * n;
      for (let i = 0; i < n; i++) s += u[row + i]! * y[i]!;
      this.c[j] = s;
    }
  }

  /** y += U (f * c). */
  private addBack(y: Float64Array, f: Float64Array): void {
    const n = this.dim;
    const u = this.directions;
    for (let j = 0; j < this.rank; j++) {
      const a = f[j]! * this.c[j]!;
      const row = j * n;
      for (let i = 0; i < n; i++) y[i] = y[i]! + a * u[row + i]!;
    }
  }

  velocity(p: Float64Array, out: Float64Array): void {
    const n = this.dim;
    const s = this.scale;
    const y = this.y;
    for (let i = 0; i < n; i++) y[i] = s[i]! * p[i]!;
    this.project(y);
    this.addBack(y, this.lambdaMinus1);
    for (let i = 0; i < n; i++) out[i] = s[i]! * y[i]!;
  }

  kinetic(p: Float64Array): number {
    const n = this.dim;
    const s = this.scale;
    const y = this.y;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = s[i]! * p[i]!;
      y[i] = v;
      total += v * v;
    }
    this.project(y);
    for (let j = 0; j < this.rank; j++) total += this.lambdaMinus1[j]! * this.c[j]! * this.c[j]!;
    return 0.5 * total;
  }

  sampleMomentum(rng: Rng, out: Float64Array): void {
    const n = this.dim;
    const y = this.y;
    rng.fillNormal(y);
    this.project(y);
    this.addBack(y, this.momentumFactor);
    for (let i = 0; i < n; i++) out[i] = y[i]! / this.scale[i]!;
  }

  inverseMetric(): Float64Array {
    const n = this.dim;
    const out = new Float64Array(n * n);
    const u = this.directions;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b <= a; b++) {
        let v = a === b ? 1 : 0;
        for (let j = 0; j < this.rank; j++) v += this.lambdaMinus1[j]! * u[j * n + a]! * u[j * n + b]!;
        v *= this.scale[a]! * this.scale[b]!;
        out[a * n + b] = v;
        out[b * n + a] = v;
      }
    }
    return out;
  }
}
