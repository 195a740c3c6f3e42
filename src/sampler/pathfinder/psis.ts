// Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry
// 2024): the largest M = ceil(min(S / 5, 3 sqrt(S))) weights are replaced by
// the expected order statistics of a generalised Pareto distribution fitted to
// them (Zhang & Stephens 2009, with the weakly informative prior on the shape
// that the PSIS paper uses), and capped at the largest raw weight. k-hat, the
// fitted shape, says how far the weights can be trusted (above 0.7: not).

import { exp, log, log1p } from "../../math/portable.js";

export interface SmoothedWeights {
  /** Smoothed log weights, same order as the input; -Infinity stays -Infinity. */
  logWeights: Float64Array;
  /** The fitted Pareto shape; NaN when the tail was too short to fit. */
  k: number;
}

/** Generalised Pareto fit to exceedances `x` (sorted ascending, > 0): shape k and scale sigma. */
export function fitGeneralisedPareto(x: Float64Array): { k: number; sigma: number } {
  const n = x.length;
  const prior = 3;
  const m = 30 + Math.floor(Math.sqrt(n));
  const xStar = x[Math.max(0, Math.floor(n / 4 + 0.5) - 1)]!;
  const xMax = x[n - 1]!;
  const theta = new Float64Array(m);
  const profile = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    theta[j] = 1 / xMax + (1 - Math.sqrt(m / (j + 0.5))) / (prior * xStar);
    let kj = 0;
    for (let i = 0; i < n; i++) kj += log1p(-theta[j]! * x[i]!);
    kj /= n;
    profile[j] = n * (log(-theta[j]! / kj) - kj - 1);
  }
  let thetaHat = 0;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += exp(profile[i]! - profile[j]!);
    thetaHat += theta[j]! / s;
  }
  let k = 0;
  for (let i = 0; i < n; i++) k += log1p(-thetaHat * x[i]!);
  k /= n;
  const sigma = -k / thetaHat;
  // Shrink towards 0.5 (the prior of the PSIS paper, worth 10 observations).
  return { k: (k * n + 0.5 * 10) / (n + 10), sigma };
}

function paretoQuantile(p: number, k: number, sigma: number): number {
  if (Math.abs(k) < 1e-12) return -sigma * log1p(-p);
  return (sigma * (exp(-k * log1p(-p)) - 1)) / k;
}

/** Pareto-smooths `logWeights` (unnormalised; -Infinity allowed). */
export function paretoSmooth(logWeights: Float64Array): SmoothedWeights {
  const out = Float64Array.from(logWeights);
  const finite: number[] = [];
  for (let i = 0; i < out.length; i++) if (Number.isFinite(out[i]!)) finite.push(i);
  const S = finite.length;
  const M = Math.ceil(Math.min(S / 5, 3 * Math.sqrt(S)));
  if (M < 5 || S <= M) return { logWeights: out, k: NaN };
  // Ascending by log weight; ties by index, so the order is the same everywhere.
  const order = finite.slice().sort((a, b) => out[a]! - out[b]! || a - b);
  const maxLw = out[order[S - 1]!]!;
  const cutoff = out[order[S - M - 1]!]! - maxLw;
  const tail = order.slice(S - M);
  const exceed = new Float64Array(M);
  for (let j = 0; j < M; j++) exceed[j] = exp(out[tail[j]!]! - maxLw) - exp(cutoff);
  if (!(exceed[M - 1]! > exceed[0]!) || !(exceed[0]! > 0)) return { logWeights: out, k: NaN };
  const { k, sigma } = fitGeneralisedPareto(exceed);
  if (!Number.isFinite(k) || !(sigma > 0)) return { logWeights: out, k: NaN };
  for (let j = 0; j < M; j++) {
    const smoothed = log(exp(cutoff) + paretoQuantile((j + 0.5) / M, k, sigma));
    out[tail[j]!] = Math.min(smoothed, 0) + maxLw;
  }
  return { logWeights: out, k };
}
