/**
 * Highest density interval of a sample, defined as ArviZ defines it: sort
 * the n draws, let k = floor(p n), and among the windows
 * [sorted[i], sorted[i + k]] (i = 0..n-k-1) take the narrowest; ties go to
 * the lowest i. Each window spans k + 1 draws. Assumes a unimodal
 * distribution (one interval).
 */
export { quantile, quantileSorted, median } from "./quantile.js";

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** ArviZ's default interval probability. */
export const DEFAULT_HDI_PROB = 0.94;

export function hdi(draws: ArrayLike<number>, prob = DEFAULT_HDI_PROB): Interval {
  if (!(prob > 0 && prob < 1)) throw new RangeError(`hdi: prob = ${prob} is not in (0, 1)`);
  const sorted = Float64Array.from(draws).sort();
  const n = sorted.length;
  const included = Math.floor(prob * n);
  const windows = n - included;
  if (windows <= 0) throw new RangeError("hdi: too few draws for the interval");
  let best = 0;
  let bestWidth = Infinity;
  for (let i = 0; i < windows; i++) {
    const width = sorted[i + included] - sorted[i];
    if (width < bestWidth) {
      bestWidth = width;
      best = i;
    }
  }
  return { low: sorted[best], high: sorted[best + included] };
}
