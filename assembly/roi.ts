// ROI priors (Meridian's parametrisation): the sampled parameter of channel c
// is its ROI over a calibration period, and its coefficients are derived.
//   coef[c, g] = s_c raw[c, g],  s_c = roi_c / Q_c,
//   Q_c = sum_g omega[c, g] raw[c, g] S[c, g],  S[c, g] = sum_t mask[t] f[t, c, g],
// omega[c, g] = (target scale of geo g) / (channel c's spend over the period),
// raw the geo model's relative coefficient (1 in the national model). Then the
// model's ROI of c over the period is exactly roi_c.
//
// The media kernels run with coefficient 1 (the slot holds 1 through both
// passes): their cells H, HD, G are per unit of coefficient, and mu gets
// (coef - 1) f added once the coefficient is known. The chain rule through S:
// the gradient with respect to the transform parameters is the usual reverse
// pass with each series' residual r replaced by coef (r - lambda_s mask),
// lambda_s = Lambda_c omega[c, g] / roi_c, Lambda_c = sum_g coef[c, g] D[c, g],
// D = sum_t r f[t, c, g] plus the lift tests' d lp / d coef (lift.ts)
// (docs/roi-priors.md derives it); the factor coef turns the unit
// cells into the series' own, and the kernels' coefficient gradient (dotF
// times dValue) then is the geo model's raw gradient once dValue is divided
// by raw.
import { demote2, isFast } from "./simdmath";
import {
  geoMode,
  nC,
  nG,
  nS,
  nTp,
  offMedia,
  pDValue,
  pSat,
  pValue,
  seriesStride,
  allocF64,
} from "./layout";
import { addGrad, f64At } from "./access";
import { muRow, residRow, resid32Row } from "./kernelKit";

export let roiMode: bool = false;
/** Offset of the roi block (national: the media slot itself; geo: the channel-level block). */
let offRoi: i32 = -1;
let pMask: usize = 0; // [Tp] 1 on calibration rows, 0 elsewhere (padding included)
let pOmega: usize = 0; // [S]
let pRaw: usize = 0; // [S] raw[c, g] of the evaluation (1 in the national model)
let pRoi: usize = 0; // [C] roi_c
let pDRoi: usize = 0; // [C] d roi_c / du
let pLambda: usize = 0; // [C] Lambda_c / roi_c
let pScale: usize = 0; // [C] s_c of the evaluation
let pCoef: usize = 0; // [S] coef[c, g] of the evaluation
let pSaved: usize = 0; // [G][Tp] the residual before any series' adjustment
let pLiftScore: usize = 0; // [S] the lift tests' d lp / d coef[c, g] of the evaluation (lift.ts)

/** After configure: ROI priors on, the roi block at `roiOffset`; the host writes the mask and omega next. */
export function configureRoi(roiOffset: i32): void {
  roiMode = true;
  offRoi = roiOffset;
  pMask = allocF64(nTp);
  pOmega = allocF64(nS);
  pRaw = allocF64(nS);
  pLambda = allocF64(nC);
  pRoi = allocF64(nC);
  pDRoi = allocF64(nC);
  pScale = allocF64(nC);
  pCoef = allocF64(nS);
  pSaved = allocF64(nTp * nG);
  pLiftScore = allocF64(nS);
}

export function roiMaskPtr(): usize {
  return pMask;
}
export function roiOmegaPtr(): usize {
  return pOmega;
}
/** coef[c, g] of the last evaluation. */
export function roiCoefPtr(): usize {
  return pCoef;
}
/** s_c of the last evaluation (the geo model's channel coefficient). */
export function roiScalePtr(): usize {
  return pScale;
}

/** coef[c, g] of the evaluation (after roiAfterForward). */
@inline
export function roiCoefAt(s: i32): f64 {
  return f64At(pCoef, s);
}

/** A lift test's d lp / d coef[c, g] (lift.ts): it joins the likelihood's in Lambda_c. */
export function roiAddLiftScore(s: i32, v: f64): void {
  store<f64>(pLiftScore + (<usize>s << 3), f64At(pLiftScore, s) + v);
}

/** Before the media forward pass (priors evaluated): keep roi, run the kernels at coefficient 1. */
export function roiBeforeForward(): void {
  memory.fill(pLiftScore, 0, <usize>nS << 3);
  for (let c = 0; c < nC; c++) {
    store<f64>(pRoi + (<usize>c << 3), f64At(pValue, offRoi + c));
    store<f64>(pDRoi + (<usize>c << 3), f64At(pDValue, offRoi + c));
  }
  for (let s = 0; s < nS; s++) {
    // National: the slot is roi itself (raw 1); geo: the relative coefficient.
    store<f64>(pRaw + (<usize>s << 3), geoMode ? f64At(pValue, offMedia + s) : 1.0);
    store<f64>(pValue + (<usize>(offMedia + s) << 3), 1.0);
  }
}

/** After the media forward pass: derive every coefficient and add its series' rest to mu. */
export function roiAfterForward<M>(): void {
  for (let c = 0; c < nC; c++) {
    let q: f64 = 0;
    for (let g = 0; g < nG; g++) {
      const s = c * nG + g;
      const sat = pSat + <usize>s * seriesStride;
      let acc = f64x2.splat(0);
      for (let t = 0; t < nTp; t += 2) {
        const off = <usize>t << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(pMask + off), v128.load(sat + off)));
      }
      q += f64At(pOmega, s) * f64At(pRaw, s) * (f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
    }
    const scale = f64At(pRoi, c) / q;
    store<f64>(pScale + (<usize>c << 3), scale);
    for (let g = 0; g < nG; g++) {
      const s = c * nG + g;
      const base = <usize>s * seriesStride;
      const coef = scale * f64At(pRaw, s);
      store<f64>(pCoef + (<usize>s << 3), coef);
      const mu = muRow(g);
      const sat = pSat + base;
      const k = f64x2.splat(coef - 1);
      for (let t = 0; t < nTp; t += 2) {
        const off = <usize>t << 3;
        v128.store(mu + off, f64x2.add(v128.load(mu + off), f64x2.mul(k, v128.load(sat + off))));
      }
      // The kernels' coefficient gradient is dotF (already times coef) times this:
      // d u_raw: d raw / du / raw (geo); national: roi's gradient is added in roiSeries.
      const dv = pDValue + (<usize>(offMedia + s) << 3);
      store<f64>(dv, geoMode ? load<f64>(dv) / f64At(pRaw, s) : 0.0);
    }
  }
}

/** At the start of series s in the reverse pass: its residual becomes r - lambda_s mask. */
export function roiSeries<M>(s: i32): void {
  if (!roiMode) return;
  const c = s / nG;
  const g = s - c * nG;
  if (s == 0) memory.copy(pSaved, residRow(0), (<usize>nTp * <usize>nG) << 3);
  const roi = f64At(pRoi, c);
  if (g == 0) {
    // Lambda_c, from the unadjusted residual; roi's gradient is Lambda_c / roi_c d roi / du.
    let lambda: f64 = 0;
    for (let h = 0; h < nG; h++) {
      const sat = pSat + <usize>(c * nG + h) * seriesStride;
      const r = pSaved + ((<usize>h * <usize>nTp) << 3);
      let acc = f64x2.splat(0);
      for (let t = 0; t < nTp; t += 2) {
        const off = <usize>t << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(r + off), v128.load(sat + off)));
      }
      const dCoef = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) + f64At(pLiftScore, c * nG + h);
      lambda += f64At(pCoef, c * nG + h) * dCoef;
    }
    addGrad(offRoi + c, (lambda / roi) * f64At(pDRoi, c));
    store<f64>(pLambda + (<usize>c << 3), lambda / roi);
  }
  const k = f64x2.splat(f64At(pLambda, c) * f64At(pOmega, s));
  const coef = f64x2.splat(f64At(pCoef, s));
  const src = pSaved + ((<usize>g * <usize>nTp) << 3);
  const dst = residRow(g);
  for (let t = 0; t < nTp; t += 4) {
    const off = <usize>t << 3;
    const w0 = f64x2.mul(coef, f64x2.sub(v128.load(src + off), f64x2.mul(k, v128.load(pMask + off))));
    const w1 = f64x2.mul(coef, f64x2.sub(v128.load(src + off + 16), f64x2.mul(k, v128.load(pMask + off + 16))));
    v128.store(dst + off, w0);
    v128.store(dst + off + 16, w1);
    if (isFast<M>()) v128.store(resid32Row(g) + (off >> 1), demote2(w0, w1));
  }
}
