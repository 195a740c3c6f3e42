// The geo (hierarchical) model's baseline and likelihood (MODEL.md, "Geo
// (hierarchical) model"). Per geo g, on its own row of mu, target and residual:
//   mu_g[t] = intercept[g] + coef_trend[g] t^expo_trend
//           + coef_seasonality[g] season[t] + shared[t] + sum_f theta[f, g] x[f, g][t]
// where season[t] (the seasonal design columns times gamma_seasonality) and
// shared[t] (national extra features and weekday) are the same for every
// geo, so they are formed once per evaluation. The media series add into the
// rows afterwards (media.ts); the reverse pass of the shared columns then
// needs only two rows: the residual summed over geos, and weighted by
// coef_seasonality.
// The baseline stays in f64 in every math mode: it is O(G T), small beside
// the media's O(C G T) transcendentals.

import { demote2, isFast, lnBase, vexpb } from "./simdmath";
import {
  nG,
  nGeoExtra,
  nLin,
  nSeasonCols,
  nT,
  nTp,
  offCoefSeasonality,
  offExpoTrend,
  offGeoExtra,
  offIntercept,
  offSigma,
  offTrend,
  pDLogValue,
  pDValue,
  pDesign,
  pGeoDesign,
  pLinIndex,
  pLogTime,
  pLogValue,
  pMu,
  pRCs,
  pRSum,
  pResid,
  pRowMask,
  pScratch32,
  pSeason,
  pShared,
  pTarget,
  pTimePow,
  pValue,
} from "./layout";
import { HALF_LOG_2PI, f64At, addGrad, hsum } from "./access";

/** Unconstrained index of shared design column k's coefficient. */
@inline
function linIndex(k: i32): i32 {
  return load<i32>(pLinIndex + (<usize>k << 2));
}

@inline
function rowBytes(): usize {
  return <usize>nTp << 3;
}

/** sum_t a[t] b[t] over the padded rows (padding is zero in a or b). */
function dot(a: usize, b: usize): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  for (let t = 0; t < nTp; t += 4) {
    const off = <usize>t << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + off), v128.load(b + off)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + off + 16), v128.load(b + off + 16)));
  }
  return hsum(f64x2.add(s0, s1));
}

/** dst[t] += w * src[t]. */
function axpy(dst: usize, w: f64, src: usize): void {
  const vw = f64x2.splat(w);
  for (let t = 0; t < nTp; t += 2) {
    const off = <usize>t << 3;
    v128.store(dst + off, f64x2.add(v128.load(dst + off), f64x2.mul(vw, v128.load(src + off))));
  }
}

/** Every geo's baseline into its row of mu; t^expo_trend into pTimePow. */
export function geoBaselineForward<M>(): void {
  const vExpo = f64x2.splat(f64At(pValue, offExpoTrend) / lnBase<M>());
  for (let t = 0; t < nTp; t += 4) {
    const off = <usize>t << 3;
    const p0 = vexpb<M>(f64x2.mul(vExpo, v128.load(pLogTime + off)));
    const p1 = vexpb<M>(f64x2.mul(vExpo, v128.load(pLogTime + off + 16)));
    v128.store(pTimePow + off, p0);
    v128.store(pTimePow + off + 16, p1);
  }
  store<f64>(pTimePow, 0.0); // 0^e = 0
  const colBytes = rowBytes();
  memory.fill(pSeason, 0, colBytes);
  memory.fill(pShared, 0, colBytes);
  for (let k = 0; k < nLin; k++) {
    const col = pDesign + <usize>k * colBytes;
    axpy(k < nSeasonCols ? pSeason : pShared, f64At(pValue, linIndex(k)), col);
  }
  for (let g = 0; g < nG; g++) {
    const mu = pMu + <usize>g * colBytes;
    const intercept = f64x2.splat(f64At(pValue, offIntercept + g));
    const trend = f64x2.splat(f64At(pValue, offTrend + g));
    const cs = f64x2.splat(nSeasonCols > 0 ? f64At(pValue, offCoefSeasonality + g) : 0.0);
    for (let t = 0; t < nTp; t += 2) {
      const off = <usize>t << 3;
      const m = f64x2.add(
        f64x2.add(intercept, f64x2.mul(trend, v128.load(pTimePow + off))),
        f64x2.add(f64x2.mul(cs, v128.load(pSeason + off)), v128.load(pShared + off)),
      );
      v128.store(mu + off, m);
    }
    for (let f = 0; f < nGeoExtra; f++) {
      const j = f * nG + g;
      axpy(mu, f64At(pValue, offGeoExtra + j), pGeoDesign + <usize>j * colBytes);
    }
  }
}

/**
 * Normal log-likelihood summed over geos (each with its own sigma); leaves
 * each geo's (y - mu) / sigma^2 in its row of pResid (zero on padding; also
 * f32 rows in pScratch32 in the fast mode) and adds the baseline's gradient.
 */
export function geoLikelihoodAndBaselineReverse<M>(): f64 {
  const colBytes = rowBytes();
  memory.fill(pRSum, 0, colBytes);
  memory.fill(pRCs, 0, colBytes);
  const T = <f64>nT;
  let ll: f64 = 0;
  let gExpoAll: f64 = 0;
  for (let g = 0; g < nG; g++) {
    const rowOff = <usize>g * colBytes;
    const y = pTarget + rowOff;
    const mu = pMu + rowOff;
    const resid = pResid + rowOff;
    const r32 = pScratch32 + (rowOff >> 1);
    const logSigma = f64At(pLogValue, offSigma + g);
    const invVar = Math.exp(-2 * logSigma);
    const vInvVar = f64x2.splat(invVar);
    const csVal = nSeasonCols > 0 ? f64At(pValue, offCoefSeasonality + g) : 0.0;
    const cs = f64x2.splat(csVal);
    let ssr = f64x2.splat(0);
    let gI = f64x2.splat(0);
    let gT = f64x2.splat(0);
    let gE = f64x2.splat(0);
    let gS = f64x2.splat(0);
    for (let t = 0; t < nTp; t += 4) {
      const off = <usize>t << 3;
      const e0 = v128.and(f64x2.sub(v128.load(y + off), v128.load(mu + off)), v128.load(pRowMask + off));
      const e1 = v128.and(f64x2.sub(v128.load(y + off + 16), v128.load(mu + off + 16)), v128.load(pRowMask + off + 16));
      ssr = f64x2.add(ssr, f64x2.add(f64x2.mul(e0, e0), f64x2.mul(e1, e1)));
      const r0 = f64x2.mul(e0, vInvVar);
      const r1 = f64x2.mul(e1, vInvVar);
      v128.store(resid + off, r0);
      v128.store(resid + off + 16, r1);
      if (isFast<M>()) v128.store(r32 + (off >> 1), demote2(r0, r1));
      gI = f64x2.add(gI, f64x2.add(r0, r1));
      const rtp0 = f64x2.mul(r0, v128.load(pTimePow + off));
      const rtp1 = f64x2.mul(r1, v128.load(pTimePow + off + 16));
      gT = f64x2.add(gT, f64x2.add(rtp0, rtp1));
      gE = f64x2.add(
        gE,
        f64x2.add(f64x2.mul(rtp0, v128.load(pLogTime + off)), f64x2.mul(rtp1, v128.load(pLogTime + off + 16))),
      );
      gS = f64x2.add(
        gS,
        f64x2.add(f64x2.mul(r0, v128.load(pSeason + off)), f64x2.mul(r1, v128.load(pSeason + off + 16))),
      );
      v128.store(pRSum + off, f64x2.add(v128.load(pRSum + off), r0));
      v128.store(pRSum + off + 16, f64x2.add(v128.load(pRSum + off + 16), r1));
      v128.store(pRCs + off, f64x2.add(v128.load(pRCs + off), f64x2.mul(cs, r0)));
      v128.store(pRCs + off + 16, f64x2.add(v128.load(pRCs + off + 16), f64x2.mul(cs, r1)));
    }
    const trend = f64At(pValue, offTrend + g);
    addGrad(offIntercept + g, hsum(gI) * f64At(pDValue, offIntercept + g));
    addGrad(offTrend + g, hsum(gT) * f64At(pDValue, offTrend + g));
    gExpoAll += hsum(gE) * trend;
    if (nSeasonCols > 0) addGrad(offCoefSeasonality + g, hsum(gS) * f64At(pDValue, offCoefSeasonality + g));
    for (let f = 0; f < nGeoExtra; f++) {
      const j = offGeoExtra + f * nG + g;
      addGrad(j, dot(resid, pGeoDesign + <usize>(f * nG + g) * colBytes) * f64At(pDValue, j));
    }
    const ssrSum = hsum(ssr);
    // d/d log sigma of -T log sigma - ssr / (2 sigma^2).
    addGrad(offSigma + g, (ssrSum * invVar - T) * f64At(pDLogValue, offSigma + g));
    ll += -T * (HALF_LOG_2PI + logSigma) - 0.5 * ssrSum * invVar;
  }
  addGrad(offExpoTrend, gExpoAll * f64At(pDValue, offExpoTrend));
  // Seasonal columns see every geo's residual weighted by its
  // coef_seasonality; the other shared columns the plain sum.
  for (let k = 0; k < nLin; k++) {
    const col = pDesign + <usize>k * colBytes;
    const j = linIndex(k);
    addGrad(j, dot(k < nSeasonCols ? pRCs : pRSum, col) * f64At(pDValue, j));
  }
  return ll;
}
