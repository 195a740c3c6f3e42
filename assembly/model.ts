// The national media mix model: priors + baseline + media + Normal likelihood,
// value and gradient in one forward and one reverse sweep.

import { hsum, vexp } from "./simdmath";
import {
  MODEL_CARRYOVER,
  MODEL_HILL_ADSTOCK,
  modelKind,
  nDim,
  nLin,
  nLinP,
  nT,
  offExpoTrend,
  offIntercept,
  offLinear,
  offSigma,
  offTrend,
  pDLogValue,
  pDValue,
  pDesign,
  pGrad,
  pGradTheta,
  pLogTime,
  pLogValue,
  pMu,
  pResid,
  pTarget,
  pTheta,
  pTimePow,
  pValue,
} from "./layout";
import { evaluatePriors, lastLogJacobian } from "./priors";
import { adstockForward, adstockReverse, carryoverForward, carryoverReverse } from "./media";

const HALF_LOG_2PI: f64 = 0.91893853320467274178;

/** Log-likelihood of the last evaluation (for the host's diagnostics). */
export let lastLogLikelihood: f64 = 0;

@inline
function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

@inline
function addGrad(i: i32, v: f64): void {
  const p = pGrad + (<usize>i << 3);
  store<f64>(p, load<f64>(p) + v);
}

/** mu[t] = intercept + coef_trend t^expo_trend + design[t] . theta. */
function baselineForward(): void {
  const intercept = f64At(pValue, offIntercept);
  const coefTrend = f64At(pValue, offTrend);
  const expo = f64x2.splat(f64At(pValue, offExpoTrend));
  for (let k = 0; k < nLinP; k++) {
    store<f64>(pTheta + (<usize>k << 3), k < nLin ? f64At(pValue, offLinear + k) : 0.0);
  }
  // t^e = exp(e log t) for t >= 1; 0^e = 0.
  for (let t = 0; t < nT; t += 2) {
    const off = <usize>t << 3;
    v128.store(pTimePow + off, vexp(f64x2.mul(expo, v128.load(pLogTime + off))));
  }
  store<f64>(pTimePow, 0.0);
  const rowBytes = <usize>nLinP << 3;
  let row = pDesign;
  for (let t = 0; t < nT; t++) {
    let acc = f64x2.splat(0);
    for (let k = 0; k < nLinP; k += 2) {
      const off = <usize>k << 3;
      acc = f64x2.add(acc, f64x2.mul(v128.load(row + off), v128.load(pTheta + off)));
    }
    const off = <usize>t << 3;
    store<f64>(pMu + off, intercept + coefTrend * load<f64>(pTimePow + off) + hsum(acc));
    row += rowBytes;
  }
}

/** Normal log-likelihood; leaves (y - mu) / sigma^2 in pResid. */
function likelihood(): f64 {
  const logSigma = f64At(pLogValue, offSigma);
  const invVar = Math.exp(-2 * logSigma);
  let ssr: f64 = 0;
  for (let t = 0; t < nT; t++) {
    const off = <usize>t << 3;
    const e = load<f64>(pTarget + off) - load<f64>(pMu + off);
    ssr += e * e;
    store<f64>(pResid + off, e * invVar);
  }
  const T = <f64>nT;
  // d/d log sigma of -T log sigma - ssr / (2 sigma^2).
  addGrad(offSigma, (ssr * invVar - T) * f64At(pDLogValue, offSigma));
  return -T * (HALF_LOG_2PI + logSigma) - 0.5 * ssr * invVar;
}

function baselineReverse(): void {
  const coefTrend = f64At(pValue, offTrend);
  for (let k = 0; k < nLinP; k++) store<f64>(pGradTheta + (<usize>k << 3), 0.0);
  let gIntercept: f64 = 0;
  let gTrend: f64 = 0;
  let gExpo: f64 = 0;
  const rowBytes = <usize>nLinP << 3;
  let row = pDesign;
  for (let t = 0; t < nT; t++) {
    const off = <usize>t << 3;
    const r = load<f64>(pResid + off);
    const tp = load<f64>(pTimePow + off);
    gIntercept += r;
    gTrend += r * tp;
    gExpo += r * tp * load<f64>(pLogTime + off);
    const rv = f64x2.splat(r);
    for (let k = 0; k < nLinP; k += 2) {
      const koff = <usize>k << 3;
      v128.store(
        pGradTheta + koff,
        f64x2.add(v128.load(pGradTheta + koff), f64x2.mul(rv, v128.load(row + koff))),
      );
    }
    row += rowBytes;
  }
  addGrad(offIntercept, gIntercept * f64At(pDValue, offIntercept));
  addGrad(offTrend, gTrend * f64At(pDValue, offTrend));
  addGrad(offExpoTrend, gExpo * coefTrend * f64At(pDValue, offExpoTrend));
  for (let k = 0; k < nLin; k++) {
    addGrad(offLinear + k, f64At(pGradTheta, k) * f64At(pDValue, offLinear + k));
  }
}

/**
 * Full log-density (priors + likelihood + log-Jacobian) at pParams; gradient
 * with respect to the unconstrained vector in pGrad. Non-finite results come
 * back as -Infinity with a zero gradient.
 */
export function logDensityGradient(): f64 {
  const lpPrior = evaluatePriors();
  baselineForward();
  const isHill = modelKind == MODEL_HILL_ADSTOCK;
  if (modelKind == MODEL_CARRYOVER) carryoverForward();
  else adstockForward(isHill);
  const lpLik = likelihood();
  baselineReverse();
  if (modelKind == MODEL_CARRYOVER) carryoverReverse();
  else adstockReverse(isHill);
  lastLogLikelihood = lpLik;
  const lp = lpPrior + lpLik + lastLogJacobian;
  let finite = isFinite(lp);
  for (let i = 0; i < nDim && finite; i++) finite = isFinite(f64At(pGrad, i));
  if (!finite) {
    memory.fill(pGrad, 0, <usize>nDim << 3);
    return -Infinity;
  }
  return lp;
}
