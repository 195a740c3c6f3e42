// The national media mix model: priors + baseline + media + Normal likelihood,
// value and gradient in one forward and one reverse sweep.

import { Accurate, Exact, Fast, MODE_EXACT, MODE_FAST, demote2, fexp2, isFast, lnBase, mathMode, promoteHi, promoteLo, vexpb } from "./simdmath";
import {
  nDim,
  nLin,
  nT,
  nTp,
  offExpoTrend,
  offIntercept,
  offLinear,
  offSigma,
  offTrend,
  pDLogValue,
  pDValue,
  pDesign,
  pGrad,
  pLogTime,
  pLogValue,
  pMu,
  pResid,
  pRowMask,
  pTarget,
  pTimePow,
  pScratch32,
  pValue,
  fastDataReady,
  pDesign32,
  pTheta32,
  nS,
  geoMode,
  nLead,
  pMedia,
  pMedia32,
  seriesStride,
  setFastDataReady,
} from "./layout";
import { HALF_LOG_2PI, f64At, addGrad, hsum } from "./access";
import { evaluatePriors, lastLogJacobian } from "./priors";
import { geoBaselineForward, geoLikelihoodAndBaselineReverse } from "./geo";
import { mediaForward, mediaReverse } from "./generated/media";
import { roiAfterForward, roiBeforeForward, roiMode } from "./roi";
import { lastLiftLogDensity, liftTerms } from "./lift";

/** Log-likelihood of the last evaluation (for the host's diagnostics). */
export let lastLogLikelihood: f64 = 0;

/** mu[t] = intercept + coef_trend t^expo_trend + sum_k design[k][t] theta[k]. */
export function baselineForward<M>(): void {
  const intercept = f64x2.splat(f64At(pValue, offIntercept));
  const coefTrend = f64x2.splat(f64At(pValue, offTrend));
  const vExpo = f64x2.splat(f64At(pValue, offExpoTrend) / lnBase<M>());
  // t^e = base^(e log t / ln base) for t >= 1; 0^e = 0 (set after the loop).
  // Eight rows per iteration, loads before stores, so that the exp chains
  // of the rows overlap.
  for (let t = 0; t < nTp; t += 8) {
    const off = <usize>t << 3;
    const l0 = f64x2.mul(vExpo, v128.load(pLogTime + off));
    const l1 = f64x2.mul(vExpo, v128.load(pLogTime + off + 16));
    const l2 = f64x2.mul(vExpo, v128.load(pLogTime + off + 32));
    const l3 = f64x2.mul(vExpo, v128.load(pLogTime + off + 48));
    let p0: v128, p1: v128, p2: v128, p3: v128;
    if (isFast<M>()) {
      const q0 = fexp2(demote2(l0, l1));
      const q1 = fexp2(demote2(l2, l3));
      p0 = promoteLo(q0);
      p1 = promoteHi(q0);
      p2 = promoteLo(q1);
      p3 = promoteHi(q1);
    } else {
      p0 = vexpb<M>(l0);
      p1 = vexpb<M>(l1);
      p2 = vexpb<M>(l2);
      p3 = vexpb<M>(l3);
    }
    v128.store(pTimePow + off, p0);
    v128.store(pTimePow + off + 16, p1);
    v128.store(pTimePow + off + 32, p2);
    v128.store(pTimePow + off + 48, p3);
    v128.store(pMu + off, f64x2.add(intercept, f64x2.mul(coefTrend, p0)));
    v128.store(pMu + off + 16, f64x2.add(intercept, f64x2.mul(coefTrend, p1)));
    v128.store(pMu + off + 32, f64x2.add(intercept, f64x2.mul(coefTrend, p2)));
    v128.store(pMu + off + 48, f64x2.add(intercept, f64x2.mul(coefTrend, p3)));
  }
  store<f64>(pTimePow, 0.0);
  store<f64>(pMu, f64x2.extract_lane(intercept, 0));
  if (isFast<M>()) {
    // Fast mode: the design product in f32, eight rows at a time.
    for (let k = 0; k < nLin; k++) store<f32>(pTheta32 + (<usize>k << 2), <f32>f64At(pValue, offLinear + k));
    const colBytes32 = <usize>nTp << 2;
    for (let t = 0; t < nTp; t += 8) {
      const off = <usize>t << 3;
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let col = pDesign32 + (off >> 1);
      for (let k = 0; k < nLin; k++) {
        const th = v128.load32_splat(pTheta32 + (<usize>k << 2));
        s0 = f32x4.add(s0, f32x4.mul(th, v128.load(col)));
        s1 = f32x4.add(s1, f32x4.mul(th, v128.load(col + 16)));
        col += colBytes32;
      }
      v128.store(pMu + off, f64x2.add(v128.load(pMu + off), promoteLo(s0)));
      v128.store(pMu + off + 16, f64x2.add(v128.load(pMu + off + 16), promoteHi(s0)));
      v128.store(pMu + off + 32, f64x2.add(v128.load(pMu + off + 32), promoteLo(s1)));
      v128.store(pMu + off + 48, f64x2.add(v128.load(pMu + off + 48), promoteHi(s1)));
    }
    return;
  }
  // Design columns two at a time: half the passes over mu.
  const colBytes = <usize>nTp << 3;
  let k = 0;
  for (; k + 1 < nLin; k += 2) {
    const c0 = pDesign + <usize>k * colBytes;
    const c1 = c0 + colBytes;
    const th0 = f64x2.splat(f64At(pValue, offLinear + k));
    const th1 = f64x2.splat(f64At(pValue, offLinear + k + 1));
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      const m = f64x2.add(f64x2.mul(th0, v128.load(c0 + off)), f64x2.mul(th1, v128.load(c1 + off)));
      v128.store(pMu + off, f64x2.add(v128.load(pMu + off), m));
    }
  }
  if (k < nLin) {
    const c0 = pDesign + <usize>k * colBytes;
    const th0 = f64x2.splat(f64At(pValue, offLinear + k));
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      v128.store(pMu + off, f64x2.add(v128.load(pMu + off), f64x2.mul(th0, v128.load(c0 + off))));
    }
  }
}

/**
 * Normal log-likelihood; leaves (y - mu) / sigma^2 in pResid (zero on the
 * padding rows; also as f32 in pScratch32 in the fast mode) and adds the
 * baseline's gradient.
 */
export function likelihoodAndBaselineReverse<M>(): f64 {
  const logSigma = f64At(pLogValue, offSigma);
  const invVar = Math.exp(-2 * logSigma);
  const vInvVar = f64x2.splat(invVar);
  let ssr = f64x2.splat(0);
  let gIntercept = f64x2.splat(0);
  let gTrend = f64x2.splat(0);
  let gExpo = f64x2.splat(0);
  for (let t = 0; t < nTp; t += 4) {
    const off = <usize>t << 3;
    const e0 = v128.and(f64x2.sub(v128.load(pTarget + off), v128.load(pMu + off)), v128.load(pRowMask + off));
    const e1 = v128.and(
      f64x2.sub(v128.load(pTarget + off + 16), v128.load(pMu + off + 16)),
      v128.load(pRowMask + off + 16),
    );
    ssr = f64x2.add(ssr, f64x2.add(f64x2.mul(e0, e0), f64x2.mul(e1, e1)));
    const r0 = f64x2.mul(e0, vInvVar);
    const r1 = f64x2.mul(e1, vInvVar);
    v128.store(pResid + off, r0);
    v128.store(pResid + off + 16, r1);
    if (isFast<M>()) v128.store(pScratch32 + (off >> 1), demote2(r0, r1));
    gIntercept = f64x2.add(gIntercept, f64x2.add(r0, r1));
    const rtp0 = f64x2.mul(r0, v128.load(pTimePow + off));
    const rtp1 = f64x2.mul(r1, v128.load(pTimePow + off + 16));
    gTrend = f64x2.add(gTrend, f64x2.add(rtp0, rtp1));
    gExpo = f64x2.add(
      gExpo,
      f64x2.add(f64x2.mul(rtp0, v128.load(pLogTime + off)), f64x2.mul(rtp1, v128.load(pLogTime + off + 16))),
    );
  }
  const coefTrend = f64At(pValue, offTrend);
  addGrad(offIntercept, hsum(gIntercept) * f64At(pDValue, offIntercept));
  addGrad(offTrend, hsum(gTrend) * f64At(pDValue, offTrend));
  addGrad(offExpoTrend, hsum(gExpo) * coefTrend * f64At(pDValue, offExpoTrend));
  // Design columns two at a time (fast mode: one at a time in f32, with
  // 32-row partial sums).
  const colBytes = <usize>nTp << 3;
  let k = 0;
  if (isFast<M>()) {
    for (; k < nLin; k++) {
      const col = pDesign32 + ((<usize>k * colBytes) >> 1);
      let sum = f64x2.splat(0);
      for (let t0 = 0; t0 < nTp; t0 += 32) {
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        const t1 = min(t0 + 32, nTp);
        for (let t = t0; t < t1; t += 8) {
          const o = <usize>t << 2;
          a0 = f32x4.add(a0, f32x4.mul(v128.load(pScratch32 + o), v128.load(col + o)));
          a1 = f32x4.add(a1, f32x4.mul(v128.load(pScratch32 + o + 16), v128.load(col + o + 16)));
        }
        const a = f32x4.add(a0, a1);
        sum = f64x2.add(sum, f64x2.add(promoteLo(a), promoteHi(a)));
      }
      addGrad(offLinear + k, hsum(sum) * f64At(pDValue, offLinear + k));
    }
  }
  for (; k + 1 < nLin; k += 2) {
    const c0 = pDesign + <usize>k * colBytes;
    const c1 = c0 + colBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      const r = v128.load(pResid + off);
      a0 = f64x2.add(a0, f64x2.mul(r, v128.load(c0 + off)));
      a1 = f64x2.add(a1, f64x2.mul(r, v128.load(c1 + off)));
    }
    addGrad(offLinear + k, hsum(a0) * f64At(pDValue, offLinear + k));
    addGrad(offLinear + k + 1, hsum(a1) * f64At(pDValue, offLinear + k + 1));
  }
  if (k < nLin) {
    const c0 = pDesign + <usize>k * colBytes;
    let a0 = f64x2.splat(0);
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(pResid + off), v128.load(c0 + off)));
    }
    addGrad(offLinear + k, hsum(a0) * f64At(pDValue, offLinear + k));
  }
  const T = <f64>nT;
  const ssrSum = hsum(ssr);
  // d/d log sigma of -T log sigma - ssr / (2 sigma^2).
  addGrad(offSigma, (ssrSum * invVar - T) * f64At(pDLogValue, offSigma));
  return -T * (HALF_LOG_2PI + logSigma) - 0.5 * ssrSum * invVar;
}

/** Forward media pass and likelihood for one math mode. */
function forward<M>(): f64 {
  if (geoMode) geoBaselineForward<M>();
  else baselineForward<M>();
  mediaForward<M>();
  if (roiMode) roiAfterForward<M>();
  return geoMode ? geoLikelihoodAndBaselineReverse<M>() : likelihoodAndBaselineReverse<M>();
}

/** f32 copies of the media (each series with its lead zeros) and the design for the fast mode. */
function prepareFastData(): void {
  const n = <i32>(seriesStride >> 3) * nS;
  const src = pMedia - (<usize>nLead << 3);
  const dst = pMedia32 - (<usize>nLead << 2);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 3;
    v128.store(dst + (o >> 1), demote2(v128.load(src + o), v128.load(src + o + 16)));
  }
  const m = nLin * nTp;
  for (let i = 0; i < m; i += 4) {
    const o = <usize>i << 3;
    v128.store(pDesign32 + (o >> 1), demote2(v128.load(pDesign + o), v128.load(pDesign + o + 16)));
  }
  setFastDataReady(true);
}

/** The host rewrote the data: derived copies are made again before the next fast evaluation. */
export function dataChanged(): void {
  setFastDataReady(false);
}

/** One evaluation's media, baseline and likelihood, value and gradient, in math mode M (lift tests' term: lift.ts). */
function evaluate<M>(): f64 {
  const lpLik = forward<M>();
  liftTerms<M>();
  mediaReverse<M>();
  return lpLik;
}

/**
 * Full log-density (priors + likelihood + log-Jacobian) at pParams; gradient
 * with respect to the unconstrained vector in pGrad. Non-finite results come
 * back as -Infinity with a zero gradient.
 */
export function logDensityGradient(): f64 {
  const lpPrior = evaluatePriors();
  if (roiMode) roiBeforeForward();
  let lpLik: f64;
  if (mathMode == MODE_FAST) {
    if (!fastDataReady) prepareFastData();
    lpLik = evaluate<Fast>();
  } else if (mathMode == MODE_EXACT) {
    lpLik = evaluate<Exact>();
  } else {
    lpLik = evaluate<Accurate>();
  }
  lastLogLikelihood = lpLik;
  const lp = lpPrior + lpLik + lastLiftLogDensity + lastLogJacobian;
  let finite = isFinite(lp);
  for (let i = 0; i < nDim && finite; i++) finite = isFinite(f64At(pGrad, i));
  if (!finite) {
    memory.fill(pGrad, 0, <usize>nDim << 3);
    return -Infinity;
  }
  return lp;
}
