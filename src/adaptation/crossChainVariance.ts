/**
 * Diagonal inverse metric from the spread of many chains: every warm-up
 * iteration contributes the cross-chain variance of the chains' current
 * positions, and the estimate is the mean of those variances over the later
 * half of the iterations seen so far, so the early, still-converging spread
 * is forgotten while the estimate keeps pooling more iterations as warm-up
 * goes on (few chains are then still enough). The estimate is shrunk towards
 * 1e-3 by Stan's rule, (n / (n + 5)) var + 1e-3 (5 / (n + 5)), with n the
 * chain-iterations pooled.
 *
 * With `robust`, each iteration's spread is (1.4826 MAD)^2, the median
 * absolute deviation from the median across chains scaled to match the
 * variance of a normal: a few chains stranded far from the rest (early in
 * warm-up, in a tail or on a ridge) then cannot inflate the metric, and with
 * it every chain's step count.
 *
 * With `typical`, each iteration's spread is the plain variance over the
 * chains whose log-density is within 4 sqrt(dim / 2) of the chains' median
 * (sqrt(dim / 2) is the sd of the log-density of a dim-dimensional normal):
 * chains stranded at low density are left out, as with the MAD, but the
 * heavy tails of the posterior itself count in full, where the MAD of a
 * heavy-tailed coordinate measures only its core.
 */
export class CrossChainVariance {
  readonly dim: number;
  readonly chains: number;
  /** Per observed iteration, the cross-chain variance of every coordinate. */
  private readonly history: Float64Array[] = [];

  private readonly robust: boolean;
  private readonly typical: boolean;
  private readonly column: Float64Array;

  constructor(dim: number, chains: number, options: { robust?: boolean; typical?: boolean } = {}) {
    if (chains < 2) throw new RangeError("CrossChainVariance needs at least 2 chains");
    this.dim = dim;
    this.chains = chains;
    this.robust = options.robust ?? false;
    this.typical = options.typical ?? false;
    if (this.robust && this.typical) throw new RangeError("CrossChainVariance: robust and typical exclude each other");
    this.column = new Float64Array(chains);
  }

  get iterations(): number {
    return this.history.length;
  }

  /** Records the cross-chain spread of `positions` ([chains][dim]); `logps` ([chains]) is needed with `typical`. */
  observe(positions: Float64Array, logps?: Float64Array): void {
    if (this.robust) {
      this.history.push(this.madSquared(positions));
      return;
    }
    if (this.typical) {
      if (!logps) throw new RangeError("CrossChainVariance: typical needs the chains' log-densities");
      const sorted = Float64Array.from(logps).sort();
      const m = this.chains >> 1;
      const centre = this.chains % 2 ? sorted[m]! : 0.5 * (sorted[m - 1]! + sorted[m]!);
      const floor = centre - 4 * Math.sqrt(this.dim / 2);
      const kept: number[] = [];
      for (let c = 0; c < this.chains; c++) if (logps[c]! >= floor) kept.push(c);
      if (kept.length >= 2) this.history.push(varianceOf(positions, this.dim, kept));
      return;
    }
    this.history.push(varianceOf(positions, this.dim, Array.from({ length: this.chains }, (_, c) => c)));
  }

  /** Per coordinate, (1.4826 MAD)^2 across chains. */
  private madSquared(positions: Float64Array): Float64Array {
    const { dim, chains, column } = this;
    const out = new Float64Array(dim);
    const mid = (v: Float64Array): number => {
      v.sort();
      const m = chains >> 1;
      return chains % 2 ? v[m]! : 0.5 * (v[m - 1]! + v[m]!);
    };
    for (let i = 0; i < dim; i++) {
      for (let c = 0; c < chains; c++) column[c] = positions[c * dim + i]!;
      const centre = mid(column);
      for (let c = 0; c < chains; c++) column[c] = Math.abs(column[c]! - centre);
      const mad = 1.4826 * mid(column);
      out[i] = mad * mad;
    }
    return out;
  }

  /** Writes the regularised estimate into `out` (length dim); false (out untouched) before any observation or if it is not finite and positive. */
  estimate(out: Float64Array): boolean {
    const seen = this.history.length;
    if (seen === 0) return false;
    const from = Math.floor(seen / 2);
    const count = seen - from;
    const n = count * this.chains;
    const shrink = n / (n + 5);
    const prior = (1e-3 * 5) / (n + 5);
    const next = new Float64Array(this.dim);
    for (let s = from; s < seen; s++) {
      const v = this.history[s]!;
      for (let i = 0; i < this.dim; i++) next[i] = next[i]! + v[i]! / count;
    }
    for (let i = 0; i < this.dim; i++) {
      const value = shrink * next[i]! + prior;
      if (!(value > 0) || !Number.isFinite(value)) return false;
      next[i] = value;
    }
    out.set(next);
    return true;
  }
}

/** Per coordinate, the variance (n - 1 denominator) over the chains listed in `kept` of positions ([chains][dim]). */
function varianceOf(positions: Float64Array, dim: number, kept: readonly number[]): Float64Array {
  const mean = new Float64Array(dim);
  for (const c of kept) for (let i = 0; i < dim; i++) mean[i] = mean[i]! + positions[c * dim + i]!;
  for (let i = 0; i < dim; i++) mean[i] = mean[i]! / kept.length;
  const variance = new Float64Array(dim);
  for (const c of kept) {
    for (let i = 0; i < dim; i++) {
      const d = positions[c * dim + i]! - mean[i]!;
      variance[i] = variance[i]! + d * d;
    }
  }
  for (let i = 0; i < dim; i++) variance[i] = variance[i]! / (kept.length - 1);
  return variance;
}
