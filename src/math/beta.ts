/**
 * Log-gamma, the regularised incomplete beta function I_x(a, b) and its
 * inverse (the beta quantile). MCSE of quantiles needs qbeta with shape
 * parameters in the thousands, so everything works in log space.
 */

import * as portable from "./portable.js";

const HALF_LOG_TWO_PI = 0.5 * portable.log(2 * Math.PI);

// Stirling-series coefficients B_{2k} / (2k (2k-1)) for k = 1..7.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];

/**
 * ln Gamma(x) for x > 0. Small arguments are shifted up with
 * Gamma(x) = Gamma(x + k) / (x (x+1) ... (x+k-1)) until the asymptotic
 * Stirling series (truncated after the x^-13 term) is accurate to ~1e-16.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x === Infinity) return Infinity;
  let shiftLog = 0;
  while (x < 15) {
    shiftLog += portable.log(x);
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + STIRLING[k];
  return (x - 0.5) * portable.log(x) - x + HALF_LOG_TWO_PI + series * inv - shiftLog;
}

/** ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const TINY = 1e-300;
const CF_EPSILON = 1e-16;
const CF_MAX_TERMS = 100_000;

/**
 * Continued fraction for I_x(a, b) (DLMF 8.17.22), evaluated with the
 * modified Lentz method. Converges fast for x < (a + 1) / (a + b + 2).
 */
function incompleteBetaFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m <= CF_MAX_TERMS; m++) {
    const twoM = 2 * m;
    // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
    let coefficient = (m * (b - m) * x) / ((a + twoM - 1) * (a + twoM));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    fraction *= d * c;
    // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    coefficient = (-(a + m) * (a + b + m) * x) / ((a + twoM) * (a + twoM + 1));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < CF_EPSILON) break;
  }
  return fraction;
}

/** Regularised incomplete beta I_x(a, b) = P(X <= x) for X ~ Beta(a, b). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // x^a (1-x)^b / B(a, b), the common prefactor of both tails.
  const logFront = a * portable.log(x) + b * portable.log1p(-x) - logBeta(a, b);
  // Use the continued fraction on whichever side converges quickly, and the
  // symmetry I_x(a, b) = 1 - I_{1-x}(b, a) for the other.
  if (x < (a + 1) / (a + b + 2)) {
    return (portable.exp(logFront) * incompleteBetaFraction(x, a, b)) / a;
  }
  return 1 - (portable.exp(logFront) * incompleteBetaFraction(1 - x, b, a)) / b;
}

/**
 * Quantile of Beta(a, b): the x with I_x(a, b) = p, by bisection. I_x is
 * monotone in x, so bisection cannot fail; it stops once the bracket can
 * no longer shrink in double precision.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let iteration = 0; iteration < 2000; iteration++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (regularizedIncompleteBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
