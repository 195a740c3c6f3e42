/**
 * Small, independent MCMC summary helpers for the sampler tests (kept apart
 * from src/diagnostics on purpose): multi-chain ESS with Geyer's initial
 * monotone sequence, split R-hat, Monte Carlo standard errors, chi-square.
 */

/** Column `j` of each chain's row-major [n][dim] draws. */
export function column(chains: Float64Array[], dim: number, j: number): Float64Array[] {
  return chains.map((d) => {
    const n = d.length / dim;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = d[i * dim + j]!;
    return out;
  });
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

export function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - m) ** 2;
  return s / (x.length - 1);
}

export function concat(chains: Float64Array[]): Float64Array {
  const n = chains.reduce((a, c) => a + c.length, 0);
  const out = new Float64Array(n);
  let k = 0;
  for (const c of chains) {
    out.set(c, k);
    k += c.length;
  }
  return out;
}

/** Autocovariance at lag t with divisor n. */
function autocov(x: Float64Array, m: number, t: number): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i + t < n; i++) s += (x[i]! - m) * (x[i + t]! - m);
  return s / n;
}

/**
 * Effective sample size over several equally long chains: combined
 * autocorrelations rho_t = 1 - (W - mean acov_t) / var+, summed in pairs
 * while positive, pairs forced monotone (Geyer 1992).
 */
export function ess(chains: Float64Array[]): number {
  const m = chains.length;
  const n = chains[0]!.length;
  const means = chains.map(mean);
  const acov0 = chains.map((c, k) => autocov(c, means[k]!, 0));
  const w = mean(acov0.map((a) => (a * n) / (n - 1)));
  const grand = mean(means);
  const b = m > 1 ? (n * means.reduce((a, x) => a + (x - grand) ** 2, 0)) / (m - 1) : 0;
  const varPlus = ((n - 1) / n) * w + b / n;
  if (!(varPlus > 0)) return m * n;
  const rho = (t: number) => {
    let s = 0;
    for (let k = 0; k < m; k++) s += autocov(chains[k]!, means[k]!, t);
    return 1 - (w - s / m) / varPlus;
  };
  let sum = 0;
  let prevPair = Infinity;
  for (let t = 0; t + 1 < n; t += 2) {
    let pair = (t === 0 ? 1 : rho(t)) + rho(t + 1);
    if (!(pair > 0)) break;
    if (pair > prevPair) pair = prevPair;
    prevPair = pair;
    sum += pair;
  }
  const tau = Math.max(-1 + 2 * sum, 1 / Math.log10(m * n));
  return (m * n) / tau;
}

/** Split R-hat (each chain halved). */
export function splitRhat(chains: Float64Array[]): number {
  const halves: Float64Array[] = [];
  for (const c of chains) {
    const h = Math.floor(c.length / 2);
    halves.push(c.slice(0, h), c.slice(c.length - h));
  }
  const m = halves.length;
  const n = halves[0]!.length;
  const means = halves.map(mean);
  const w = mean(halves.map(variance));
  const grand = mean(means);
  const b = (n * means.reduce((a, x) => a + (x - grand) ** 2, 0)) / (m - 1);
  const varPlus = ((n - 1) / n) * w + b / n;
  return Math.sqrt(varPlus / w);
}

export interface Summary {
  mean: number;
  sd: number;
  mcseMean: number;
  mcseSd: number;
  ess: number;
  rhat: number;
}

/**
 * Mean, sd and their Monte Carlo standard errors. MCSE(sd) by the delta
 * method: sd^2 is the mean of (x - m)^2, whose own MCSE uses that
 * sequence's ESS; MCSE(sd) = MCSE(sd^2) / (2 sd).
 */
export function summarize(chains: Float64Array[]): Summary {
  const all = concat(chains);
  const m = mean(all);
  const sd = Math.sqrt(variance(all));
  const essMean = ess(chains);
  const sq = chains.map((c) => c.map((x) => (x - m) ** 2));
  const essSq = ess(sq);
  const sdSq = Math.sqrt(variance(concat(sq)));
  const mcseVar = sdSq / Math.sqrt(essSq);
  return {
    mean: m,
    sd,
    mcseMean: sd / Math.sqrt(essMean),
    mcseSd: mcseVar / (2 * sd),
    ess: essMean,
    rhat: splitRhat(chains),
  };
}

/** Pearson chi-square statistic of counts against equal expected counts. */
export function chiSquareUniform(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const e = total / counts.length;
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += (counts[i]! - e) ** 2 / e;
  return s;
}

/** Pearson chi-square statistic of counts against expected probabilities. */
export function chiSquare(counts: ArrayLike<number>, probs: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  let s = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = total * probs[i]!;
    if (e === 0) {
      if (counts[i]! !== 0) return Infinity;
      continue;
    }
    s += (counts[i]! - e) ** 2 / e;
  }
  return s;
}

/**
 * Upper quantile of the chi-square distribution with `df` degrees of freedom
 * for standard-normal quantile z (Wilson-Hilferty; z = 3.09 gives p = 0.001).
 */
export function chiSquareCritical(df: number, z = 3.09): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}
