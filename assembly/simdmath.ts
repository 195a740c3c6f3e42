// Vector exp and log for the density kernels, in three math modes:
//   0 accurate: f64x2 minimax polynomials, about 3 ulp (default);
//   1 exact:    the std lib's exp/log lane by lane (the reference path);
//   2 fast:     f32x4 polynomials (and f32 per-cell arithmetic in the
//               kernels), about 3e-7 relative; sums stay in f64.
// Kernels take the mode as a type tag (Accurate, Exact, Fast below), so each
// is compiled once per mode with no mode test inside its loops.

export const MODE_ACCURATE: i32 = 0;
export const MODE_EXACT: i32 = 1;
export const MODE_FAST: i32 = 2;

export type Accurate = f64;
export type Exact = i64;
export type Fast = f32;

@inline
export function isExact<M>(): bool {
  return isInteger<M>();
}

@inline
export function isFast<M>(): bool {
  return isFloat<M>() && sizeof<M>() == 4;
}

export let mathMode: i32 = MODE_ACCURATE;

export function setMathMode(mode: i32): void {
  mathMode = mode >= MODE_ACCURATE && mode <= MODE_FAST ? mode : MODE_ACCURATE;
}

/** Kept for hosts of the first ABI: on = the exact mode, off = accurate. */
export function setExactMath(on: bool): void {
  mathMode = on ? MODE_EXACT : MODE_ACCURATE;
}

export const LN2: f64 = 0.6931471805599453;
// 1.5 * 2^52: adding it rounds to an integer held in the low mantissa bits.
const SHIFTER: f64 = 6755399441055744.0;
const SHIFTER_BITS: i64 = 0x4338000000000000;
const ONE_BITS: i64 = 0x3ff0000000000000;
const SQRT_HALF_BITS: i64 = 0x3fe6a09e667f3bcd;
const MANTISSA: i64 = 0x000fffffffffffff;

// The kernels work in base 2 (the range reductions of exp2 and log2 need no
// multiplications by ln 2) except in the exact mode, which keeps the std
// lib's natural exp and log. Callers scale by the mode's ln(base).

/** ln of the mode's base: ln 2, or 1 in the exact mode. */
@inline
export function lnBase<M>(): f64 {
  return isExact<M>() ? 1.0 : LN2;
}

// Vector constants live in a static table: one load each, where a
// v128.const or a splat costs several instructions in V8's code.
const C64: usize = memory.data<f64>([
  SHIFTER, SHIFTER, // 0
  1.0, 1.0, // 1
  // 2..11: 2^r on |r| <= 1/2, degree-10 minimax (Remez), c1..c10 (c0 = 1).
  0.6931471805599497, 0.6931471805599497,
  0.24022650695908768, 0.24022650695908768,
  0.05550410866445883, 0.05550410866445883,
  0.009618129108034605, 0.009618129108034605,
  0.0013333558228561327, 0.0013333558228561327,
  0.00015403529961119085, 0.00015403529961119085,
  1.5252658116637374e-05, 1.5252658116637374e-05,
  1.3215662838949978e-06, 1.3215662838949978e-06,
  1.020853789089708e-07, 1.020853789089708e-07,
  7.037278476744431e-09, 7.037278476744431e-09,
  // 12..17: log2((1+s)/(1-s)) = s (2/ln2 + R(s^2)), R of degree 6 without
  // constant term, minimax (error 2e-16 of the log).
  0.9617966939248292, 0.9617966939248292,
  0.5770780171097608, 0.5770780171097608,
  0.4121984180392105, 0.4121984180392105,
  0.3206154814686938, 0.3206154814686938,
  0.26146888386856865, 0.26146888386856865,
  0.24265883828898552, 0.24265883828898552,
  2.8853900817779268, 2.8853900817779268, // 18: 2/ln2
  2.0, 2.0, // 19
  SHIFTER + 1023.0, SHIFTER + 1023.0, // 20
  // 21..25: integer bit patterns, stored as the f64 with those bits.
  reinterpret<f64>(ONE_BITS - SQRT_HALF_BITS), reinterpret<f64>(ONE_BITS - SQRT_HALF_BITS), // 21
  reinterpret<f64>(MANTISSA), reinterpret<f64>(MANTISSA), // 22
  reinterpret<f64>(SQRT_HALF_BITS), reinterpret<f64>(SQRT_HALF_BITS), // 23
  reinterpret<f64>(SHIFTER_BITS), reinterpret<f64>(SHIFTER_BITS), // 24
  reinterpret<f64>(ONE_BITS), reinterpret<f64>(ONE_BITS), // 25
]);

@inline
export function K64(i: i32): v128 {
  return v128.load(C64 + (<usize>i << 4));
}

/**
 * 2^x per lane for |x| <= 1022 (callers clamp). x = k + r, |r| <= 1/2, both
 * exact; 2^r by the degree-10 minimax polynomial in Estrin's form; 2^k built
 * in the exponent bits. Relative error about 3 ulp.
 */
@inline
function exp2Accurate(x: v128): v128 {
  const t = f64x2.add(x, K64(0));
  const r = f64x2.sub(x, f64x2.sub(t, K64(0)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const p01 = f64x2.add(K64(1), f64x2.mul(r, K64(2)));
  const p23 = f64x2.add(K64(3), f64x2.mul(r, K64(4)));
  const p45 = f64x2.add(K64(5), f64x2.mul(r, K64(6)));
  const p67 = f64x2.add(K64(7), f64x2.mul(r, K64(8)));
  const p89 = f64x2.add(K64(9), f64x2.mul(r, K64(10)));
  const q0 = f64x2.add(p01, f64x2.mul(r2, p23));
  const q1 = f64x2.add(p45, f64x2.mul(r2, p67));
  const q2 = f64x2.add(p89, f64x2.mul(r2, K64(11)));
  const poly = f64x2.add(f64x2.add(q0, f64x2.mul(r4, q1)), f64x2.mul(f64x2.mul(r4, r4), q2));
  // The low mantissa bits of t hold k: shifted into the exponent field and
  // added to the bits of 1.0 they give 2^k.
  const scale = i64x2.add(i64x2.shl(t, 52), K64(25));
  return f64x2.mul(poly, scale);
}

/**
 * log2 per lane for positive normal x (callers mask zeros). x = m 2^k with m
 * in [sqrt.5, sqrt2): adding 1 - sqrt.5 in the bit domain makes the exponent
 * field k + 1023 (a logical shift, which SSE has for 64-bit lanes).
 * log2 m = s (2/ln2 + R(s^2)), s = (m-1)/(m+1). Error about 2 ulp.
 */
@inline
function log2Accurate(x: v128): v128 {
  const xb = i64x2.add(x, K64(21));
  const kb = i64x2.shr_u(xb, 52);
  const m = i64x2.add(v128.and(xb, K64(22)), K64(23));
  const kf = f64x2.sub(i64x2.add(kb, K64(24)), K64(20));
  const f = f64x2.sub(m, K64(1));
  const s = f64x2.div(f, f64x2.add(K64(19), f));
  const z = f64x2.mul(s, s);
  const z2 = f64x2.mul(z, z);
  const a = f64x2.add(K64(12), f64x2.mul(z, K64(13)));
  const b = f64x2.add(K64(14), f64x2.mul(z, K64(15)));
  const c = f64x2.add(K64(16), f64x2.mul(z, K64(17)));
  const R = f64x2.mul(z, f64x2.add(f64x2.add(a, f64x2.mul(z2, b)), f64x2.mul(f64x2.mul(z2, z2), c)));
  return f64x2.add(kf, f64x2.mul(s, f64x2.add(K64(18), R)));
}

/** base^x per f64x2 lane: 2^x by the polynomial, or the std lib's e^x in the exact mode. */
@inline
export function vexpb<M>(x: v128): v128 {
  if (isExact<M>()) {
    return f64x2(Math.exp(f64x2.extract_lane(x, 0)), Math.exp(f64x2.extract_lane(x, 1)));
  }
  return exp2Accurate(x);
}

/** log_base x per f64x2 lane (positive normal x). */
@inline
export function vlogb<M>(x: v128): v128 {
  if (isExact<M>()) {
    return f64x2(Math.log(f64x2.extract_lane(x, 0)), Math.log(f64x2.extract_lane(x, 1)));
  }
  return log2Accurate(x);
}

// ---------------------------------------------------------------------------
// f32x4 (fast mode), base 2. Same reductions with f32 bit layouts;
// polynomials of degree 5 (2^r, 7.5e-8) and 2 (log2, 1.5e-7 of log2 m).
// ---------------------------------------------------------------------------

const SHIFTER32: f32 = 12582912.0; // 1.5 * 2^23
const ONE_BITS32: i32 = 0x3f800000;
const SQRT_HALF_BITS32: i32 = 0x3f3504f3;
const C32: usize = memory.data<f32>([
  SHIFTER32, SHIFTER32, SHIFTER32, SHIFTER32, // 0
  1.0, 1.0, 1.0, 1.0, // 1
  // 2..7: 2^r degree-5 minimax c0..c5
  1.0000001192092896, 1.0000001192092896, 1.0000001192092896, 1.0000001192092896,
  0.6931469440460205, 0.6931469440460205, 0.6931469440460205, 0.6931469440460205,
  0.24022120237350464, 0.24022120237350464, 0.24022120237350464, 0.24022120237350464,
  0.05550713092088699, 0.05550713092088699, 0.05550713092088699, 0.05550713092088699,
  0.009675540961325169, 0.009675540961325169, 0.009675540961325169, 0.009675540961325169,
  0.001327647129073739, 0.001327647129073739, 0.001327647129073739, 0.001327647129073739,
  // 8..9: log2 R(z) degree 2: c1 z + c2 z^2
  0.961637020111084, 0.961637020111084, 0.961637020111084, 0.961637020111084,
  0.5944324135780334, 0.5944324135780334, 0.5944324135780334, 0.5944324135780334,
  2.885390043258667, 2.885390043258667, 2.885390043258667, 2.885390043258667, // 10: 2/ln2
  2.0, 2.0, 2.0, 2.0, // 11
  // 12..16: integer bit patterns, stored as the f32 with those bits.
  reinterpret<f32>(ONE_BITS32 - SQRT_HALF_BITS32), reinterpret<f32>(ONE_BITS32 - SQRT_HALF_BITS32),
  reinterpret<f32>(ONE_BITS32 - SQRT_HALF_BITS32), reinterpret<f32>(ONE_BITS32 - SQRT_HALF_BITS32),
  reinterpret<f32>(127), reinterpret<f32>(127), reinterpret<f32>(127), reinterpret<f32>(127),
  reinterpret<f32>(0x007fffff), reinterpret<f32>(0x007fffff), reinterpret<f32>(0x007fffff), reinterpret<f32>(0x007fffff),
  reinterpret<f32>(SQRT_HALF_BITS32), reinterpret<f32>(SQRT_HALF_BITS32),
  reinterpret<f32>(SQRT_HALF_BITS32), reinterpret<f32>(SQRT_HALF_BITS32),
  reinterpret<f32>(ONE_BITS32), reinterpret<f32>(ONE_BITS32), reinterpret<f32>(ONE_BITS32), reinterpret<f32>(ONE_BITS32),
]);

@inline
export function K32(i: i32): v128 {
  return v128.load(C32 + (<usize>i << 4));
}

/** 2^x per f32x4 lane for |x| <= 126 (callers clamp); relative error about 2e-7. */
@inline
export function fexp2(x: v128): v128 {
  const t = f32x4.add(x, K32(0));
  const r = f32x4.sub(x, f32x4.sub(t, K32(0)));
  const r2 = f32x4.mul(r, r);
  const p01 = f32x4.add(K32(2), f32x4.mul(r, K32(3)));
  const p23 = f32x4.add(K32(4), f32x4.mul(r, K32(5)));
  const p45 = f32x4.add(K32(6), f32x4.mul(r, K32(7)));
  const poly = f32x4.add(f32x4.add(p01, f32x4.mul(r2, p23)), f32x4.mul(f32x4.mul(r2, r2), p45));
  const scale = i32x4.add(i32x4.shl(t, 23), K32(16));
  return f32x4.mul(poly, scale);
}

/** log2 x per f32x4 lane for positive normal x; absolute error about 2e-7. */
@inline
export function flog2(x: v128): v128 {
  const xb = i32x4.add(x, K32(12));
  const kb = i32x4.sub(i32x4.shr_u(xb, 23), K32(13));
  const m = i32x4.add(v128.and(xb, K32(14)), K32(15));
  const f = f32x4.sub(m, K32(1));
  const s = f32x4.div(f, f32x4.add(K32(11), f));
  const z = f32x4.mul(s, s);
  const R = f32x4.mul(z, f32x4.add(K32(8), f32x4.mul(z, K32(9))));
  return f32x4.add(f32x4.convert_i32x4_s(kb), f32x4.mul(s, f32x4.add(K32(10), R)));
}

/** Two f64x2 to one f32x4 (lo lanes 0-1, hi lanes 2-3). */
@inline
export function demote2(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** Lanes 0-1 of an f32x4 as f64x2. */
@inline
export function promoteLo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2-3 of an f32x4 as f64x2. */
@inline
export function promoteHi(v: v128): v128 {
  return f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1));
}
