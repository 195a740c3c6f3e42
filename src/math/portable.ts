// Elementary functions that give the same bits in every JavaScript engine.
//
// Math.exp, Math.log, Math.sin, ... are left to the engine, and engines
// differ: Chromium 156 and Node 20 disagree in the last bit on about one
// argument in ten for exp and pow. Every floating-point operation on the way
// from a seed to a draw therefore uses these instead: they are built from
// +, -, *, / and Math.sqrt/round/floor only, which IEEE-754 rounds the same way
// everywhere (JavaScript does not contract a*b+c into a fused multiply-add),
// so the sampler's draws in a browser equal Node's bit for bit.
//
// Accuracy: within 1-2 ulp of the exact result (test/math/portable.test.ts).
// Method: Cody-Waite argument reduction (ln 2 and pi/2 split into parts whose
// products with the reduction integer are exact), then Taylor polynomials on
// the reduced interval, arranged so the leading term is exact and rounding
// falls on the small correction.

const bits = new DataView(new ArrayBuffer(8));

/** 2^k for an integer k in [-1022, 1023], exactly. */
function pow2(k: number): number {
  bits.setUint32(0, (k + 1023) << 20);
  bits.setUint32(4, 0);
  return bits.getFloat64(0);
}

/** x * 2^k for an integer k, in steps that keep every factor a normal number. */
function scaleByPow2(x: number, k: number): number {
  while (k > 1023) {
    x *= pow2(1023);
    k -= 1023;
  }
  while (k < -1022) {
    x *= pow2(-1022);
    k += 1022;
  }
  return x * pow2(k);
}

// ln 2 = LN2_HI + LN2_LO, LN2_HI with its low 21 bits zero: k * LN2_HI is exact for |k| < 2^11.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e0;
const EXP_OVERFLOW = 709.782712893384; // largest x with finite e^x
const EXP_UNDERFLOW = -745.1332191019412; // below: e^x rounds to 0

/** 1/n! for n = 0..13: enough for e^r on |r| <= ln(2)/2 (next term < 5e-18). */
const EXP_TAYLOR = (() => {
  const c = [1];
  for (let n = 1; n <= 13; n++) c.push(c[n - 1] / n);
  return c;
})();

export function exp(x: number): number {
  if (x !== x) return NaN;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  // e^r - 1 - r by Horner, so the sum 1 + r + (...) rounds once, at the end.
  let p = EXP_TAYLOR[13];
  for (let n = 12; n >= 2; n--) p = p * r + EXP_TAYLOR[n];
  const er = 1 + (r + r * r * p);
  return k === 0 ? er : scaleByPow2(er, k);
}

/** 2/(2k+1) for k = 1..10: log(1+f) = 2 atanh(s), s = f/(2+f), |s| <= 0.172 (next term < 1e-17). */
const ATANH_SERIES = Array.from({ length: 10 }, (_, i) => 2 / (2 * (i + 1) + 1));

/** log(1 + f) for f in [sqrt(1/2) - 1, sqrt(2) - 1], f exact. */
function log1pReduced(f: number): number {
  const s = f / (2 + f);
  const z = s * s;
  let q = ATANH_SERIES[9];
  for (let i = 8; i >= 0; i--) q = q * z + ATANH_SERIES[i];
  // 2 atanh(s) = 2s + s*z*q, and 2s = f - s*f: f is exact, the rest is O(f^2).
  return f - s * (f - z * q);
}

export function log(x: number): number {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: subnormals to normal numbers
    e = -54;
  }
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  e += ((high >>> 20) & 0x7ff) - 1023;
  bits.setUint32(0, (high & 0x000fffff) | 0x3ff00000);
  let m = bits.getFloat64(0); // x = 2^e * m, m in [1, 2)
  if (m > Math.SQRT2) {
    m *= 0.5;
    e += 1;
  }
  return e * LN2_HI + (log1pReduced(m - 1) + e * LN2_LO);
}

export function log1p(x: number): number {
  if (x !== x || x < -1) return NaN;
  if (x === -1) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x > Math.SQRT1_2 - 1 && x < Math.SQRT2 - 1) return log1pReduced(x);
  const u = 1 + x;
  // log(u) plus the first-order correction for the rounding of 1 + x.
  return log(u) + (x - (u - 1)) / u;
}

/** x^y for x > 0 (NaN for x <= 0 other than y = 0). */
export function powPositive(x: number, y: number): number {
  if (y === 0) return 1;
  return exp(y * log(x));
}

// pi/2 = PIO2_1 + PIO2_2 + PIO2_3, each part with at most 33 significant bits,
// so n * part is exact for |n| < 2^20 (|x| up to about 1.6e6).
const PIO2_1 = 1.57079632673412561417e0;
const PIO2_2 = 6.07710050650619224932e-11;
const PIO2_3 = 2.02226624879595063154e-21;
const TWO_OVER_PI = 6.36619772367581382433e-1;
const MAX_REDUCIBLE = 1.6e6;

/** (-1)^k/(2k+1)! and (-1)^k/(2k)! for k = 1..9: sine and cosine on |r| <= pi/4 (next term < 1e-19). */
const SIN_TAYLOR: number[] = [];
const COS_TAYLOR: number[] = [];
{
  let f = 1;
  for (let n = 1; n <= 19; n++) {
    f *= n;
    const k = Math.floor(n / 2);
    if (n >= 2 && n % 2 === 0) COS_TAYLOR.push((k % 2 ? -1 : 1) / f);
    if (n >= 3 && n % 2 === 1) SIN_TAYLOR.push((k % 2 ? -1 : 1) / f);
  }
}

function sinReduced(r: number): number {
  const z = r * r;
  let p = SIN_TAYLOR[SIN_TAYLOR.length - 1];
  for (let i = SIN_TAYLOR.length - 2; i >= 0; i--) p = p * z + SIN_TAYLOR[i];
  return r + r * z * p;
}

function cosReduced(r: number): number {
  const z = r * r;
  let p = COS_TAYLOR[COS_TAYLOR.length - 1];
  for (let i = COS_TAYLOR.length - 2; i >= 1; i--) p = p * z + COS_TAYLOR[i];
  // 1 - z/2 rounds; (1 - w) - hz recovers what that rounding lost.
  const hz = 0.5 * z;
  const w = 1 - hz;
  return w + (1 - w - hz + z * z * p);
}

/** r in [-pi/4, pi/4] and the quadrant n mod 4 with x = n pi/2 + r. */
function reduce(x: number): [number, number] {
  const n = Math.round(x * TWO_OVER_PI);
  const r = x - n * PIO2_1 - n * PIO2_2 - n * PIO2_3;
  return [((n % 4) + 4) % 4, r];
}

export function sin(x: number): number {
  if (x !== x || x === Infinity || x === -Infinity) return NaN;
  if (Math.abs(x) > MAX_REDUCIBLE) return Math.sin(x); // beyond every argument the model forms
  if (x === 0) return x; // keeps -0
  const [q, r] = reduce(x);
  return q === 0 ? sinReduced(r) : q === 1 ? cosReduced(r) : q === 2 ? -sinReduced(r) : -cosReduced(r);
}

export function cos(x: number): number {
  if (x !== x || x === Infinity || x === -Infinity) return NaN;
  if (Math.abs(x) > MAX_REDUCIBLE) return Math.cos(x);
  const [q, r] = reduce(x);
  return q === 0 ? cosReduced(r) : q === 1 ? -sinReduced(r) : q === 2 ? -cosReduced(r) : sinReduced(r);
}
