// Media transforms and their gradients, one series at a time, vectorised
// over time (see layout.ts). A series is one channel (national model) or one
// (channel, geo) pair, s = c * nG + g: the transform parameters are the
// channel's, the coefficient is coef_media[s] and the series adds into geo
// g's row of mu. The forward passes add coef * f into mu and store
// per cell everything the gradient needs, so that the reverse pass is a few
// dot products with the residual r = (y - mu) / sigma^2 and no recursion:
//   F  = f                     (d/d coef)
//   H  = coef * df/dls / p     (p = slope or exponent; ls = log input)
//   HD = coef * df/dp
//   G  = coef * df/da * da/dlag  (adstock: da/dlag runs forward with a)
//        coef * df/dconv         (carryover)
// Each kernel is compiled once per math mode M (simdmath.ts).

import { LN2, demote2, fexp2, flog2, isExact, isFast, lnBase, promoteHi, promoteLo, vexpb, vlogb } from "./simdmath";
import {
  nC,
  nG,
  nS,
  nLags,
  nTp,
  normaliseAdstock,
  offMedia,
  offTransform1,
  offTransform2,
  offTransform3,
  pCellG,
  pCellH,
  pCellHD,
  pDLog1mValue,
  pDLogValue,
  pDValue,
  pChannelScratch,
  pLagWeights,
  pLog1mValue,
  pLogValue,
  pMedia,
  pMedia32,
  pMu,
  pResid,
  pSat,
  pSat32,
  pSeriesA,
  pSeriesB,
  pScratchY,
  pScratchE,
  pScratch32,
  pValue,
  seriesStride,
} from "./layout";
import { f64At, addGrad, hsum } from "./access";

// Adstock or convolution values below this count as zero: the log stays
// finite and 1/a cannot overflow. Exactly zero media gives exactly zero.
const MIN_POS: f64 = 1e-300;
// Hill exponent clamp: 1/(1+e^z) is exactly 1 below -37 and under 5e-18
// above 40, so the clamp changes nothing visible and keeps a(1+e^z) finite.
const HILL_Z: f64 = 40.0;
// Power-law exponent clamp (e^z stays normal); in base 2 for 2^z.
const POW_Z: f64 = 708.0;
const POW_Z2: f64 = 1021.0;
// Fast mode: f32 range for the adstock value (a (1 + e^z) stays finite) and
// the power-law exponent.
const FAST_MIN: f64 = 1e-30;
const FAST_MAX: f64 = 1e20;
const FAST_POW_Z2: f32 = 115.0; // 2^-115 is still a normal f32

// Kernel constants, loaded where used (see simdmath.ts on why a table).
const KC: usize = memory.data<f64>([
  1.0, 1.0, // 0
  MIN_POS, MIN_POS, // 1
  -HILL_Z, -HILL_Z, // 2
  HILL_Z, HILL_Z, // 3
  -POW_Z, -POW_Z, // 4
  POW_Z, POW_Z, // 5
  // 6..9: the same clamps in base 2
  -HILL_Z / LN2, -HILL_Z / LN2, // 6
  HILL_Z / LN2, HILL_Z / LN2, // 7
  -POW_Z2, -POW_Z2, // 8
  POW_Z2, POW_Z2, // 9
]);
const KC32: usize = memory.data<f32>([
  <f32>FAST_MIN, <f32>FAST_MIN, <f32>FAST_MIN, <f32>FAST_MIN, // 0
  1.0, 1.0, 1.0, 1.0, // 1
  // 2..5: clamps in base 2
  <f32>(-HILL_Z / LN2), <f32>(-HILL_Z / LN2), <f32>(-HILL_Z / LN2), <f32>(-HILL_Z / LN2), // 2
  <f32>(HILL_Z / LN2), <f32>(HILL_Z / LN2), <f32>(HILL_Z / LN2), <f32>(HILL_Z / LN2), // 3
  -FAST_POW_Z2, -FAST_POW_Z2, -FAST_POW_Z2, -FAST_POW_Z2, // 4
  FAST_POW_Z2, FAST_POW_Z2, FAST_POW_Z2, FAST_POW_Z2, // 5
  <f32>FAST_MAX, <f32>FAST_MAX, <f32>FAST_MAX, <f32>FAST_MAX, // 6
]);

@inline
function KC64(i: i32): v128 {
  return v128.load(KC + (<usize>i << 4));
}

@inline
function KF32(i: i32): v128 {
  return v128.load(KC32 + (<usize>i << 4));
}

// The channel's parameters as vectors, written before its time loop and
// loaded inside it: V8 would otherwise keep them as scalars and re-splat them
// in the loop under register pressure.
const PV: usize = memory.data(16 << 4, 16);

@inline
function setPV(i: i32, v: f64): void {
  v128.store(PV + (<usize>i << 4), f64x2.splat(v));
}

@inline
function setPV32(i: i32, v: f64): void {
  v128.store(PV + (<usize>i << 4), f32x4.splat(<f32>v));
}

@inline
function P(i: i32): v128 {
  return v128.load(PV + (<usize>i << 4));
}

// Slots of PV.
const P_LAG = 0;
const P_LAG2 = 1; // lag^2
const P_LAG2X = 2; // 2 lag
const P_SHIFT = 3; // subtracted from log a: hill log K - log(1 - lag); power -log(1 - lag) or log sum(w) (mode's base)
const P_SCALE = 4; // hill: -slope; power: exponent
const P_BETA = 5;
const P_BETA_P = 6; // coef * slope or coef * exponent
const P32_SHIFT = 8; // f32x4 copies for the fast mode
const P32_SCALE = 9;
const P32_BETA = 10;
const P32_BETA_P = 11;
const P2_LAG = 12; // second channel of a scan pair
const P2_LAG2 = 13;
const P2_LAG2X = 14;

@inline
function splat(v: f64): v128 {
  return f64x2.splat(v);
}

@inline
function clamp(v: v128, lo: v128, hi: v128): v128 {
  return f64x2.pmin(f64x2.pmax(v, lo), hi);
}

@inline
function clamp32(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** Geo g's row of mu (the national model has one, g = 0). */
@inline
function muRow(g: i32): usize {
  return pMu + ((<usize>g * <usize>nTp) << 3);
}

/** Geo g's row of the residual (y - mu) / sigma^2. */
@inline
function residRow(g: i32): usize {
  return pResid + ((<usize>g * <usize>nTp) << 3);
}

/** Geo g's row of the fast mode's f32 residual. */
@inline
function resid32Row(g: i32): usize {
  return pScratch32 + ((<usize>g * <usize>nTp) << 2);
}

/** mu[t..t+1] += v at p = mu + 8t */
@inline
function addMu(p: usize, v: v128): void {
  v128.store(p, f64x2.add(v128.load(p), v));
}

// ---------------------------------------------------------------------------
// The forward pass of a channel runs as a few short loops (passes) over its
// series instead of one long one: each cell's log -> exp -> reciprocal chain
// is long, and a short loop body lets the out-of-order window overlap many
// iterations of it (measured ~1.5x over one fused loop). Intermediates go
// through the scratch rows pScratch* (f32 in the fast mode).
// ---------------------------------------------------------------------------

/** log(1 - lag) of channel c when the adstock is normalised, else 0. */
@inline
function adstockLog1m(c: i32): f64 {
  return normaliseAdstock ? f64At(pLog1mValue, offTransform1 + c) : 0.0;
}

@inline
function setLagParams(c: i32, slot: i32): void {
  const lag = f64At(pValue, offTransform1 + c);
  setPV(slot, lag);
  setPV(slot + 1, lag * lag);
  setPV(slot + 2, 2 * lag);
}

/** Two scan rows at byte offset off: f64, or f32 at off / 2 in the fast mode (all it reads). */
@inline
function storeScan<M>(p: usize, off: usize, v: v128): void {
  if (isFast<M>()) v128.store64_lane(p + (off >> 1), f32x4.demote_f64x2_zero(v), 0);
  else v128.store(p + off, v);
}

/**
 * Geometric adstock of every channel, two rows per step:
 *   a[t] = lag^2 a[t-2] + lag x[t-1] + x[t]
 * and its lag derivative b[t] = lag^2 b[t-2] + 2 lag a[t-2] + x[t-1], so the
 * gradient needs no backward sweep. a goes to pSeriesA, b to pSeriesB.
 * Channels go two per loop: two independent recursions per iteration.
 */
export function adstockScan<M>(): void {
  let c = 0;
  for (; c + 1 < nS; c += 2) {
    setLagParams(c / nG, P_LAG);
    setLagParams((c + 1) / nG, P2_LAG);
    const base = <usize>c * seriesStride;
    const x0 = pMedia + base;
    const x1 = x0 + seriesStride;
    const a0p = pSeriesA + base;
    const a1p = a0p + seriesStride;
    const b0p = pSeriesB + base;
    const b1p = b0p + seriesStride;
    let a0 = f64x2.splat(0); // (a[t-2], a[t-1])
    let b0 = f64x2.splat(0); // (b[t-2], b[t-1])
    let a1 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      const xs0 = v128.load(x0 + off - 8);
      const xs1 = v128.load(x1 + off - 8);
      const bn0 = f64x2.add(f64x2.mul(P(P_LAG2), b0), f64x2.add(f64x2.mul(P(P_LAG2X), a0), xs0));
      const bn1 = f64x2.add(f64x2.mul(P(P2_LAG2), b1), f64x2.add(f64x2.mul(P(P2_LAG2X), a1), xs1));
      a0 = f64x2.add(f64x2.mul(P(P_LAG2), a0), f64x2.add(f64x2.mul(P(P_LAG), xs0), v128.load(x0 + off)));
      a1 = f64x2.add(f64x2.mul(P(P2_LAG2), a1), f64x2.add(f64x2.mul(P(P2_LAG), xs1), v128.load(x1 + off)));
      b0 = bn0;
      b1 = bn1;
      storeScan<M>(a0p, off, a0);
      storeScan<M>(a1p, off, a1);
      storeScan<M>(b0p, off, b0);
      storeScan<M>(b1p, off, b1);
    }
  }
  if (c < nS) {
    setLagParams(c / nG, P_LAG);
    const base = <usize>c * seriesStride;
    const x = pMedia + base;
    const ap = pSeriesA + base;
    const bp = pSeriesB + base;
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      const xs = v128.load(x + off - 8);
      const bn = f64x2.add(f64x2.mul(P(P_LAG2), b), f64x2.add(f64x2.mul(P(P_LAG2X), a), xs));
      a = f64x2.add(f64x2.mul(P(P_LAG2), a), f64x2.add(f64x2.mul(P(P_LAG), xs), v128.load(x + off)));
      b = bn;
      storeScan<M>(ap, off, a);
      storeScan<M>(bp, off, b);
    }
  }
}

// Passes take 8 rows per iteration (four f64x2 or two f32x4 cells, nTp is
// a multiple of 8): the cells' long exp/log chains are independent, and
// spelling them out side by side lets V8's scheduler interleave them
// (measured ~25% over one cell per iteration).

@inline
function logOf<M>(src: usize, off: usize): v128 {
  return f64x2.sub(vlogb<M>(f64x2.pmax(v128.load(src + off), KC64(1))), P(P_SHIFT));
}

/**
 * y = log(a) - shift for the series a at src, into pScratchY. Zero (and tiny)
 * a are lifted to MIN_POS here and masked out later. Fast mode: src holds a
 * as f32 (from the scan), clamped into f32's range here and kept in
 * pScratch32; src = 0 means a is there already (carryover).
 */
@inline
export function logPass<M>(src: usize): void {
  const dst = pScratchY;
  const a32 = pScratch32;
  if (isFast<M>() && src == 0) {
    // a is already in pScratch32 as f32 (carryover).
    for (let t = 0; t < nTp; t += 8) {
      const off = <usize>t << 2;
      const y0 = f32x4.sub(flog2(v128.load(a32 + off)), P(P32_SHIFT));
      const y1 = f32x4.sub(flog2(v128.load(a32 + off + 16)), P(P32_SHIFT));
      v128.store(dst + off, y0);
      v128.store(dst + off + 16, y1);
    }
  } else if (isFast<M>()) {
    // The scan left a as f32 at src.
    for (let t = 0; t < nTp; t += 8) {
      const off = <usize>t << 2;
      const a0 = clamp32(v128.load(src + off), KF32(0), KF32(6));
      const a1 = clamp32(v128.load(src + off + 16), KF32(0), KF32(6));
      const y0 = f32x4.sub(flog2(a0), P(P32_SHIFT));
      const y1 = f32x4.sub(flog2(a1), P(P32_SHIFT));
      v128.store(a32 + off, a0);
      v128.store(a32 + off + 16, a1);
      v128.store(dst + off, y0);
      v128.store(dst + off + 16, y1);
    }
  } else {
    for (let t = 0; t < nTp; t += 8) {
      const off = <usize>t << 3;
      // All loads before all stores: the four chains can then interleave.
      const y0 = logOf<M>(src, off);
      const y1 = logOf<M>(src, off + 16);
      const y2 = logOf<M>(src, off + 32);
      const y3 = logOf<M>(src, off + 48);
      v128.store(dst + off, y0);
      v128.store(dst + off + 16, y1);
      v128.store(dst + off + 32, y2);
      v128.store(dst + off + 48, y3);
    }
  }
}

@inline
function expOf<M>(src: usize, off: usize, lo: i32): v128 {
  return vexpb<M>(clamp(f64x2.mul(P(P_SCALE), v128.load(src + off)), KC64(lo), KC64(lo + 1)));
}

@inline
function expOf32(src: usize, off: usize, lo: i32): v128 {
  return fexp2(clamp32(f32x4.mul(P(P32_SCALE), v128.load(src + off)), KF32(lo), KF32(lo + 1)));
}

/**
 * e = base^clamp(scale y) for y in pScratchY, into pScratchE. The clamp is the hill
 * exponent's or the power law's (HILL_Z, POW_Z in natural units).
 */
@inline
export function expPass<M>(hill: bool): void {
  const src = pScratchY;
  const dst = pScratchE;
  if (isFast<M>()) {
    const lo = hill ? 2 : 4;
    for (let t = 0; t < nTp; t += 8) {
      const off = <usize>t << 2;
      const e0 = expOf32(src, off, lo);
      const e1 = expOf32(src, off + 16, lo);
      v128.store(dst + off, e0);
      v128.store(dst + off + 16, e1);
    }
  } else {
    const lo = (isExact<M>() ? 2 : 6) + (hill ? 0 : 2);
    for (let t = 0; t < nTp; t += 8) {
      const off = <usize>t << 3;
      const e0 = expOf<M>(src, off, lo);
      const e1 = expOf<M>(src, off + 16, lo);
      const e2 = expOf<M>(src, off + 32, lo);
      const e3 = expOf<M>(src, off + 48, lo);
      v128.store(dst + off, e0);
      v128.store(dst + off + 16, e1);
      v128.store(dst + off + 32, e2);
      v128.store(dst + off + 48, e3);
    }
  }
}

/**
 * Rest of a hill channel after logPass (y = d) and expPass (e): f = 1/(1+e)
 * masked, H, HD, G; adds coef f into mu. Eight rows per iteration, every
 * load before every store (see the note above logPass).
 */
@inline
function hillRest<M>(base: usize, pMu: usize): void {
  const sa = pSeriesA + base;
  const sb = pSeriesB + base;
  const sat = pSat + base;
  const cellH = pCellH + base;
  const cellHD = pCellHD + base;
  const cellG = pCellG + base;
  for (let t = 0; t < nTp; t += 8) {
    const off = <usize>t << 3;
    if (isFast<M>()) {
      // Four rows per f32x4; H, HD, G stored as f32.
      const a0 = v128.load(pScratch32 + (off >> 1));
      const a1 = v128.load(pScratch32 + ((off + 32) >> 1));
      const d0 = v128.load(pScratchY + (off >> 1));
      const d1 = v128.load(pScratchY + ((off + 32) >> 1));
      const e0 = v128.load(pScratchE + (off >> 1));
      const e1 = v128.load(pScratchE + ((off + 32) >> 1));
      const bb0 = v128.load(sb + (off >> 1));
      const bb1 = v128.load(sb + ((off + 32) >> 1));
      const m0 = v128.load(pMu + off);
      const m1 = v128.load(pMu + off + 32);
      const n0 = v128.load(pMu + off + 16);
      const n1 = v128.load(pMu + off + 48);
      const pos0 = f32x4.gt(a0, KF32(0));
      const pos1 = f32x4.gt(a1, KF32(0));
      const rcp0 = f32x4.div(KF32(1), f32x4.mul(a0, f32x4.add(KF32(1), e0)));
      const rcp1 = f32x4.div(KF32(1), f32x4.mul(a1, f32x4.add(KF32(1), e1)));
      const f0 = v128.and(f32x4.mul(a0, rcp0), pos0);
      const f1 = v128.and(f32x4.mul(a1, rcp1), pos1);
      const ef0 = f32x4.mul(e0, f0);
      const ef1 = f32x4.mul(e1, f1);
      const h0 = f32x4.mul(f32x4.mul(P(P32_BETA), ef0), f0);
      const h1 = f32x4.mul(f32x4.mul(P(P32_BETA), ef1), f1);
      const g0 = f32x4.mul(f32x4.mul(f32x4.mul(P(P32_BETA_P), ef0), rcp0), bb0);
      const g1 = f32x4.mul(f32x4.mul(f32x4.mul(P(P32_BETA_P), ef1), rcp1), bb1);
      const lo0 = promoteLo(f0);
      const lo1 = promoteLo(f1);
      const hi0 = promoteHi(f0);
      const hi1 = promoteHi(f1);
      v128.store(cellH + (off >> 1), h0);
      v128.store(cellH + ((off + 32) >> 1), h1);
      v128.store(cellHD + (off >> 1), f32x4.mul(h0, d0));
      v128.store(cellHD + ((off + 32) >> 1), f32x4.mul(h1, d1));
      v128.store(cellG + (off >> 1), g0);
      v128.store(cellG + ((off + 32) >> 1), g1);
      v128.store(pSat32 + base + (off >> 1), f0);
      v128.store(pSat32 + base + ((off + 32) >> 1), f1);
      v128.store(sat + off, lo0);
      v128.store(sat + off + 32, lo1);
      v128.store(sat + off + 16, hi0);
      v128.store(sat + off + 48, hi1);
      v128.store(pMu + off, f64x2.add(m0, f64x2.mul(P(P_BETA), lo0)));
      v128.store(pMu + off + 32, f64x2.add(m1, f64x2.mul(P(P_BETA), lo1)));
      v128.store(pMu + off + 16, f64x2.add(n0, f64x2.mul(P(P_BETA), hi0)));
      v128.store(pMu + off + 48, f64x2.add(n1, f64x2.mul(P(P_BETA), hi1)));
    } else {
      // One reciprocal serves f = 1/(1+e) and 1/a; f (1 - f) = e f^2.
      const a0 = v128.load(sa + off);
      const a1 = v128.load(sa + off + 16);
      const a2 = v128.load(sa + off + 32);
      const a3 = v128.load(sa + off + 48);
      const d0 = v128.load(pScratchY + off);
      const d1 = v128.load(pScratchY + off + 16);
      const d2 = v128.load(pScratchY + off + 32);
      const d3 = v128.load(pScratchY + off + 48);
      const e0 = v128.load(pScratchE + off);
      const e1 = v128.load(pScratchE + off + 16);
      const e2 = v128.load(pScratchE + off + 32);
      const e3 = v128.load(pScratchE + off + 48);
      const b0 = v128.load(sb + off);
      const b1 = v128.load(sb + off + 16);
      const b2 = v128.load(sb + off + 32);
      const b3 = v128.load(sb + off + 48);
      const m0 = v128.load(pMu + off);
      const m1 = v128.load(pMu + off + 16);
      const m2 = v128.load(pMu + off + 32);
      const m3 = v128.load(pMu + off + 48);
      const pos0 = f64x2.ge(a0, KC64(1));
      const pos1 = f64x2.ge(a1, KC64(1));
      const pos2 = f64x2.ge(a2, KC64(1));
      const pos3 = f64x2.ge(a3, KC64(1));
      const as0 = f64x2.pmax(a0, KC64(1));
      const as1 = f64x2.pmax(a1, KC64(1));
      const as2 = f64x2.pmax(a2, KC64(1));
      const as3 = f64x2.pmax(a3, KC64(1));
      const rcp0 = f64x2.div(KC64(0), f64x2.mul(as0, f64x2.add(KC64(0), e0)));
      const rcp1 = f64x2.div(KC64(0), f64x2.mul(as1, f64x2.add(KC64(0), e1)));
      const rcp2 = f64x2.div(KC64(0), f64x2.mul(as2, f64x2.add(KC64(0), e2)));
      const rcp3 = f64x2.div(KC64(0), f64x2.mul(as3, f64x2.add(KC64(0), e3)));
      const f0 = v128.and(f64x2.mul(as0, rcp0), pos0);
      const f1 = v128.and(f64x2.mul(as1, rcp1), pos1);
      const f2 = v128.and(f64x2.mul(as2, rcp2), pos2);
      const f3 = v128.and(f64x2.mul(as3, rcp3), pos3);
      const ef0 = f64x2.mul(e0, f0);
      const ef1 = f64x2.mul(e1, f1);
      const ef2 = f64x2.mul(e2, f2);
      const ef3 = f64x2.mul(e3, f3);
      const h0 = f64x2.mul(f64x2.mul(P(P_BETA), ef0), f0);
      const h1 = f64x2.mul(f64x2.mul(P(P_BETA), ef1), f1);
      const h2 = f64x2.mul(f64x2.mul(P(P_BETA), ef2), f2);
      const h3 = f64x2.mul(f64x2.mul(P(P_BETA), ef3), f3);
      const g0 = f64x2.mul(f64x2.mul(f64x2.mul(P(P_BETA_P), ef0), rcp0), b0);
      const g1 = f64x2.mul(f64x2.mul(f64x2.mul(P(P_BETA_P), ef1), rcp1), b1);
      const g2 = f64x2.mul(f64x2.mul(f64x2.mul(P(P_BETA_P), ef2), rcp2), b2);
      const g3 = f64x2.mul(f64x2.mul(f64x2.mul(P(P_BETA_P), ef3), rcp3), b3);
      v128.store(sat + off, f0);
      v128.store(sat + off + 16, f1);
      v128.store(sat + off + 32, f2);
      v128.store(sat + off + 48, f3);
      v128.store(cellH + off, h0);
      v128.store(cellH + off + 16, h1);
      v128.store(cellH + off + 32, h2);
      v128.store(cellH + off + 48, h3);
      v128.store(cellHD + off, f64x2.mul(h0, d0));
      v128.store(cellHD + off + 16, f64x2.mul(h1, d1));
      v128.store(cellHD + off + 32, f64x2.mul(h2, d2));
      v128.store(cellHD + off + 48, f64x2.mul(h3, d3));
      v128.store(cellG + off, g0);
      v128.store(cellG + off + 16, g1);
      v128.store(cellG + off + 32, g2);
      v128.store(cellG + off + 48, g3);
      v128.store(pMu + off, f64x2.add(m0, f64x2.mul(P(P_BETA), f0)));
      v128.store(pMu + off + 16, f64x2.add(m1, f64x2.mul(P(P_BETA), f1)));
      v128.store(pMu + off + 32, f64x2.add(m2, f64x2.mul(P(P_BETA), f2)));
      v128.store(pMu + off + 48, f64x2.add(m3, f64x2.mul(P(P_BETA), f3)));
    }
  }
}

/** hill_adstock forward: f = 1 / (1 + e^z), z = slope (log K - ls), ls = log(a (1 - lag)). */
export function hillForward<M>(): void {
  adstockScan<M>();
  for (let s = 0; s < nS; s++) {
    const c = s / nG;
    const log1m = adstockLog1m(c);
    const slope = f64At(pValue, offTransform3 + c);
    const beta = f64At(pValue, offMedia + s);
    // y = d = ls - log K = log a - (log K - log(1 - lag)), in the mode's
    // base; e = base^(-slope d).
    const shift = (f64At(pLogValue, offTransform2 + c) - log1m) / lnBase<M>();
    setPV(P_SHIFT, shift);
    setPV(P_SCALE, -slope);
    setPV(P_BETA, beta);
    setPV(P_BETA_P, beta * slope);
    setPV32(P32_SHIFT, shift);
    setPV32(P32_SCALE, -slope);
    setPV32(P32_BETA, beta);
    setPV32(P32_BETA_P, beta * slope);
    const base = <usize>s * seriesStride;
    logPass<M>(pSeriesA + base);
    expPass<M>(true);
    hillRest<M>(base, muRow(s - c * nG));
  }
}

/**
 * Rest of a power-law channel (adstock, carryover) after logPass (y = ls) and
 * expPass (e = f): stores f, HD = coef f ls and G = coef p f / a (times the
 * adstock's b when withB; HD and G as f32 in the fast mode), and adds coef f
 * into mu.
 */
@inline
function powerRest<M>(base: usize, withB: bool, pMu: usize): void {
  const sa = pSeriesA + base;
  const sb = pSeriesB + base;
  const sat = pSat + base;
  const cellHD = pCellHD + base;
  const cellG = pCellG + base;
  for (let t = 0; t < nTp; t += 8) {
    const off = <usize>t << 3;
    if (isFast<M>()) {
      const a0 = v128.load(pScratch32 + (off >> 1));
      const a1 = v128.load(pScratch32 + ((off + 32) >> 1));
      const y0 = v128.load(pScratchY + (off >> 1));
      const y1 = v128.load(pScratchY + ((off + 32) >> 1));
      const e0 = v128.load(pScratchE + (off >> 1));
      const e1 = v128.load(pScratchE + ((off + 32) >> 1));
      const m0 = v128.load(pMu + off);
      const m1 = v128.load(pMu + off + 32);
      const n0 = v128.load(pMu + off + 16);
      const n1 = v128.load(pMu + off + 48);
      const f0 = v128.and(e0, f32x4.gt(a0, KF32(0)));
      const f1 = v128.and(e1, f32x4.gt(a1, KF32(0)));
      const g0 = f32x4.mul(P(P32_BETA_P), f32x4.div(f0, a0));
      const g1 = f32x4.mul(P(P32_BETA_P), f32x4.div(f1, a1));
      const hd0 = f32x4.mul(P(P32_BETA), f32x4.mul(f0, y0));
      const hd1 = f32x4.mul(P(P32_BETA), f32x4.mul(f1, y1));
      const lo0 = promoteLo(f0);
      const lo1 = promoteLo(f1);
      const hi0 = promoteHi(f0);
      const hi1 = promoteHi(f1);
      v128.store(cellHD + (off >> 1), hd0);
      v128.store(cellHD + ((off + 32) >> 1), hd1);
      v128.store(cellG + (off >> 1), withB ? f32x4.mul(g0, v128.load(sb + (off >> 1))) : g0);
      v128.store(cellG + ((off + 32) >> 1), withB ? f32x4.mul(g1, v128.load(sb + ((off + 32) >> 1))) : g1);
      v128.store(pSat32 + base + (off >> 1), f0);
      v128.store(pSat32 + base + ((off + 32) >> 1), f1);
      v128.store(sat + off, lo0);
      v128.store(sat + off + 32, lo1);
      v128.store(sat + off + 16, hi0);
      v128.store(sat + off + 48, hi1);
      v128.store(pMu + off, f64x2.add(m0, f64x2.mul(P(P_BETA), lo0)));
      v128.store(pMu + off + 32, f64x2.add(m1, f64x2.mul(P(P_BETA), lo1)));
      v128.store(pMu + off + 16, f64x2.add(n0, f64x2.mul(P(P_BETA), hi0)));
      v128.store(pMu + off + 48, f64x2.add(n1, f64x2.mul(P(P_BETA), hi1)));
    } else {
      const a0 = v128.load(sa + off);
      const a1 = v128.load(sa + off + 16);
      const a2 = v128.load(sa + off + 32);
      const a3 = v128.load(sa + off + 48);
      const y0 = v128.load(pScratchY + off);
      const y1 = v128.load(pScratchY + off + 16);
      const y2 = v128.load(pScratchY + off + 32);
      const y3 = v128.load(pScratchY + off + 48);
      const e0 = v128.load(pScratchE + off);
      const e1 = v128.load(pScratchE + off + 16);
      const e2 = v128.load(pScratchE + off + 32);
      const e3 = v128.load(pScratchE + off + 48);
      const m0 = v128.load(pMu + off);
      const m1 = v128.load(pMu + off + 16);
      const m2 = v128.load(pMu + off + 32);
      const m3 = v128.load(pMu + off + 48);
      const f0 = v128.and(e0, f64x2.ge(a0, KC64(1)));
      const f1 = v128.and(e1, f64x2.ge(a1, KC64(1)));
      const f2 = v128.and(e2, f64x2.ge(a2, KC64(1)));
      const f3 = v128.and(e3, f64x2.ge(a3, KC64(1)));
      const bf0 = f64x2.mul(P(P_BETA), f0);
      const bf1 = f64x2.mul(P(P_BETA), f1);
      const bf2 = f64x2.mul(P(P_BETA), f2);
      const bf3 = f64x2.mul(P(P_BETA), f3);
      const g0 = f64x2.div(f64x2.mul(P(P_BETA_P), f0), f64x2.pmax(a0, KC64(1)));
      const g1 = f64x2.div(f64x2.mul(P(P_BETA_P), f1), f64x2.pmax(a1, KC64(1)));
      const g2 = f64x2.div(f64x2.mul(P(P_BETA_P), f2), f64x2.pmax(a2, KC64(1)));
      const g3 = f64x2.div(f64x2.mul(P(P_BETA_P), f3), f64x2.pmax(a3, KC64(1)));
      v128.store(sat + off, f0);
      v128.store(sat + off + 16, f1);
      v128.store(sat + off + 32, f2);
      v128.store(sat + off + 48, f3);
      v128.store(cellHD + off, f64x2.mul(bf0, y0));
      v128.store(cellHD + off + 16, f64x2.mul(bf1, y1));
      v128.store(cellHD + off + 32, f64x2.mul(bf2, y2));
      v128.store(cellHD + off + 48, f64x2.mul(bf3, y3));
      v128.store(cellG + off, withB ? f64x2.mul(g0, v128.load(sb + off)) : g0);
      v128.store(cellG + off + 16, withB ? f64x2.mul(g1, v128.load(sb + off + 16)) : g1);
      v128.store(cellG + off + 32, withB ? f64x2.mul(g2, v128.load(sb + off + 32)) : g2);
      v128.store(cellG + off + 48, withB ? f64x2.mul(g3, v128.load(sb + off + 48)) : g3);
      v128.store(pMu + off, f64x2.add(m0, bf0));
      v128.store(pMu + off + 16, f64x2.add(m1, bf1));
      v128.store(pMu + off + 32, f64x2.add(m2, bf2));
      v128.store(pMu + off + 48, f64x2.add(m3, bf3));
    }
  }
}

/** adstock forward: f = e^(p ls) = (a (1 - lag))^p. */
export function powerAdstockForward<M>(): void {
  adstockScan<M>();
  for (let s = 0; s < nS; s++) {
    const c = s / nG;
    const log1m = adstockLog1m(c);
    const expo = f64At(pValue, offTransform2 + c);
    const beta = f64At(pValue, offMedia + s);
    // y = ls = log a + log(1 - lag), in the mode's base.
    const shift = -log1m / lnBase<M>();
    setPV(P_SHIFT, shift);
    setPV(P_SCALE, expo);
    setPV(P_BETA, beta);
    setPV(P_BETA_P, beta * expo);
    setPV32(P32_SHIFT, shift);
    setPV32(P32_SCALE, expo);
    setPV32(P32_BETA, beta);
    setPV32(P32_BETA_P, beta * expo);
    const base = <usize>s * seriesStride;
    logPass<M>(pSeriesA + base);
    expPass<M>(false);
    powerRest<M>(base, true, muRow(s - c * nG));
  }
}

/** Dot products of the residual with the channel's cell arrays: [F, H, HD, G] into out. */
@inline
function channelDots(base: usize, withH: bool, out: usize, pResid: usize): void {
  let gF0 = splat(0);
  let gF1 = splat(0);
  let gH0 = splat(0);
  let gH1 = splat(0);
  let gD0 = splat(0);
  let gD1 = splat(0);
  let gG0 = splat(0);
  let gG1 = splat(0);
  for (let t = 0; t < nTp; t += 4) {
    const off = <usize>t << 3;
    const r0 = v128.load(pResid + off);
    const r1 = v128.load(pResid + off + 16);
    const p = base + off;
    gF0 = f64x2.add(gF0, f64x2.mul(r0, v128.load(pSat + p)));
    gF1 = f64x2.add(gF1, f64x2.mul(r1, v128.load(pSat + p + 16)));
    if (withH) {
      gH0 = f64x2.add(gH0, f64x2.mul(r0, v128.load(pCellH + p)));
      gH1 = f64x2.add(gH1, f64x2.mul(r1, v128.load(pCellH + p + 16)));
    }
    gD0 = f64x2.add(gD0, f64x2.mul(r0, v128.load(pCellHD + p)));
    gD1 = f64x2.add(gD1, f64x2.mul(r1, v128.load(pCellHD + p + 16)));
    gG0 = f64x2.add(gG0, f64x2.mul(r0, v128.load(pCellG + p)));
    gG1 = f64x2.add(gG1, f64x2.mul(r1, v128.load(pCellG + p + 16)));
  }
  store<f64>(out, hsum(f64x2.add(gF0, gF1)));
  store<f64>(out, hsum(f64x2.add(gH0, gH1)), 8);
  store<f64>(out, hsum(f64x2.add(gD0, gD1)), 16);
  store<f64>(out, hsum(f64x2.add(gG0, gG1)), 24);
}

/** Adds the f32x4 partial sums into the f64x2 ones. */
@inline
function flush32(acc: v128, sum: v128): v128 {
  return f64x2.add(sum, f64x2.add(promoteLo(acc), promoteHi(acc)));
}

/**
 * The same dot products in f32 (fast mode: F, H, HD, G kept as f32):
 * products and 32-row partial sums (8 terms a lane) in f32x4, the sums over
 * the series in f64.
 */
@inline
function channelDots32(base: usize, withH: bool, out: usize, r32: usize): void {
  let gF = splat(0);
  let gH = splat(0);
  let gD = splat(0);
  let gG = splat(0);
  const zero32 = f32x4.splat(0);
  for (let t0 = 0; t0 < nTp; t0 += 32) {
    let aF = zero32;
    let aH = zero32;
    let aD = zero32;
    let aG = zero32;
    const t1 = min(t0 + 32, nTp);
    for (let t = t0; t < t1; t += 4) {
      const off4 = <usize>t << 2;
      const p4 = base + off4;
      const r4 = v128.load(r32 + off4);
      aF = f32x4.add(aF, f32x4.mul(r4, v128.load(pSat32 + p4)));
      if (withH) aH = f32x4.add(aH, f32x4.mul(r4, v128.load(pCellH + p4)));
      aD = f32x4.add(aD, f32x4.mul(r4, v128.load(pCellHD + p4)));
      aG = f32x4.add(aG, f32x4.mul(r4, v128.load(pCellG + p4)));
    }
    gF = flush32(aF, gF);
    if (withH) gH = flush32(aH, gH);
    gD = flush32(aD, gD);
    gG = flush32(aG, gG);
  }
  store<f64>(out, hsum(gF));
  store<f64>(out, hsum(gH), 8);
  store<f64>(out, hsum(gD), 16);
  store<f64>(out, hsum(gG), 24);
}

/** Gradient of hill_adstock or adstock (after the forward pass and the residual). */
export function adstockReverse<M>(isHill: bool): void {
  const ln = lnBase<M>(); // HD holds ls or d in the mode's base
  const dots = pChannelScratch; // four scratch values
  for (let s = 0; s < nS; s++) {
    const c = s / nG;
    const g = s - c * nG;
    const base = <usize>s * seriesStride;
    if (isFast<M>()) {
      if (isHill) channelDots32(base, true, dots, resid32Row(g));
      else channelDots32(base, false, dots, resid32Row(g));
    } else {
      if (isHill) channelDots(base, true, dots, residRow(g));
      else channelDots(base, false, dots, residRow(g));
    }
    const gF = load<f64>(dots);
    const gHD = load<f64>(dots, 16) * ln;
    const gG = load<f64>(dots, 24);
    const coefIdx = offMedia + s;
    const lagIdx = offTransform1 + c;
    addGrad(coefIdx, gF * f64At(pDValue, coefIdx));
    // d/d log(1 - lag) = p * sum_t r coef df/dls.
    let gLs: f64;
    if (isHill) {
      const slope = f64At(pValue, offTransform3 + c);
      gLs = slope * load<f64>(dots, 8);
      const kIdx = offTransform2 + c;
      addGrad(kIdx, -gLs * f64At(pDLogValue, kIdx)); // d/d log K = -d/d ls
      addGrad(offTransform3 + c, gHD * f64At(pDValue, offTransform3 + c));
    } else {
      const eIdx = offTransform2 + c;
      gLs = f64At(pValue, eIdx) * f64At(pValue, coefIdx) * gF; // H = coef f
      addGrad(eIdx, gHD * f64At(pDValue, eIdx));
    }
    let gu = gG * f64At(pDValue, lagIdx);
    if (normaliseAdstock) gu += gLs * f64At(pDLog1mValue, lagIdx);
    addGrad(lagIdx, gu);
  }
}

// ---------------------------------------------------------------------------
// Carryover: w[l] = rate^((l - delay)^2), conv[t] = sum_l w[l] x[t-l],
//   ls = log conv - log sum(w);  f = e^(p ls).
// The weights are stored shifted by their largest log so that a tiny rate
// never makes them all underflow; the normalised output does not change.
// ---------------------------------------------------------------------------

/** Fills channel c's weights and returns log sum(w). */
function carryoverWeights(c: i32): f64 {
  const wp = pLagWeights + <usize>(c * nLags) * 8;
  const L = nLags;
  const logRate = f64At(pLogValue, offTransform1 + c);
  const delay = f64At(pValue, offTransform2 + c);
  let maxLog: f64 = -Infinity;
  for (let l = 0; l < L; l++) {
    const d = <f64>l - delay;
    const lw = d * d * logRate;
    if (lw > maxLog) maxLog = lw;
  }
  let sum: f64 = 0;
  for (let l = 0; l < L; l++) {
    const d = <f64>l - delay;
    const w = Math.exp(d * d * logRate - maxLog);
    store<f64>(wp + (<usize>l << 3), w);
    sum += w;
  }
  const logSum = Math.log(sum);
  store<f64>(pChannelScratch + (<usize>c << 3), logSum);
  return logSum;
}

export function carryoverForward<M>(): void {
  const L = nLags;
  for (let s = 0; s < nS; s++) {
    const c = s / nG;
    const g = s - c * nG;
    // The weights are the channel's: computed at its first geo.
    const logSum = g == 0 ? carryoverWeights(c) : f64At(pChannelScratch, c);
    const expo = f64At(pValue, offTransform3 + c);
    const beta = f64At(pValue, offMedia + s);
    // y = ls = log conv - log sum(w), in the mode's base.
    const shift = logSum / lnBase<M>();
    setPV(P_SHIFT, shift);
    setPV(P_SCALE, expo);
    setPV(P_BETA, beta);
    setPV(P_BETA_P, beta * expo);
    setPV32(P32_SHIFT, shift);
    setPV32(P32_SCALE, expo);
    setPV32(P32_BETA, beta);
    setPV32(P32_BETA_P, beta * expo);
    const base = <usize>s * seriesStride;
    const x = pMedia + base;
    const wp = pLagWeights + <usize>(c * L) * 8;
    const mu = muRow(g);
    if (isFast<M>()) {
      // The convolution in f32 (from the f32 media copy), straight into the
      // clamped a that logPass reads.
      const x32 = pMedia32 + (base >> 1);
      const w32 = pChannelScratch + (<usize>(nC + L + 4) << 3); // L f32 weights
      if (g == 0) for (let l = 0; l < L; l++) store<f32>(w32 + (<usize>l << 2), <f32>load<f64>(wp + (<usize>l << 3)));
      for (let t = 0; t < nTp; t += 8) {
        const off4 = <usize>t << 2;
        // Even and odd taps in separate sums: four independent add chains.
        let conv0 = f32x4.splat(0);
        let conv1 = f32x4.splat(0);
        let odd0 = f32x4.splat(0);
        let odd1 = f32x4.splat(0);
        let src = x32 + off4;
        let l = 0;
        for (; l + 1 < L; l += 2) {
          const w = v128.load32_splat(w32 + (<usize>l << 2));
          const wn = v128.load32_splat(w32 + (<usize>l << 2) + 4);
          conv0 = f32x4.add(conv0, f32x4.mul(w, v128.load(src)));
          conv1 = f32x4.add(conv1, f32x4.mul(w, v128.load(src + 16)));
          odd0 = f32x4.add(odd0, f32x4.mul(wn, v128.load(src - 4)));
          odd1 = f32x4.add(odd1, f32x4.mul(wn, v128.load(src + 12)));
          src -= 8;
        }
        if (l < L) {
          const w = v128.load32_splat(w32 + (<usize>l << 2));
          conv0 = f32x4.add(conv0, f32x4.mul(w, v128.load(src)));
          conv1 = f32x4.add(conv1, f32x4.mul(w, v128.load(src + 16)));
        }
        v128.store(pScratch32 + off4, clamp32(f32x4.add(conv0, odd0), KF32(0), KF32(6)));
        v128.store(pScratch32 + off4 + 16, clamp32(f32x4.add(conv1, odd1), KF32(0), KF32(6)));
      }
      logPass<M>(0);
      expPass<M>(false);
      powerRest<M>(base, false, mu);
      continue;
    }
    const out = pSeriesA + base;
    for (let t = 0; t < nTp; t += 8) {
      const off = <usize>t << 3;
      // Four row pairs share each weight load; four independent sums keep
      // the adds' latency off the critical path.
      let conv0 = f64x2.splat(0);
      let conv1 = f64x2.splat(0);
      let conv2 = f64x2.splat(0);
      let conv3 = f64x2.splat(0);
      let src = x + off;
      for (let l = 0; l < L; l++) {
        const w = v128.load64_splat(wp + (<usize>l << 3));
        conv0 = f64x2.add(conv0, f64x2.mul(w, v128.load(src)));
        conv1 = f64x2.add(conv1, f64x2.mul(w, v128.load(src + 16)));
        conv2 = f64x2.add(conv2, f64x2.mul(w, v128.load(src + 32)));
        conv3 = f64x2.add(conv3, f64x2.mul(w, v128.load(src + 48)));
        src -= 8;
      }
      v128.store(out + off, conv0);
      v128.store(out + off + 16, conv1);
      v128.store(out + off + 32, conv2);
      v128.store(out + off + 48, conv3);
    }
    logPass<M>(pSeriesA + base);
    expPass<M>(false);
    powerRest<M>(base, false, mu);
  }
}

/**
 * gw[l] = sum_t g[t] x[t-l] for l < L (and three more, unused), four lags per
 * pass over t: four independent sums (one would wait on its adds' latency).
 */
function lagSums(base: usize, gw: usize): void {
  const x = pMedia + base;
  const g = pCellG + base;
  for (let l0 = 0; l0 < nLags; l0 += 4) {
    let acc0 = splat(0);
    let acc1 = splat(0);
    let acc2 = splat(0);
    let acc3 = splat(0);
    const src = x - (<usize>l0 << 3);
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      const gt = v128.load(g + off);
      acc0 = f64x2.add(acc0, f64x2.mul(gt, v128.load(src + off)));
      acc1 = f64x2.add(acc1, f64x2.mul(gt, v128.load(src + off - 8)));
      acc2 = f64x2.add(acc2, f64x2.mul(gt, v128.load(src + off - 16)));
      acc3 = f64x2.add(acc3, f64x2.mul(gt, v128.load(src + off - 24)));
    }
    const q = gw + (<usize>l0 << 3);
    store<f64>(q, hsum(acc0));
    store<f64>(q, hsum(acc1), 8);
    store<f64>(q, hsum(acc2), 16);
    store<f64>(q, hsum(acc3), 24);
  }
}

export function carryoverReverse<M>(): void {
  const L = nLags;
  const ln = lnBase<M>(); // HD holds ls in the mode's base
  const gw = pChannelScratch + (<usize>nC << 3); // [L + 3] lag sums
  for (let s = 0; s < nS; s++) {
    const c = s / nG;
    const g = s - c * nG;
    const pResid = residRow(g);
    const base = <usize>s * seriesStride;
    // r * G in place: the gradient wrt conv[t].
    let gF = splat(0);
    let gD = splat(0);
    if (isFast<M>()) {
      const r32 = resid32Row(g);
      for (let t = 0; t < nTp; t += 4) {
        const off = <usize>t << 3;
        const off4 = off >> 1;
        const p = base + off;
        const r4 = v128.load(r32 + off4);
        gF = f64x2.add(gF, f64x2.add(
          f64x2.mul(v128.load(pResid + off), v128.load(pSat + p)),
          f64x2.mul(v128.load(pResid + off + 16), v128.load(pSat + p + 16)),
        ));
        const hd = f32x4.mul(r4, v128.load(pCellHD + base + off4));
        gD = f64x2.add(gD, f64x2.add(promoteLo(hd), promoteHi(hd)));
        v128.store(pCellG + base + off4, f32x4.mul(r4, v128.load(pCellG + base + off4)));
      }
      // gw[l] = sum_t g[t] x[t-l], four lags per pass, products and 32-row
      // partial sums in f32.
      const x32 = pMedia32 + (base >> 1);
      const g32 = pCellG + base;
      for (let l0 = 0; l0 < L; l0 += 4) {
        let s0 = splat(0);
        let s1 = splat(0);
        let s2 = splat(0);
        let s3 = splat(0);
        const src = x32 - (<usize>l0 << 2);
        for (let t0 = 0; t0 < nTp; t0 += 32) {
          let a0 = f32x4.splat(0);
          let a1 = f32x4.splat(0);
          let a2 = f32x4.splat(0);
          let a3 = f32x4.splat(0);
          const t1 = min(t0 + 32, nTp);
          for (let t = t0; t < t1; t += 4) {
            const off4 = <usize>t << 2;
            const gt = v128.load(g32 + off4);
            a0 = f32x4.add(a0, f32x4.mul(gt, v128.load(src + off4)));
            a1 = f32x4.add(a1, f32x4.mul(gt, v128.load(src + off4 - 4)));
            a2 = f32x4.add(a2, f32x4.mul(gt, v128.load(src + off4 - 8)));
            a3 = f32x4.add(a3, f32x4.mul(gt, v128.load(src + off4 - 12)));
          }
          s0 = flush32(a0, s0);
          s1 = flush32(a1, s1);
          s2 = flush32(a2, s2);
          s3 = flush32(a3, s3);
        }
        const q = gw + (<usize>l0 << 3);
        store<f64>(q, hsum(s0));
        store<f64>(q, hsum(s1), 8);
        store<f64>(q, hsum(s2), 16);
        store<f64>(q, hsum(s3), 24);
      }
    } else {
      for (let t = 0; t < nTp; t += 2) {
        const off = <usize>t << 3;
        const r = v128.load(pResid + off);
        const p = base + off;
        gF = f64x2.add(gF, f64x2.mul(r, v128.load(pSat + p)));
        gD = f64x2.add(gD, f64x2.mul(r, v128.load(pCellHD + p)));
        v128.store(pCellG + p, f64x2.mul(r, v128.load(pCellG + p)));
      }
      lagSums(base, gw);
    }
    const coefIdx = offMedia + s;
    const eIdx = offTransform3 + c;
    const rateIdx = offTransform1 + c;
    const delayIdx = offTransform2 + c;
    const gFs = hsum(gF);
    addGrad(coefIdx, gFs * f64At(pDValue, coefIdx));
    addGrad(eIdx, hsum(gD) * ln * f64At(pDValue, eIdx));
    const glsSum = f64At(pValue, eIdx) * f64At(pValue, coefIdx) * gFs;
    const wp = pLagWeights + <usize>(c * L) * 8;
    const invSum = Math.exp(-f64At(pChannelScratch, c));
    const logRate = f64At(pLogValue, rateIdx);
    const delay = f64At(pValue, delayIdx);
    let gLogRate: f64 = 0;
    let gDelay: f64 = 0;
    for (let l = 0; l < L; l++) {
      // dls/dw[l] = x[t-l]/conv - 1/sum(w); the second part sums over t.
      const w = load<f64>(wp + (<usize>l << 3));
      const gwl = load<f64>(gw + (<usize>l << 3)) - glsSum * invSum;
      const d = <f64>l - delay;
      // log w = d^2 log rate (+ a shift whose gradient contribution is zero).
      gLogRate += gwl * w * d * d;
      gDelay -= gwl * w * 2 * d * logRate;
    }
    addGrad(rateIdx, gLogRate * f64At(pDLogValue, rateIdx));
    addGrad(delayIdx, gDelay * f64At(pDValue, delayIdx));
  }
}
