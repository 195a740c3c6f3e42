/** Sample quantiles as R's default (type 7) computes them. */

function sortedCopy(draws: ArrayLike<number>): Float64Array {
  return Float64Array.from(draws).sort();
}

/**
 * Type-7 quantile of already sorted values: with h = (n - 1) p, linear
 * interpolation between the order statistics floor(h) and floor(h) + 1.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0 || !(p >= 0 && p <= 1)) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const fraction = h - lo;
  const low = sorted[lo];
  // Skip interpolation when both neighbours agree, so that a quantile of tied
  // values is exactly that value (x <= q indicators rely on it).
  if (fraction === 0 || sorted[hi] === low) return low;
  return (1 - fraction) * low + fraction * sorted[hi];
}

/** Type-7 quantile (R's default, NumPy's "linear") of unsorted draws. */
export function quantile(draws: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(draws), p);
}

/** Median, as the mean of the two middle values for an even count. */
export function median(draws: ArrayLike<number>): number {
  const sorted = sortedCopy(draws);
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
