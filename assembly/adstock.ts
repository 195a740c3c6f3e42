// The adstock filters, hand-written (an algorithm each, not a cell formula):
// the geometric recursion and the carryover convolution, forward and the
// parts of their reverse passes. The generated kernels (generated/media.ts)
// call them as the transform table's adstock entries name them
// (src/model/transforms/geometric.ts, carryover.ts).

import { isFast, lnBase, promoteHi, promoteLo } from "./simdmath";
import {
  nC,
  nG,
  nS,
  nLags,
  nTp,
  offTransform1,
  offTransform2,
  pCellG,
  pCellH,
  pCellHD,
  pChannelScratch,
  pDLogValue,
  pDValue,
  pLagWeights,
  pLogValue,
  pMedia,
  pMedia32,
  pResid,
  pSat,
  pSat32,
  pScratch32,
  pSeriesA,
  pSeriesB,
  pValue,
  seriesStride,
} from "./layout";
import { f64At, addGrad, hsum } from "./access";
import { K32_FAST_MAX, K32_FAST_MIN, KIT32, P, clamp32, resid32Row, residRow, setPV, splat } from "./kernelKit";

// Slots of the kit's PV block used by the scan.
const P_LAG = 0;
const P_LAG2 = 1; // lag^2
const P_LAG2X = 2; // 2 lag
const P2_LAG = 12; // second channel of a scan pair
const P2_LAG2 = 13;
const P2_LAG2X = 14;

// ---------------------------------------------------------------------------
// Geometric adstock: a[t] = lag a[t-1] + x[t].
// ---------------------------------------------------------------------------
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
 * sum_t r[t] q_k[t] over the series for four f32 rows q0..q3 (q1 left out
 * unless with1) into out[0..3]: products and 32-row partial sums (8 terms a
 * lane) in f32x4, the sums over the series in f64.
 */
@inline
function dots32(r: usize, q0: usize, q1: usize, q2: usize, q3: usize, with1: bool, out: usize): void {
  let s0 = splat(0);
  let s1 = splat(0);
  let s2 = splat(0);
  let s3 = splat(0);
  const zero32 = f32x4.splat(0);
  for (let t0 = 0; t0 < nTp; t0 += 32) {
    let a0 = zero32;
    let a1 = zero32;
    let a2 = zero32;
    let a3 = zero32;
    const t1 = min(t0 + 32, nTp);
    for (let t = t0; t < t1; t += 4) {
      const off4 = <usize>t << 2;
      const r4 = v128.load(r + off4);
      a0 = f32x4.add(a0, f32x4.mul(r4, v128.load(q0 + off4)));
      if (with1) a1 = f32x4.add(a1, f32x4.mul(r4, v128.load(q1 + off4)));
      a2 = f32x4.add(a2, f32x4.mul(r4, v128.load(q2 + off4)));
      a3 = f32x4.add(a3, f32x4.mul(r4, v128.load(q3 + off4)));
    }
    s0 = flush32(a0, s0);
    if (with1) s1 = flush32(a1, s1);
    s2 = flush32(a2, s2);
    s3 = flush32(a3, s3);
  }
  store<f64>(out, hsum(s0));
  store<f64>(out, hsum(s1), 8);
  store<f64>(out, hsum(s2), 16);
  store<f64>(out, hsum(s3), 24);
}

/** [dotF, dotH, dotHD, dotG] of series s (at base, geo g) into out. */
@inline
export function geometricDots<M>(base: usize, g: i32, withH: bool, out: usize): void {
  // Fast mode: F, H, HD, G kept as f32.
  if (isFast<M>()) dots32(resid32Row(g), pSat32 + base, pCellH + base, pCellHD + base, pCellG + base, withH, out);
  else channelDots(base, withH, out, residRow(g));
}

// ---------------------------------------------------------------------------
// Carryover: w[l] = rate^((l - delay)^2), conv[t] = sum_l w[l] x[t-l],
//   ls = log conv - log sum(w);  f = e^(p ls).
// The weights are stored shifted by their largest log so that a tiny rate
// never makes them all underflow; the normalised output does not change.
// ---------------------------------------------------------------------------

// Convolution kinds (the transform table's Weibull entries name them):
// 0 carryover / delayed, 1 Weibull CDF, 2 Weibull PDF.
const CONV_CARRYOVER: i32 = 0;
const CONV_WEIBULL_CDF: i32 = 1;

/**
 * log w[l] of channel c for every lag into wp (unshifted):
 *   carryover: (l - delay)^2 log rate;
 *   Weibull CDF: -sum_{j=1..l} (j / scale)^shape;
 *   Weibull PDF: (shape - 1) log((l + 1) / scale) - ((l + 1) / scale)^shape.
 */
function logWeights(kind: i32, c: i32, wp: usize): void {
  const L = nLags;
  if (kind == CONV_CARRYOVER) {
    const logRate = f64At(pLogValue, offTransform1 + c);
    const delay = f64At(pValue, offTransform2 + c);
    for (let l = 0; l < L; l++) {
      const d = <f64>l - delay;
      store<f64>(wp + (<usize>l << 3), d * d * logRate);
    }
    return;
  }
  const logScale = f64At(pLogValue, offTransform1 + c);
  const shape = f64At(pValue, offTransform2 + c);
  let sum: f64 = 0;
  for (let l = 0; l < L; l++) {
    if (kind == CONV_WEIBULL_CDF) {
      if (l > 0) sum += Math.exp(shape * (Math.log(<f64>l) - logScale));
      store<f64>(wp + (<usize>l << 3), -sum);
    } else {
      const lz = Math.log(<f64>(l + 1)) - logScale;
      store<f64>(wp + (<usize>l << 3), (shape - 1) * lz - Math.exp(shape * lz));
    }
  }
}

/** Fills channel c's weights (shifted by the largest log) and returns log sum(w). */
function convolutionWeights(kind: i32, c: i32): f64 {
  const wp = pLagWeights + <usize>(c * nLags) * 8;
  const L = nLags;
  logWeights(kind, c, wp);
  let maxLog: f64 = -Infinity;
  for (let l = 0; l < L; l++) maxLog = max(maxLog, load<f64>(wp + (<usize>l << 3)));
  let sum: f64 = 0;
  for (let l = 0; l < L; l++) {
    const w = Math.exp(load<f64>(wp + (<usize>l << 3)) - maxLog);
    store<f64>(wp + (<usize>l << 3), w);
    sum += w;
  }
  const logSum = Math.log(sum);
  store<f64>(pChannelScratch + (<usize>c << 3), logSum);
  return logSum;
}

// Fast mode: weights (the largest is 1) below this are dropped from the f32
// copy. A peaked carryover's tail, rate^((l - delay)^2), falls into f32's
// subnormal range (< 1.2e-38), where x86 takes ~100 times as long per
// multiply and add (WebAssembly keeps IEEE subnormals: no flush to zero), so
// the fast mode was slower than the accurate one; a term this small is below
// the floor the fast mode clamps the signal to (FAST_MIN, kernelKit.ts).
const FAST_WEIGHT_MIN: f64 = 1e-30;

/**
 * Series s's convolution, its channel's weights first (at its first geo);
 * returns log sum(w). Fast mode: in f32 (from the f32 media copy), straight
 * into the clamped signal in pScratch32; else into pSeriesA.
 */
@inline
export function carryoverSignal<M>(s: i32, c: i32, g: i32, base: usize): f64 {
  return convolutionSignal<M>(CONV_CARRYOVER, s, c, g, base);
}

/** carryoverSignal for any convolution kind (see logWeights). */
@inline
export function convolutionSignal<M>(kind: i32, s: i32, c: i32, g: i32, base: usize): f64 {
  const L = nLags;
  // The weights are the channel's: computed at its first geo.
  const logSum = g == 0 ? convolutionWeights(kind, c) : f64At(pChannelScratch, c);
  const x = pMedia + base;
  const wp = pLagWeights + <usize>(c * L) * 8;
  if (isFast<M>()) {
    const x32 = pMedia32 + (base >> 1);
    const w32 = pChannelScratch + (<usize>(nC + L + 4) << 3); // L f32 weights
    if (g == 0) {
      for (let l = 0; l < L; l++) {
        const w = load<f64>(wp + (<usize>l << 3));
        store<f32>(w32 + (<usize>l << 2), w < FAST_WEIGHT_MIN ? 0 : <f32>w);
      }
    }
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
      v128.store(pScratch32 + off4, clamp32(f32x4.add(conv0, odd0), KIT32(K32_FAST_MIN), KIT32(K32_FAST_MAX)));
      v128.store(pScratch32 + off4 + 16, clamp32(f32x4.add(conv1, odd1), KIT32(K32_FAST_MIN), KIT32(K32_FAST_MAX)));
    }
    return logSum;
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
  return logSum;
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
/** lagSums in the fast mode: G and x in f32 (see dots32). */
function lagSums32(base: usize, gw: usize): void {
  const x32 = pMedia32 + (base >> 1);
  const g32 = pCellG + base;
  for (let l0 = 0; l0 < nLags; l0 += 4) {
    const src = x32 - (<usize>l0 << 2);
    dots32(g32, src, src - 4, src - 8, src - 12, true, gw + (<usize>l0 << 3));
  }
}

/**
 * [dotF, dotH, dotHD, -] of series s (at base, geo g) into out; turns G into
 * r G in place (the gradient with respect to the convolution) and leaves the
 * lag sums gw[l] = sum_t r G[t] x[t-l] after the channel scalars in
 * pChannelScratch for carryoverGrads.
 */
@inline
export function carryoverDots<M>(base: usize, g: i32, withH: bool, out: usize): void {
  const pResid = residRow(g);
  const gw = pChannelScratch + (<usize>nC << 3); // [L + 3] lag sums
  let gF = splat(0);
  let gH = splat(0);
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
      if (withH) {
        const h = f32x4.mul(r4, v128.load(pCellH + base + off4));
        gH = f64x2.add(gH, f64x2.add(promoteLo(h), promoteHi(h)));
      }
      const hd = f32x4.mul(r4, v128.load(pCellHD + base + off4));
      gD = f64x2.add(gD, f64x2.add(promoteLo(hd), promoteHi(hd)));
      v128.store(pCellG + base + off4, f32x4.mul(r4, v128.load(pCellG + base + off4)));
    }
    lagSums32(base, gw);
  } else {
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      const r = v128.load(pResid + off);
      const p = base + off;
      gF = f64x2.add(gF, f64x2.mul(r, v128.load(pSat + p)));
      if (withH) gH = f64x2.add(gH, f64x2.mul(r, v128.load(pCellH + p)));
      gD = f64x2.add(gD, f64x2.mul(r, v128.load(pCellHD + p)));
      v128.store(pCellG + p, f64x2.mul(r, v128.load(pCellG + p)));
    }
    lagSums(base, gw);
  }
  store<f64>(out, hsum(gF));
  store<f64>(out, hsum(gH), 8);
  store<f64>(out, hsum(gD), 16);
  store<f64>(out, 0.0, 24);
}

/**
 * Gradient of channel c's rate and delay from series s's lag sums (see
 * carryoverDots) and gLogNorm = d logp / d(-log sum(w)).
 */
@inline
export function carryoverGrads(s: i32, c: i32, gLogNorm: f64): void {
  convolutionGrads(CONV_CARRYOVER, s, c, gLogNorm);
}

/**
 * carryoverGrads for any convolution kind: sum over lags of
 * d logp / d w[l] * w[l] * d log w[l] / d(parameter); the carryover's first
 * parameter by its log and its delay by value, the Weibull's scale and shape
 * both by their logs.
 */
@inline
export function convolutionGrads(kind: i32, s: i32, c: i32, gLogNorm: f64): void {
  const L = nLags;
  const gw = pChannelScratch + (<usize>nC << 3);
  const idx1 = offTransform1 + c;
  const idx2 = offTransform2 + c;
  const wp = pLagWeights + <usize>(c * L) * 8;
  const invSum = Math.exp(-f64At(pChannelScratch, c));
  const logP1 = f64At(pLogValue, idx1);
  const p2 = f64At(pValue, idx2);
  let g1: f64 = 0;
  let g2: f64 = 0;
  let sumZ: f64 = 0; // Weibull CDF: sum_{j<=l} shape z_j
  let sumZL: f64 = 0; // and sum_{j<=l} shape z_j log(j / scale)
  for (let l = 0; l < L; l++) {
    // dls/dw[l] = x[t-l]/conv - 1/sum(w); the second part sums over t.
    const w = load<f64>(wp + (<usize>l << 3));
    const gwl = (load<f64>(gw + (<usize>l << 3)) - gLogNorm * invSum) * w;
    // (The shift of the stored weights has no gradient: it cancels.)
    if (kind == CONV_CARRYOVER) {
      const d = <f64>l - p2;
      g1 += gwl * d * d;
      g2 -= gwl * 2 * d * logP1;
    } else if (kind == CONV_WEIBULL_CDF) {
      if (l > 0) {
        const lz = Math.log(<f64>l) - logP1;
        const kz = p2 * Math.exp(p2 * lz);
        sumZ += kz;
        sumZL += kz * lz;
      }
      g1 += gwl * sumZ;
      g2 -= gwl * sumZL;
    } else {
      const lz = Math.log(<f64>(l + 1)) - logP1;
      const z = Math.exp(p2 * lz);
      g1 += gwl * (p2 * z - (p2 - 1));
      g2 += gwl * p2 * lz * (1 - z);
    }
  }
  addGrad(idx1, g1 * f64At(pDLogValue, idx1));
  addGrad(idx2, g2 * (kind == CONV_CARRYOVER ? f64At(pDValue, idx2) : f64At(pDLogValue, idx2)));
}
