// Priors and unconstraining transforms, element by element. Each family has
// one transform (its support decides it), so the pair is evaluated together
// in the stable form of u: log x = u for positive families, log x =
// -softplus(-u) and log(1-x) = -softplus(u) for the unit interval.

import {
  FAMILY_BETA,
  FAMILY_GAMMA,
  FAMILY_HALF_NORMAL,
  FAMILY_LOG_NORMAL,
  FAMILY_NORMAL,
  FAMILY_SCALED_HALF_NORMAL,
  FAMILY_UNIFORM,
  nDim,
  pDLog1mValue,
  pDLogValue,
  pDValue,
  pFamily,
  pGrad,
  pLog1mValue,
  pLogValue,
  pParams,
  pPriorA,
  pPriorB,
  pPriorConst,
  pValue,
} from "./layout";

// logisticPair's results: p = logistic(u), q = 1 - p, and their logs.
let lgP: f64 = 0;
let lgQ: f64 = 0;
let lgLogP: f64 = 0;
let lgLogQ: f64 = 0;

/**
 * p = 1/(1+e^-u), q = 1/(1+e^u), log p = -softplus(-u), log q = -softplus(u),
 * all from one exp and one log of e^-|u| (stable in both tails).
 */
@inline
function logisticPair(u: f64): void {
  const e = Math.exp(-Math.abs(u));
  // log1p(e) as log(1 + e) corrected for the rounding of 1 + e (the std
  // lib's log1p costs about three logs here).
  const w = 1.0 + e;
  const l = Math.log(w) - (w - 1.0 - e) / w;
  const big = 1.0 / (1.0 + e);
  const small = e * big;
  if (u >= 0) {
    lgP = big;
    lgQ = small;
    lgLogP = -l;
    lgLogQ = -u - l;
  } else {
    lgP = small;
    lgQ = big;
    lgLogP = u - l;
    lgLogQ = -l;
  }
}

/** Sum of log-Jacobians from the last evaluation. */
export let lastLogJacobian: f64 = 0;

/**
 * Evaluates every prior and log-Jacobian at pParams, fills the per-element
 * transform arrays, writes d(prior + Jacobian)/du into pGrad and returns the
 * prior sum (without Jacobian; that goes to lastLogJacobian).
 */
export function evaluatePriors(): f64 {
  let lpPrior: f64 = 0;
  let lpJac: f64 = 0;
  for (let i = 0; i < nDim; i++) {
    const off = <usize>i << 3;
    const u = load<f64>(pParams + off);
    const family = load<i32>(pFamily + (<usize>i << 2));
    const a = load<f64>(pPriorA + off);
    const b = load<f64>(pPriorB + off);
    const c = load<f64>(pPriorConst + off);
    let x: f64 = u;
    let dx: f64 = 1;
    let logx: f64 = NaN;
    let dlogx: f64 = 0;
    let log1mx: f64 = NaN;
    let dlog1mx: f64 = 0;
    let lp: f64 = c;
    let dlp: f64 = 0; // d(prior + Jacobian)/du
    let jac: f64 = 0;
    if (family == FAMILY_NORMAL) {
      const z = (u - a) / b;
      lp -= 0.5 * z * z;
      dlp = -z / b;
    } else if (family == FAMILY_UNIFORM) {
      // x = a + (b - a) p, p = logistic(u).
      logisticPair(u);
      const p = lgP;
      const q = lgQ;
      const logp = lgLogP;
      const logq = lgLogQ;
      const width = b - a;
      x = a + width * p;
      dx = width * p * q;
      jac = Math.log(width) + logp + logq;
      dlp = q - p;
      if (a == 0) {
        logx = Math.log(width) + logp;
        dlogx = q;
      } else {
        logx = Math.log(x);
        dlogx = dx / x;
      }
      if (b == 1) {
        log1mx = Math.log(width) + logq;
        dlog1mx = -p;
      } else {
        const om = 1 - b + width * q;
        log1mx = Math.log(om);
        dlog1mx = -dx / om;
      }
    } else if (family == FAMILY_BETA) {
      logisticPair(u);
      const p = lgP;
      const q = lgQ;
      x = p;
      dx = p * q;
      logx = lgLogP;
      dlogx = q;
      log1mx = lgLogQ;
      dlog1mx = -p;
      lp += (a - 1) * logx + (b - 1) * log1mx;
      jac = logx + log1mx;
      // d/du [a log x + b log(1-x)] with the Jacobian folded in.
      dlp = a * q - b * p;
    } else {
      // Positive support: x = e^u, log-Jacobian u.
      x = Math.exp(u);
      dx = x;
      logx = u;
      dlogx = 1;
      jac = u;
      if (family == FAMILY_HALF_NORMAL) {
        const z = x / a;
        lp -= 0.5 * z * z;
        dlp = 1 - z * z;
      } else if (family == FAMILY_GAMMA) {
        lp += (a - 1) * u - b * x;
        dlp = a - b * x;
      } else if (family == FAMILY_SCALED_HALF_NORMAL) {
        // HalfNormal(b * value[k]), k = a an earlier element (its value and
        // gradient row are already set); the host's constant holds
        // 0.5 log(2/pi) - log b, the -log value[k] term is added here.
        const k = <usize>(<i32>a) << 3;
        const z = x / (b * load<f64>(pValue + k));
        const z2 = z * z;
        lp -= 0.5 * z2 + load<f64>(pLogValue + k);
        dlp = 1 - z2;
        store<f64>(pGrad + k, load<f64>(pGrad + k) + (z2 - 1) * load<f64>(pDLogValue + k));
      } else if (family == FAMILY_LOG_NORMAL) {
        const z = (u - a) / b;
        lp -= 0.5 * z * z + u;
        dlp = -z / b; // -1 of the density and +1 of the Jacobian cancel
      } else {
        unreachable();
      }
    }
    lpPrior += lp;
    lpJac += jac;
    store<f64>(pValue + off, x);
    store<f64>(pDValue + off, dx);
    store<f64>(pLogValue + off, logx);
    store<f64>(pDLogValue + off, dlogx);
    store<f64>(pLog1mValue + off, log1mx);
    store<f64>(pDLog1mValue + off, dlog1mx);
    store<f64>(pGrad + off, dlp);
  }
  lastLogJacobian = lpJac;
  return lpPrior;
}
