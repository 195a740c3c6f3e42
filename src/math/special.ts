// Special functions in float64, written for accuracy rather than speed (they
// run once per model or per summary, never in the sampler's hot path).

import { logGamma, regularizedIncompleteBeta } from "./beta.js";
import * as portable from "./portable.js";

/** log Gamma(x) for x > 0 (see beta.ts). */
export const lgamma = logGamma;

/** log(1 + e^u), stable for all u. */
export function softplus(u: number): number {
  return u > 0 ? u + portable.log1p(portable.exp(-u)) : portable.log1p(portable.exp(u));
}

/** 1 / (1 + e^-u), accurate in both tails. */
export function logistic(u: number): number {
  if (u >= 0) return 1 / (1 + portable.exp(-u));
  const e = portable.exp(u);
  return e / (1 + e);
}

/** Standard normal CDF via erfc (W. J. Cody's rational approximations are not used; see erfc). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Complementary error function, relative accuracy ~1e-14: a continued
 * fraction in the tail and the Taylor series of erf near zero.
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz's algorithm for erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return portable.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Inverse of a monotone increasing CDF on (lo, hi) by bisection to full precision. */
export function invertCdf(cdf: (x: number) => number, p: number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = a * portable.log(x) - x - lgamma(a);
  if (x < a + 1) {
    // Series.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return portable.exp(logPrefix) * sum;
  }
  return 1 - portable.exp(logPrefix) * gammaContinuedFraction(a, x);
}

function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betaI(a: number, b: number, x: number): number {
  return regularizedIncompleteBeta(x, a, b);
}
