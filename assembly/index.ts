// The flat ABI of the density core. Host protocol, once per model:
//   configure(...) -> setOffsets(...) -> write data and priors at the pointers
// then, per evaluation: write the position at paramsPtr(), call
// logDensityGradient(), read the gradient at gradientPtr().
// Only numbers cross this boundary; nothing here allocates after configure.
// A host that rewrites the data after evaluations calls dataChanged().
// Layouts: media and transformed media are channel-major series, element
// (c, t) at ptr + 8 (c * mediaStride() + t); the design is column-major,
// element (t, k) at designPtr() + 8 (k * paddedRows() + t); target, log time
// and mean are [paddedRows()] with the first T entries used.
// Geo model (configureGeo): media series s = c * G + g; target and mean are
// [G][paddedRows()] (geo-major rows); the design holds the columns shared by
// every geo, with the coefficient index of each column at linearIndexPtr()
// (i32); per-geo extra features are columns (f * G + g) at geoDesignPtr().

export { configure, configureGeo, setGeoOffsets, setOffsets } from "./layout";
export { dataChanged } from "./model";
export { setExactMath, setMathMode } from "./simdmath";
export { logDensityGradient } from "./model";
export { configureRoi, roiCoefPtr, roiMaskPtr, roiOmegaPtr, roiScalePtr } from "./roi";
export { configureLift, liftTestsPtr } from "./lift";

import {
  pDesign,
  pFamily,
  pGeoDesign,
  pLinIndex,
  pGrad,
  pLogTime,
  pMedia,
  pParams,
  pPriorA,
  pPriorB,
  pPriorConst,
  pSat,
  pTarget,
  pValue,
  pMu,
  nTp,
  seriesStride,
} from "./layout";
import { lastLogJacobian } from "./priors";
import { lastLogLikelihood } from "./model";

/** f64 elements from one channel's series to the next (media, transformed media). */
export function mediaStride(): i32 {
  return <i32>(seriesStride >> 3);
}
/** Rows including padding: the stride of design columns. */
export function paddedRows(): i32 {
  return nTp;
}
export function mediaPtr(): usize {
  return pMedia;
}
export function targetPtr(): usize {
  return pTarget;
}
export function designPtr(): usize {
  return pDesign;
}
export function linearIndexPtr(): usize {
  return pLinIndex;
}
export function geoDesignPtr(): usize {
  return pGeoDesign;
}
export function logTimePtr(): usize {
  return pLogTime;
}
export function familyPtr(): usize {
  return pFamily;
}
export function priorAPtr(): usize {
  return pPriorA;
}
export function priorBPtr(): usize {
  return pPriorB;
}
export function priorConstPtr(): usize {
  return pPriorConst;
}
export function paramsPtr(): usize {
  return pParams;
}
export function gradientPtr(): usize {
  return pGrad;
}
/** Constrained parameter values of the last evaluation. */
export function valuesPtr(): usize {
  return pValue;
}
/** Transformed media of the last evaluation (channel-major, see mediaStride). */
export function transformedMediaPtr(): usize {
  return pSat;
}
/** Mean mu[T] of the last evaluation. */
export function meanPtr(): usize {
  return pMu;
}
export function logJacobian(): f64 {
  return lastLogJacobian;
}
export function logLikelihood(): f64 {
  return lastLogLikelihood;
}
