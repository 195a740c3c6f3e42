// Small statistics for plots: thinning, density estimates, histograms and
// the pooled ranks of rank plots. Plots carry summaries, not raw draws, so a
// report stays light whatever the number of draws.

import { hdi } from "../diagnostics/index.js";

/** Evenly spaced indices into n items, at most max of them. */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

export interface Band {
  mean: number;
  low: number;
  high: number;
}

/** Mean and 94% HDI. */
export function band(values: ArrayLike<number>, prob = 0.94): Band {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  const h = hdi(values, prob);
  return { mean: s / values.length, low: h.low, high: h.high };
}

/** Sample quantile by linear interpolation (type 7). */
export function quantileOf(values: ArrayLike<number>, p: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

function sdOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m += values[i];
  m /= values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (values[i] - m) ** 2;
  return Math.sqrt(v / Math.max(1, values.length - 1));
}

/** Silverman's rule of thumb, robust to heavy tails (uses min(sd, IQR / 1.34)). */
export function bandwidth(values: ArrayLike<number>): number {
  const sd = sdOf(values);
  const iqr = quantileOf(values, 0.75) - quantileOf(values, 0.25);
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  const h = 0.9 * spread * Math.pow(values.length, -0.2);
  return h > 0 ? h : Math.max(1e-12, Math.abs(values[0] ?? 1) * 1e-3);
}

/**
 * Gaussian kernel density on an even grid over the data range (widened by
 * two bandwidths, clipped to [lower, upper]); reflection at a clipped bound
 * keeps the mass inside the support.
 */
export function kde(
  values: ArrayLike<number>,
  options: { points?: number; lower?: number; upper?: number } = {},
): { x: number; density: number }[] {
  const n = values.length;
  const points = options.points ?? 80;
  const h = bandwidth(values);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const lower = options.lower ?? -Infinity;
  const upper = options.upper ?? Infinity;
  const a = Math.max(lower, min - 2 * h);
  const b = Math.min(upper, max + 2 * h);
  const out: { x: number; density: number }[] = [];
  const norm = 1 / (n * h * Math.sqrt(2 * Math.PI));
  for (let j = 0; j < points; j++) {
    const x = a + ((b - a) * j) / (points - 1);
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += Math.exp(-0.5 * ((x - values[i]) / h) ** 2);
      if (Number.isFinite(lower)) s += Math.exp(-0.5 * ((x - (2 * lower - values[i])) / h) ** 2);
      if (Number.isFinite(upper)) s += Math.exp(-0.5 * ((x - (2 * upper - values[i])) / h) ** 2);
    }
    out.push({ x, density: s * norm });
  }
  return out;
}

/** Histogram normalised to a density (area 1) over [low, high] with the given number of bins. */
export function densityHistogram(
  values: ArrayLike<number>,
  bins: number,
  low: number,
  high: number,
): { start: number; end: number; density: number }[] {
  const width = (high - low) / bins || 1;
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= low && v <= high)) continue;
    counts[Math.min(bins - 1, Math.floor((v - low) / width))]++;
  }
  const total = Math.max(1, values.length);
  return Array.from(counts, (c, k) => ({ start: low + k * width, end: low + (k + 1) * width, density: c / (total * width) }));
}

/**
 * Ranks (1-based, ties averaged) of every draw among all chains' draws pooled,
 * returned per chain in draw order, as rank plots use them.
 */
export function pooledRanksPerChain(chains: Float64Array[]): Float64Array[] {
  const all: { v: number; c: number; i: number }[] = [];
  chains.forEach((ch, c) => ch.forEach((v, i) => all.push({ v, c, i })));
  all.sort((a, b) => a.v - b.v);
  const out = chains.map((ch) => new Float64Array(ch.length));
  let k = 0;
  while (k < all.length) {
    let j = k;
    while (j + 1 < all.length && all[j + 1].v === all[k].v) j++;
    const r = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) out[all[m].c][all[m].i] = r;
    k = j + 1;
  }
  return out;
}
