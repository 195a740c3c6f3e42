// Where every buffer lives in linear memory, and the model's shape. Set once
// per model by `configure`; the kernels only read these.
//
// Series are stored channel-major (one contiguous time series per channel,
// columns of the design likewise) so that the kernels vectorise over time:
// per-channel parameters become splats, no lane is wasted on an odd channel
// count, and mu is updated with plain vector adds. Time is padded to nTp, a
// multiple of 8 (the kernels take 8 rows per iteration); rows t >= T are inert
// because their residual is zero. Each media series also has `lead` zeros
// before t = 0 so that x[t - l] loads need no bounds tests.

export const FAMILY_NORMAL: i32 = 0;
export const FAMILY_HALF_NORMAL: i32 = 1;
export const FAMILY_GAMMA: i32 = 2;
export const FAMILY_BETA: i32 = 3;
export const FAMILY_UNIFORM: i32 = 4;
export const FAMILY_LOG_NORMAL: i32 = 5;
// HalfNormal whose scale is another (earlier) element: prior a holds that
// element's index, b a fixed multiplier (the geo model's coef_media).
export const FAMILY_SCALED_HALF_NORMAL: i32 = 6;

export const MODEL_HILL_ADSTOCK: i32 = 0;
export const MODEL_ADSTOCK: i32 = 1;
export const MODEL_CARRYOVER: i32 = 2;

// Shape.
export let nT: i32 = 0; // training periods
export let nTp: i32 = 0; // periods padded to a multiple of 8
export let nC: i32 = 0; // channels
export let nG: i32 = 1; // geos (1 for the national model)
export let nS: i32 = 0; // media series: nC * nG, series s = c * nG + g
export let geoMode: bool = false; // the geo (hierarchical) model's baseline and likelihood
export let nLin: i32 = 0; // linear design columns (seasonality, extra, weekday)
export let nDim: i32 = 0; // unconstrained dimension
export let modelKind: i32 = 0;
export let normaliseAdstock: bool = true;
export let nLags: i32 = 13; // carryover window
export let nLead: i32 = 2; // zeros before t = 0 in each media series
export let seriesStride: usize = 0; // bytes from one channel's series to the next

// Parameter block offsets in the unconstrained vector (-1 when absent).
export let offIntercept: i32 = 0;
export let offSigma: i32 = 0;
export let offTrend: i32 = 0;
export let offExpoTrend: i32 = 0;
export let offMedia: i32 = 0;
export let offTransform1: i32 = 0;
export let offTransform2: i32 = 0;
export let offTransform3: i32 = -1;
export let offTransform4: i32 = -1;
export let offLinear: i32 = 0;
// Geo model: coef_seasonality [G] (-1 without seasonality), the number of
// shared design columns that are seasonal (multiplied by coef_seasonality),
// and coef_extra_features [F, G] when the extra features are per geo.
export let offCoefSeasonality: i32 = -1;
export let nSeasonCols: i32 = 0;
export let nGeoExtra: i32 = 0;
export let offGeoExtra: i32 = -1;

// Data. Series pointers address t = 0 of channel 0.
export let pMedia: usize = 0; // [C] series of scaled media
export let pTarget: usize = 0; // [Tp]
export let pDesign: usize = 0; // [nLin][Tp] columns: seasonality, extra features, weekday
export let pLogTime: usize = 0; // [Tp] log t (t >= 1), 0 at t = 0
export let pRowMask: usize = 0; // [Tp] all-ones bits for t < T, zero for padding
// Geo model. The target, mu and the residual are [G][Tp] (geo-major rows);
// the design at pDesign holds the columns shared by every geo, pLinIndex the
// unconstrained index of each column's coefficient.
export let pLinIndex: usize = 0; // i32 [nLin]
export let pGeoDesign: usize = 0; // [F * G][Tp] per-geo extra features, column (f, g) at f * G + g
export let pSeason: usize = 0; // [Tp] seasonal term (before coef_seasonality)
export let pShared: usize = 0; // [Tp] the shared non-seasonal design part
export let pRSum: usize = 0; // [Tp] sum over geos of the residual
export let pRCs: usize = 0; // [Tp] sum over geos of coef_seasonality * residual
// f32 copy of the media series (same element offsets, from pMedia32), made
// before the first fast-mode evaluation after the data is written.
export let pMedia32: usize = 0;
export let pDesign32: usize = 0; // f32 copy of the design, [nLin][Tp]
export let pTheta32: usize = 0; // f32 linear coefficients of the evaluation, [nLin]
export let fastDataReady: bool = false;

export function setFastDataReady(ready: bool): void {
  fastDataReady = ready;
}

// Priors, one row per unconstrained element.
export let pFamily: usize = 0; // i32 [dim]
export let pPriorA: usize = 0; // f64 [dim]
export let pPriorB: usize = 0; // f64 [dim]
export let pPriorConst: usize = 0; // f64 [dim] normalising constant, set by the host

// Inputs and outputs.
export let pParams: usize = 0; // f64 [dim] unconstrained position
export let pGrad: usize = 0; // f64 [dim] gradient out

// Per-element transform results.
export let pValue: usize = 0; // constrained value
export let pDValue: usize = 0; // d value / du
export let pLogValue: usize = 0; // log value (positive or unit-interval params)
export let pDLogValue: usize = 0; // d log value / du
export let pLog1mValue: usize = 0; // log(1 - value) (unit-interval params)
export let pDLog1mValue: usize = 0; // d log(1 - value) / du

// Per-cell results of the forward pass, [C] series each, read by the reverse
// pass (which is then a set of dot products with the residual). In the fast
// mode H, HD and G are f32 (first half of each series' bytes); F stays f64
// (it is exported and feeds mu).
export let pSat: usize = 0; // transformed media f
export let pSat32: usize = 0; // fast mode: f as f32 for the reverse pass
export let pCellH: usize = 0; // coef * df/d(log input) / (slope or exponent)
export let pCellHD: usize = 0; // coef * df/d(slope or exponent) / ln(base of the mode)
export let pCellG: usize = 0; // adstock: coef * df/d lag through the recursion; carryover: coef * df/d conv
// Rows.
export let pMu: usize = 0; // [Tp]
export let pResid: usize = 0; // [Tp] (y - mu) / sigma^2, zero on padding
export let pTimePow: usize = 0; // [Tp] t^expo_trend
// Adstock a and da/dlag (or the carryover convolution in A), [C] series.
export let pSeriesA: usize = 0;
export let pSeriesB: usize = 0;
// Scratch rows [Tp] of the forward passes (f32 in the fast mode): the log
// term y, then e = base^(scale y); pScratch32 holds the fast mode's f32 a,
// then its f32 residual for the reverse pass.
export let pScratchY: usize = 0;
export let pScratchE: usize = 0;
export let pScratch32: usize = 0;
export let pLagWeights: usize = 0; // [C][L] carryover weights (max-shifted)
export let pChannelScratch: usize = 0; // per-channel scalars (carryover log sum(w)), then lag sums, then f32 weights

let heapTop: usize = 0;

function alloc(bytes: usize): usize {
  // 64-byte alignment: every vector load of a series start is aligned.
  const ptr = (heapTop + 63) & ~<usize>63;
  heapTop = ptr + bytes;
  const needPages = <i32>((heapTop + 0xffff) >> 16);
  const have = memory.size();
  if (needPages > have) {
    if (memory.grow(needPages - have) < 0) unreachable();
  }
  return ptr;
}

export function allocF64(n: i32): usize {
  // Two spare pairs so that vector loads of a padded tail stay inside the block.
  const bytes = <usize>(n + 4) << 3;
  const p = alloc(bytes);
  memory.fill(p, 0, bytes);
  return p;
}

/** nS series of nTp values with nLead zeros before each; returns the t = 0 address of series 0. */
function allocSeries(): usize {
  const p = allocF64(<i32>(seriesStride >> 3) * nS + nLead);
  return p + (<usize>nLead << 3);
}

/** Allocates every buffer for a national model of this shape; the host fills the data next. */
export function configure(
  T: i32,
  C: i32,
  nLinear: i32,
  dim: i32,
  model: i32,
  normalise: i32,
  lags: i32,
): void {
  allocateModel(T, C, 1, false, nLinear, 0, dim, model, normalise, lags);
}

/**
 * Allocates every buffer for a geo model: G geos, nLinear shared design
 * columns, F per-geo extra features (0 when the extra features are national).
 */
export function configureGeo(
  T: i32,
  C: i32,
  G: i32,
  nLinear: i32,
  nPerGeoExtra: i32,
  dim: i32,
  model: i32,
  normalise: i32,
  lags: i32,
): void {
  allocateModel(T, C, G, true, nLinear, nPerGeoExtra, dim, model, normalise, lags);
}

function allocateModel(
  T: i32,
  C: i32,
  G: i32,
  geo: bool,
  nLinear: i32,
  nPerGeoExtra: i32,
  dim: i32,
  model: i32,
  normalise: i32,
  lags: i32,
): void {
  heapTop = __heap_base;
  nT = T;
  nTp = (T + 7) & ~7;
  nC = C;
  nG = G;
  nS = C * G;
  geoMode = geo;
  nLin = nLinear;
  nGeoExtra = nPerGeoExtra;
  nDim = dim;
  modelKind = model;
  normaliseAdstock = normalise != 0;
  nLags = lags;
  offCoefSeasonality = -1;
  nSeasonCols = 0;
  offGeoExtra = -1;
  // Carryover reads x[t - l] for l < L (its gradient up to l = L + 2, four
  // lags per pass); the adstock scans read x[t - 1].
  // The host passes lags = 0 for a recursive adstock (it reads no window).
  nLead = lags > 0 ? (lags + 4) & ~1 : 2;
  if (nLead < 2) nLead = 2;
  seriesStride = <usize>(nLead + nTp) << 3;
  const rows = nTp * G; // [G][Tp] per-geo rows

  pMedia = allocSeries();
  pMedia32 = allocF64(<i32>(seriesStride >> 4) * nS + nLead) + (<usize>nLead << 2);
  pDesign32 = allocF64((nLinear * nTp) >> 1);
  pTheta32 = allocF64(nLinear);
  fastDataReady = false;
  pTarget = allocF64(rows);
  pDesign = allocF64(nLinear * nTp);
  pLinIndex = alloc(<usize>(nLinear + 2) << 2);
  pGeoDesign = allocF64(nPerGeoExtra * G * nTp);
  pSeason = allocF64(nTp);
  pShared = allocF64(nTp);
  pRSum = allocF64(nTp);
  pRCs = allocF64(nTp);
  pLogTime = allocF64(nTp);
  pRowMask = allocF64(nTp);
  for (let t = 0; t < T; t++) store<i64>(pRowMask + (<usize>t << 3), -1);
  pFamily = alloc(<usize>(dim + 2) << 2);
  pPriorA = allocF64(dim);
  pPriorB = allocF64(dim);
  pPriorConst = allocF64(dim);
  pParams = allocF64(dim);
  pGrad = allocF64(dim);
  pValue = allocF64(dim);
  pDValue = allocF64(dim);
  pLogValue = allocF64(dim);
  pDLogValue = allocF64(dim);
  pLog1mValue = allocF64(dim);
  pDLog1mValue = allocF64(dim);
  pSat = allocSeries();
  pSat32 = allocSeries();
  pCellH = allocSeries();
  pCellHD = allocSeries();
  pCellG = allocSeries();
  pMu = allocF64(rows);
  pResid = allocF64(rows);
  pTimePow = allocF64(nTp);
  pSeriesA = allocSeries();
  pSeriesB = allocSeries();
  pScratchY = allocF64(nTp);
  pScratchE = allocF64(nTp);
  // The fast mode's f32 a (one row), then its f32 residual ([G][Tp] f32).
  pScratch32 = allocF64(rows);
  pLagWeights = allocF64(lags * C);
  pChannelScratch = allocF64(C + 2 * lags + 8);
}

export function setOffsets(
  intercept: i32,
  sigma: i32,
  trend: i32,
  expoTrend: i32,
  media: i32,
  t1: i32,
  t2: i32,
  t3: i32,
  linear: i32,
  t4: i32,
): void {
  offIntercept = intercept;
  offSigma = sigma;
  offTrend = trend;
  offExpoTrend = expoTrend;
  offMedia = media;
  offTransform1 = t1;
  offTransform2 = t2;
  offTransform3 = t3;
  offTransform4 = t4;
  offLinear = linear;
}

/** Geo model offsets (after configureGeo): see offCoefSeasonality, nSeasonCols, offGeoExtra. */
export function setGeoOffsets(coefSeasonality: i32, seasonCols: i32, geoExtra: i32): void {
  offCoefSeasonality = coefSeasonality;
  nSeasonCols = seasonCols;
  offGeoExtra = geoExtra;
}
