// f64x2 exp and log with ~1e-15 relative accuracy, and their exact (std lib,
// lane by lane) counterparts behind one switch. The kernels call only vexp and
// vlog, so the value and gradient always use the same functions.

/** When true, vexp/vlog call the std lib per lane (the reference-exact path). */
export let exactMath: bool = false;

export function setExactMath(on: bool): void {
  exactMath = on;
}

// Range reduction constants: ln 2 split so that k * LN2_HI is exact for |k| < 2^11.
const LN2_HI: f64 = 6.93147180369123816490e-01; // 0x3fe62e42fee00000
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e00;
// 1.5 * 2^52: adding it rounds to an integer held in the low mantissa bits.
const ROUND_SHIFTER: f64 = 6755399441055744.0;
const ROUND_SHIFTER_BITS: i64 = 0x4338000000000000;
const EXPONENT_ONE: i64 = 0x3ff0000000000000;
// Bits of sqrt(0.5): subtracting it centres the mantissa on [sqrt(.5), sqrt(2)).
const SQRT_HALF_BITS: i64 = 0x3fe6a09e667f3bcd;

// Largest and smallest arguments with a normal, finite result.
const EXP_MAX: f64 = 708.0;
const EXP_MIN: f64 = -708.0;

// Every vector constant of vexp/vlog, each duplicated into both lanes: a load
// from a static table is one instruction where a v128.const takes several.
const CONSTANTS: usize = memory.data<f64>([
  EXP_MIN, EXP_MIN,
  EXP_MAX, EXP_MAX,
  INV_LN2, INV_LN2,
  ROUND_SHIFTER, ROUND_SHIFTER,
  LN2_HI, LN2_HI,
  LN2_LO, LN2_LO,
  1.0, 1.0,
  0.5, 0.5,
  1.0 / 6.0, 1.0 / 6.0,
  1.0 / 24.0, 1.0 / 24.0,
  1.0 / 120.0, 1.0 / 120.0,
  1.0 / 720.0, 1.0 / 720.0,
  1.0 / 5040.0, 1.0 / 5040.0,
  1.0 / 40320.0, 1.0 / 40320.0,
  1.0 / 362880.0, 1.0 / 362880.0,
  1.0 / 3628800.0, 1.0 / 3628800.0,
  1.0 / 39916800.0, 1.0 / 39916800.0,
  1.0 / 479001600.0, 1.0 / 479001600.0,
  2.0, 2.0,
  1.0 / 3.0, 1.0 / 3.0,
  1.0 / 5.0, 1.0 / 5.0,
  1.0 / 7.0, 1.0 / 7.0,
  1.0 / 9.0, 1.0 / 9.0,
  1.0 / 11.0, 1.0 / 11.0,
  1.0 / 13.0, 1.0 / 13.0,
  1.0 / 15.0, 1.0 / 15.0,
  1.0 / 17.0, 1.0 / 17.0,
  1.0 / 19.0, 1.0 / 19.0,
]);

@inline
function K(i: i32): v128 {
  return v128.load(CONSTANTS + (<usize>i << 4));
}


/**
 * e^x for each lane; arguments are clamped to [-708, 708] (callers clamp
 * their own arguments where that matters). Taylor polynomial of degree 12 on
 * |r| <= ln2/2 (truncation 1.7e-16), Estrin's scheme for parallelism.
 */
@inline
export function vexp(x: v128): v128 {
  if (exactMath) {
    return f64x2(
      Math.exp(f64x2.extract_lane(x, 0)),
      Math.exp(f64x2.extract_lane(x, 1)),
    );
  }
  x = f64x2.pmin(f64x2.pmax(x, K(0)), K(1));
  const t = f64x2.add(f64x2.mul(x, K(2)), K(3));
  const k = f64x2.sub(t, K(3));
  const r = f64x2.sub(
    f64x2.sub(x, f64x2.mul(k, K(4))),
    f64x2.mul(k, K(5)),
  );
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  // Pairs c_i + c_{i+1} r, with c_i = 1/i!.
  const p01 = f64x2.add(K(6), r);
  const p23 = f64x2.add(K(7), f64x2.mul(r, K(8)));
  const p45 = f64x2.add(K(9), f64x2.mul(r, K(10)));
  const p67 = f64x2.add(K(11), f64x2.mul(r, K(12)));
  const p89 = f64x2.add(K(13), f64x2.mul(r, K(14)));
  const pab = f64x2.add(
    K(15),
    f64x2.mul(r, K(16)),
  );
  const pc = K(17);
  const q0 = f64x2.add(p01, f64x2.mul(r2, p23));
  const q1 = f64x2.add(p45, f64x2.mul(r2, p67));
  const q2 = f64x2.add(p89, f64x2.mul(r2, pab));
  const lo = f64x2.add(q0, f64x2.mul(r4, q1));
  const hi = f64x2.add(q2, f64x2.mul(r4, pc));
  const poly = f64x2.add(lo, f64x2.mul(r8, hi));
  // 2^k: the low mantissa bits of t hold k (+2^51); shifting them into the
  // exponent field and adding the bias gives the bits of 2^k.
  const scale = i64x2.add(i64x2.shl(t, 52), i64x2.splat(EXPONENT_ONE));
  return f64x2.mul(poly, scale);
}

/**
 * Natural log for each lane, for positive normal inputs (zero, negative and
 * subnormal lanes give garbage: callers mask them). log(m 2^k) with m in
 * [sqrt(.5), sqrt(2)): log(m) = 2 atanh(s), s = (m-1)/(m+1), series in s^2
 * to degree 8 (truncation below 1e-15 relative).
 */
@inline
export function vlog(x: v128): v128 {
  if (exactMath) {
    return f64x2(
      Math.log(f64x2.extract_lane(x, 0)),
      Math.log(f64x2.extract_lane(x, 1)),
    );
  }
  const shifted = i64x2.sub(x, i64x2.splat(SQRT_HALF_BITS));
  const k = i64x2.shr_s(shifted, 52);
  const m = i64x2.sub(x, i64x2.shl(k, 52));
  const f = f64x2.sub(m, K(6));
  const s = f64x2.div(f, f64x2.add(K(18), f));
  const z = f64x2.mul(s, s);
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  // P(z) = sum_{j=0..8} z^j / (2j+3) ... written as pairs for Estrin.
  const a01 = f64x2.add(K(19), f64x2.mul(z, K(20)));
  const a23 = f64x2.add(K(21), f64x2.mul(z, K(22)));
  const a45 = f64x2.add(K(23), f64x2.mul(z, K(24)));
  const a67 = f64x2.add(K(25), f64x2.mul(z, K(26)));
  const a8 = K(27);
  const b0 = f64x2.add(a01, f64x2.mul(z2, a23));
  const b1 = f64x2.add(a45, f64x2.mul(z2, a67));
  const poly = f64x2.add(f64x2.add(b0, f64x2.mul(z4, b1)), f64x2.mul(f64x2.mul(z4, z4), a8));
  // log(1+f) = 2s + 2s z P(z), and 2s = f - s f exactly in real arithmetic.
  const sf = f64x2.mul(s, f);
  const tail = f64x2.mul(f64x2.mul(f64x2.add(s, s), z), poly);
  const kf = f64x2.sub(
    i64x2.add(k, i64x2.splat(ROUND_SHIFTER_BITS)),
    K(3),
  );
  const low = f64x2.add(f64x2.sub(tail, sf), f64x2.mul(kf, K(5)));
  return f64x2.add(f64x2.mul(kf, K(4)), f64x2.add(f, low));
}

/** Sum of the two lanes. */
@inline
export function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}
