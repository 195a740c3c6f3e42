/** Welford's streaming mean and variance, per coordinate. */
export class WelfordVariance {
  readonly dim: number;
  count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(dim: number) {
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  reset(): void {
    this.count = 0;
    this.mean.fill(0);
    this.m2.fill(0);
  }

  add(x: Float64Array): void {
    this.count++;
    const inv = 1 / this.count;
    for (let i = 0; i < this.dim; i++) {
      const d = x[i]! - this.mean[i]!;
      this.mean[i] = this.mean[i]! + d * inv;
      this.m2[i] = this.m2[i]! + d * (x[i]! - this.mean[i]!);
    }
  }

  /** Sample variance (divisor n - 1) into `out`; requires count >= 2. */
  variance(out: Float64Array = new Float64Array(this.dim)): Float64Array {
    const denom = this.count - 1;
    for (let i = 0; i < this.dim; i++) out[i] = this.m2[i]! / denom;
    return out;
  }

  sampleMean(out: Float64Array = new Float64Array(this.dim)): Float64Array {
    out.set(this.mean);
    return out;
  }

  /** Sum of squared deviations from the mean, per coordinate (a copy). */
  sumSquares(): Float64Array {
    return Float64Array.from(this.m2);
  }
}

/** Welford's streaming mean and covariance (row-major dim x dim). */
export class WelfordCovariance {
  readonly dim: number;
  count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly delta: Float64Array;

  constructor(dim: number) {
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim * dim);
    this.delta = new Float64Array(dim);
  }

  reset(): void {
    this.count = 0;
    this.mean.fill(0);
    this.m2.fill(0);
  }

  add(x: Float64Array): void {
    const n = this.dim;
    this.count++;
    const inv = 1 / this.count;
    for (let i = 0; i < n; i++) {
      const d = x[i]! - this.mean[i]!;
      this.delta[i] = d;
      this.mean[i] = this.mean[i]! + d * inv;
    }
    // m2 += delta_old (x - mean_new)'
    for (let i = 0; i < n; i++) {
      const di = this.delta[i]!;
      for (let j = 0; j < n; j++) {
        this.m2[i * n + j] = this.m2[i * n + j]! + di * (x[j]! - this.mean[j]!);
      }
    }
  }

  sampleMean(out: Float64Array = new Float64Array(this.dim)): Float64Array {
    out.set(this.mean);
    return out;
  }

  /** Sums of cross-products of deviations from the mean, row-major dim x dim (a copy). */
  sumSquares(): Float64Array {
    return Float64Array.from(this.m2);
  }

  /** Sample covariance (divisor n - 1) into `out`; requires count >= 2. */
  covariance(out: Float64Array = new Float64Array(this.dim * this.dim)): Float64Array {
    const denom = this.count - 1;
    for (let k = 0; k < this.m2.length; k++) out[k] = this.m2[k]! / denom;
    return out;
  }
}
