// Where every buffer lives in linear memory, and the model's shape. Set once
// per model by `configure`; the kernels only read these.

export const FAMILY_NORMAL: i32 = 0;
export const FAMILY_HALF_NORMAL: i32 = 1;
export const FAMILY_GAMMA: i32 = 2;
export const FAMILY_BETA: i32 = 3;
export const FAMILY_UNIFORM: i32 = 4;
export const FAMILY_LOG_NORMAL: i32 = 5;

export const MODEL_HILL_ADSTOCK: i32 = 0;
export const MODEL_ADSTOCK: i32 = 1;
export const MODEL_CARRYOVER: i32 = 2;

// Shape.
export let nT: i32 = 0; // training periods
export let nC: i32 = 0; // channels
export let nCp: i32 = 0; // channels padded to even (SIMD pairs)
export let nLin: i32 = 0; // linear design columns (seasonality, extra, weekday)
export let nLinP: i32 = 0; // padded to even
export let nDim: i32 = 0; // unconstrained dimension
export let modelKind: i32 = 0;
export let normaliseAdstock: bool = true;
export let nLags: i32 = 13; // carryover window

// Parameter block offsets in the unconstrained vector (-1 when absent).
export let offIntercept: i32 = 0;
export let offSigma: i32 = 0;
export let offTrend: i32 = 0;
export let offExpoTrend: i32 = 0;
export let offMedia: i32 = 0;
export let offTransform1: i32 = 0;
export let offTransform2: i32 = 0;
export let offTransform3: i32 = -1;
export let offLinear: i32 = 0;

// Data (time-major, padded).
export let pMedia: usize = 0; // [T][Cp] scaled media
export let pTarget: usize = 0; // [T]
export let pDesign: usize = 0; // [T][LinP] seasonality, extra features, weekday
export let pLogTime: usize = 0; // [T] log t (t >= 1), 0 at t = 0

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

// Scratch.
export let pAdstock: usize = 0; // [T][Cp] adstock state, or carryover sum
export let pLogSat: usize = 0; // [T][Cp] log of the saturation input
export let pSat: usize = 0; // [T][Cp] transformed media
export let pMu: usize = 0; // [T]
export let pResid: usize = 0; // [T] (y - mu) / sigma^2
export let pTimePow: usize = 0; // [T] t^expo_trend
export let pTheta: usize = 0; // [LinP] linear coefficients, padded
export let pGradTheta: usize = 0; // [LinP]
export let pLagWeights: usize = 0; // [L][Cp] carryover weights (max-shifted)
export let pLagGrad: usize = 0; // [L][Cp] gradient wrt those weights
// Per-channel prepared parameters, each [Cp] (pad lanes hold harmless values).
export let pChBeta: usize = 0;
export let pChA: usize = 0; // lag_weight or retention rate
export let pChB: usize = 0; // log(1-lag_weight) | log K | delay
export let pChS: usize = 0; // slope | exponent
export let pChAux: usize = 0; // carryover: log W (sum of shifted weights)

let heapTop: usize = 0;

function alloc(bytes: usize): usize {
  const ptr = (heapTop + 15) & ~<usize>15;
  heapTop = ptr + bytes;
  const needPages = <i32>((heapTop + 0xffff) >> 16);
  const have = memory.size();
  if (needPages > have) {
    if (memory.grow(needPages - have) < 0) unreachable();
  }
  return ptr;
}

function allocF64(n: i32): usize {
  // One spare pair so SIMD loads of a padded tail stay inside the block.
  const p = alloc(<usize>(n + 2) << 3);
  memory.fill(p, 0, <usize>(n + 2) << 3);
  return p;
}

/** Allocates every buffer for a model of this shape; the host fills the data next. */
export function configure(
  T: i32,
  C: i32,
  nLinear: i32,
  dim: i32,
  model: i32,
  normalise: i32,
  lags: i32,
): void {
  heapTop = __heap_base;
  nT = T;
  nC = C;
  nCp = (C + 1) & ~1;
  nLin = nLinear;
  nLinP = (nLinear + 1) & ~1;
  nDim = dim;
  modelKind = model;
  normaliseAdstock = normalise != 0;
  nLags = lags;

  pMedia = allocF64(T * nCp);
  pTarget = allocF64(T);
  pDesign = allocF64(T * nLinP);
  pLogTime = allocF64(T);
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
  pAdstock = allocF64(T * nCp);
  pLogSat = allocF64(T * nCp);
  pSat = allocF64(T * nCp);
  pMu = allocF64(T);
  pResid = allocF64(T);
  pTimePow = allocF64(T);
  pTheta = allocF64(nLinP);
  pGradTheta = allocF64(nLinP);
  pLagWeights = allocF64(lags * nCp);
  pLagGrad = allocF64(lags * nCp);
  pChBeta = allocF64(nCp);
  pChA = allocF64(nCp);
  pChB = allocF64(nCp);
  pChS = allocF64(nCp);
  pChAux = allocF64(nCp);
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
): void {
  offIntercept = intercept;
  offSigma = sigma;
  offTrend = trend;
  offExpoTrend = expoTrend;
  offMedia = media;
  offTransform1 = t1;
  offTransform2 = t2;
  offTransform3 = t3;
  offLinear = linear;
}
