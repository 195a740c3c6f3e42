// Whether a daily series moves with the day of the week: a one-way analysis
// of variance of its first n values grouped by day (row t on day t mod 7, the
// grouping of the model's weekday term), so that a fit of daily data without
// weekday seasonality can say when the data show a weekly cycle.
import { betaI } from "../math/special.js";

export interface DayOfWeekPattern {
  /** F statistic: between-day mean square over within-day mean square, on (6, n - 7) degrees of freedom. */
  f: number;
  /** P(F >= f) under no day-of-week effect (normal errors). */
  p: number;
  /** Share of the series' variance (sum of squares about its mean) that the day means explain. */
  share: number;
}

/** The analysis of variance of y[0..n) by t mod 7; null with fewer than two rows a day or no variance within days. */
export function dayOfWeekPattern(y: ArrayLike<number>, n: number = y.length): DayOfWeekPattern | null {
  if (n < 14) return null;
  const sum = new Float64Array(7);
  const count = new Float64Array(7);
  let total = 0;
  for (let t = 0; t < n; t++) {
    sum[t % 7] += y[t];
    count[t % 7]++;
    total += y[t];
  }
  const grand = total / n;
  let between = 0;
  let within = 0;
  for (let t = 0; t < n; t++) {
    const dayMean = sum[t % 7] / count[t % 7];
    between += (dayMean - grand) ** 2;
    within += (y[t] - dayMean) ** 2;
  }
  if (!(within > 0) || !Number.isFinite(between)) return null;
  const d1 = 6;
  const d2 = n - 7;
  const f = between / d1 / (within / d2);
  return { f, p: fUpperTail(f, d1, d2), share: between / (between + within) };
}

/** P(F >= f) for F with (d1, d2) degrees of freedom: I_{d2 / (d2 + d1 f)}(d2 / 2, d1 / 2). */
export function fUpperTail(f: number, d1: number, d2: number): number {
  return f <= 0 ? 1 : betaI(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}
