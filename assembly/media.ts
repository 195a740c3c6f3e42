// Media transforms, forward and adjoint, two channels per f64x2 lane pair.
// Arrays are time-major [T][Cp]; a pair's cell at row t is at (t * Cp + 2p) * 8.
// The forward passes add each channel's contribution coef * f(media) into mu;
// the reverse passes read resid = (y - mu) / sigma^2 and write the gradient
// with respect to the unconstrained parameters into pGrad.

import { hsum, vexp, vlog } from "./simdmath";
import {
  nC,
  nCp,
  nLags,
  nT,
  normaliseAdstock,
  offMedia,
  offTransform1,
  offTransform2,
  offTransform3,
  pAdstock,
  pChA,
  pChAux,
  pChB,
  pChBeta,
  pChS,
  pDLog1mValue,
  pDLogValue,
  pDValue,
  pGrad,
  pLagGrad,
  pLagWeights,
  pLog1mValue,
  pLogSat,
  pLogValue,
  pMedia,
  pMu,
  pResid,
  pSat,
  pValue,
} from "./layout";

const Z_LIMIT: f64 = 700.0;

@inline
function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

@inline
function addGrad(i: i32, v: f64): void {
  const p = pGrad + (<usize>i << 3);
  store<f64>(p, load<f64>(p) + v);
}

/** Copies coef_media into the padded per-channel array (pad lanes 0). */
function prepareCoefficients(): void {
  for (let c = 0; c < nCp; c++) {
    store<f64>(pChBeta + (<usize>c << 3), c < nC ? f64At(pValue, offMedia + c) : 0.0);
  }
}

/** Adds a vector pair's lane contributions into mu[t]. */
@inline
function addToMu(t: i32, v: v128): void {
  const p = pMu + (<usize>t << 3);
  store<f64>(p, load<f64>(p) + hsum(v));
}

// ---------------------------------------------------------------------------
// Geometric adstock followed by a saturation in log space:
//   a[t] = lag * a[t-1] + x[t];  ls = log a + log(1 - lag) (normalised)
//   hill:     f = 1 / (1 + exp(slope * (log K - ls)))
//   exponent: f = exp(e * ls)
// ---------------------------------------------------------------------------

/** hill_adstock (isHill) or adstock forward pass. */
export function adstockForward(isHill: bool): void {
  prepareCoefficients();
  for (let c = 0; c < nCp; c++) {
    const off = <usize>c << 3;
    if (c < nC) {
      const lagIdx = offTransform1 + c;
      store<f64>(pChA + off, f64At(pValue, lagIdx));
      store<f64>(pChB + off, normaliseAdstock ? f64At(pLog1mValue, lagIdx) : 0.0);
      if (isHill) {
        store<f64>(pChAux + off, f64At(pLogValue, offTransform2 + c)); // log K
        store<f64>(pChS + off, f64At(pValue, offTransform3 + c)); // slope
      } else {
        store<f64>(pChS + off, f64At(pValue, offTransform2 + c)); // exponent
      }
    } else {
      store<f64>(pChA + off, 0.5);
      store<f64>(pChB + off, 0.0);
      store<f64>(pChAux + off, 0.0);
      store<f64>(pChS + off, 1.0);
    }
  }
  const stride = <usize>nCp << 3;
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const zmax = f64x2.splat(Z_LIMIT);
  const zmin = f64x2.splat(-Z_LIMIT);
  for (let c = 0; c < nCp; c += 2) {
    const coff = <usize>c << 3;
    const lag = v128.load(pChA + coff);
    const log1m = v128.load(pChB + coff);
    const logK = v128.load(pChAux + coff);
    const s = v128.load(pChS + coff);
    const beta = v128.load(pChBeta + coff);
    let a = zero;
    let cell = coff;
    for (let t = 0; t < nT; t++) {
      a = f64x2.add(f64x2.mul(lag, a), v128.load(pMedia + cell));
      v128.store(pAdstock + cell, a);
      const positive = f64x2.gt(a, zero);
      const ls = v128.and(f64x2.add(vlog(a), log1m), positive);
      let f: v128;
      if (isHill) {
        let z = f64x2.mul(s, f64x2.sub(logK, ls));
        z = f64x2.pmin(f64x2.pmax(z, zmin), zmax);
        f = f64x2.div(one, f64x2.add(one, vexp(z)));
      } else {
        f = vexp(f64x2.mul(s, ls));
      }
      f = v128.and(f, positive);
      v128.store(pLogSat + cell, ls);
      v128.store(pSat + cell, f);
      addToMu(t, f64x2.mul(beta, f));
      cell += stride;
    }
  }
}

/** Adjoint of adstockForward; accumulates into pGrad. */
export function adstockReverse(isHill: bool): void {
  const stride = <usize>nCp << 3;
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  for (let c = 0; c < nCp; c += 2) {
    const coff = <usize>c << 3;
    const lag = v128.load(pChA + coff);
    const logK = v128.load(pChAux + coff);
    const s = v128.load(pChS + coff);
    const beta = v128.load(pChBeta + coff);
    let gBeta = zero; // d/d coef
    let gS = zero; // d/d slope or exponent
    let gLogK = zero; // d/d log K
    let gLs = zero; // sum of d/d ls = d/d log(1 - lag)
    let gLag = zero; // d/d lag through the recursion
    let abar = zero; // adjoint of a[t]
    let cell = coff + <usize>(nT - 1) * stride;
    for (let t = nT - 1; t >= 0; t--) {
      const r = f64x2.splat(load<f64>(pResid + (<usize>t << 3)));
      const a = v128.load(pAdstock + cell);
      const ls = v128.load(pLogSat + cell);
      const f = v128.load(pSat + cell);
      gBeta = f64x2.add(gBeta, f64x2.mul(r, f));
      const gf = f64x2.mul(r, beta);
      let gls: v128;
      if (isHill) {
        // df/dls = slope f (1 - f); df/dslope = (ls - log K) f (1 - f).
        const q = f64x2.mul(gf, f64x2.mul(f, f64x2.sub(one, f)));
        gS = f64x2.add(gS, f64x2.mul(q, f64x2.sub(ls, logK)));
        gls = f64x2.mul(q, s);
        gLogK = f64x2.sub(gLogK, gls);
      } else {
        // f = exp(e ls): df/dls = e f; df/de = ls f.
        const q = f64x2.mul(gf, f);
        gS = f64x2.add(gS, f64x2.mul(q, ls));
        gls = f64x2.mul(q, s);
      }
      gLs = f64x2.add(gLs, gls);
      const positive = f64x2.gt(a, zero);
      const ga = v128.and(f64x2.div(gls, a), positive);
      abar = f64x2.add(ga, f64x2.mul(lag, abar));
      if (t > 0) gLag = f64x2.add(gLag, f64x2.mul(abar, v128.load(pAdstock + cell - stride)));
      cell -= stride;
    }
    for (let lane = 0; lane < 2; lane++) {
      const ch = c + lane;
      if (ch >= nC) break;
      const gb = lane == 0 ? f64x2.extract_lane(gBeta, 0) : f64x2.extract_lane(gBeta, 1);
      const gs = lane == 0 ? f64x2.extract_lane(gS, 0) : f64x2.extract_lane(gS, 1);
      const gls = lane == 0 ? f64x2.extract_lane(gLs, 0) : f64x2.extract_lane(gLs, 1);
      const gl = lane == 0 ? f64x2.extract_lane(gLag, 0) : f64x2.extract_lane(gLag, 1);
      const lagIdx = offTransform1 + ch;
      addGrad(offMedia + ch, gb * f64At(pDValue, offMedia + ch));
      let gu = gl * f64At(pDValue, lagIdx);
      if (normaliseAdstock) gu += gls * f64At(pDLog1mValue, lagIdx);
      addGrad(lagIdx, gu);
      if (isHill) {
        const gk = lane == 0 ? f64x2.extract_lane(gLogK, 0) : f64x2.extract_lane(gLogK, 1);
        addGrad(offTransform2 + ch, gk * f64At(pDLogValue, offTransform2 + ch));
        addGrad(offTransform3 + ch, gs * f64At(pDValue, offTransform3 + ch));
      } else {
        addGrad(offTransform2 + ch, gs * f64At(pDValue, offTransform2 + ch));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Carryover: w[l] = rate^((l - delay)^2), conv[t] = sum_l w[l] x[t-l],
//   ls = log conv - log sum(w);  f = exp(e * ls).
// The weights are stored shifted by their largest log so that a tiny rate
// never makes them all underflow; the normalised output does not change.
// ---------------------------------------------------------------------------

export function carryoverForward(): void {
  prepareCoefficients();
  const L = nLags;
  for (let c = 0; c < nCp; c++) {
    const off = <usize>c << 3;
    let logRate: f64 = -1;
    let delay: f64 = 0;
    let expo: f64 = 1;
    if (c < nC) {
      logRate = f64At(pLogValue, offTransform1 + c);
      delay = f64At(pValue, offTransform2 + c);
      expo = f64At(pValue, offTransform3 + c);
    }
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
      store<f64>(pLagWeights + ((<usize>(l * nCp + c)) << 3), w);
      sum += w;
    }
    store<f64>(pChAux + off, Math.log(sum));
    store<f64>(pChS + off, expo);
  }
  const stride = <usize>nCp << 3;
  const zero = f64x2.splat(0);
  for (let c = 0; c < nCp; c += 2) {
    const coff = <usize>c << 3;
    const logSum = v128.load(pChAux + coff);
    const e = v128.load(pChS + coff);
    const beta = v128.load(pChBeta + coff);
    let cell = coff;
    for (let t = 0; t < nT; t++) {
      let conv = zero;
      const lmax = t < L - 1 ? t : L - 1;
      let src = cell;
      let wp = pLagWeights + coff;
      for (let l = 0; l <= lmax; l++) {
        conv = f64x2.add(conv, f64x2.mul(v128.load(wp), v128.load(pMedia + src)));
        src -= stride;
        wp += stride;
      }
      v128.store(pAdstock + cell, conv);
      const positive = f64x2.gt(conv, zero);
      const ls = v128.and(f64x2.sub(vlog(conv), logSum), positive);
      const f = v128.and(vexp(f64x2.mul(e, ls)), positive);
      v128.store(pLogSat + cell, ls);
      v128.store(pSat + cell, f);
      addToMu(t, f64x2.mul(beta, f));
      cell += stride;
    }
  }
}

export function carryoverReverse(): void {
  const L = nLags;
  const stride = <usize>nCp << 3;
  const zero = f64x2.splat(0);
  memory.fill(pLagGrad, 0, <usize>(L * nCp) << 3);
  for (let c = 0; c < nCp; c += 2) {
    const coff = <usize>c << 3;
    const e = v128.load(pChS + coff);
    const beta = v128.load(pChBeta + coff);
    let gBeta = zero;
    let gE = zero;
    let gLsSum = zero;
    let cell = coff;
    for (let t = 0; t < nT; t++) {
      const r = f64x2.splat(load<f64>(pResid + (<usize>t << 3)));
      const conv = v128.load(pAdstock + cell);
      const ls = v128.load(pLogSat + cell);
      const f = v128.load(pSat + cell);
      gBeta = f64x2.add(gBeta, f64x2.mul(r, f));
      const q = f64x2.mul(f64x2.mul(r, beta), f);
      gE = f64x2.add(gE, f64x2.mul(q, ls));
      const gls = f64x2.mul(q, e);
      gLsSum = f64x2.add(gLsSum, gls);
      const positive = f64x2.gt(conv, zero);
      const gconv = v128.and(f64x2.div(gls, conv), positive);
      const lmax = t < L - 1 ? t : L - 1;
      let src = cell;
      let gp = pLagGrad + coff;
      for (let l = 0; l <= lmax; l++) {
        v128.store(gp, f64x2.add(v128.load(gp), f64x2.mul(gconv, v128.load(pMedia + src))));
        src -= stride;
        gp += stride;
      }
      cell += stride;
    }
    for (let lane = 0; lane < 2; lane++) {
      const ch = c + lane;
      if (ch >= nC) break;
      const gb = lane == 0 ? f64x2.extract_lane(gBeta, 0) : f64x2.extract_lane(gBeta, 1);
      const ge = lane == 0 ? f64x2.extract_lane(gE, 0) : f64x2.extract_lane(gE, 1);
      const glsSum = lane == 0 ? f64x2.extract_lane(gLsSum, 0) : f64x2.extract_lane(gLsSum, 1);
      addGrad(offMedia + ch, gb * f64At(pDValue, offMedia + ch));
      addGrad(offTransform3 + ch, ge * f64At(pDValue, offTransform3 + ch));
      // dls/dw[l] = x[t-l]/conv - 1/sum(w): the second part sums over t.
      const rateIdx = offTransform1 + ch;
      const delayIdx = offTransform2 + ch;
      const logRate = f64At(pLogValue, rateIdx);
      const delay = f64At(pValue, delayIdx);
      const invSum = Math.exp(-f64At(pChAux, ch));
      let gLogRate: f64 = 0;
      let gDelay: f64 = 0;
      for (let l = 0; l < L; l++) {
        const idx = <usize>(l * nCp + ch) << 3;
        const w = load<f64>(pLagWeights + idx);
        const gw = load<f64>(pLagGrad + idx) - glsSum * invSum;
        const d = <f64>l - delay;
        // log w = d^2 log rate (+ a shift whose gradient contribution is zero).
        gLogRate += gw * w * d * d;
        gDelay -= gw * w * 2 * d * logRate;
      }
      addGrad(rateIdx, gLogRate * f64At(pDLogValue, rateIdx));
      addGrad(delayIdx, gDelay * f64At(pDValue, delayIdx));
    }
  }
}
