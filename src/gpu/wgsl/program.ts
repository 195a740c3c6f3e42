// WGSL: the whole MMM log-density and gradient (national, or geo: geo.ts) of
// one position per invocation (thousands of chains or markets per dispatch),
// or of one position per workgroup whose lanes share it (lanes.ts), and the
// leapfrog step built on it. One module per ProgramKey; everything sized
// lives in the uniform block (uniforms.ts) and in buffers:
//   data      packed dataset records (datasetPack.ts), one per dataset
//   dataIndex which record each position uses
//   pos, grad, mom  [B][dim] row-major; lps [B]
//   scratch   one invocation per position: interleaved across positions
//             ([row][B], so that neighbouring invocations touch neighbouring
//             words): rows 0..T-1 mu then the residual, T..2T-1 the
//             carryover's d/dconv, 2T..2T+dim-1 the constrained values, then
//             the carryover weights; lanes sharing a position: lanes.ts.
//   invMetric [dim] then a step-size factor per chain [B] (leapfrog)
// The geo model runs the baseline, the channels and the likelihood once per
// geo, reusing the same scratch rows. Loops start at the invocation's lane
// and stride by LANES (1 when an invocation walks its position alone).

import type { ProgramKey } from "../programKey.js";
import { uniformStructWgsl } from "../uniforms.js";
import { elementsWgsl } from "./elements.js";
import { laneAccessorsWgsl, laneEntryPointsWgsl, SUM_CONTRIBUTIONS } from "./lanes.js";
import { GEO_PARENT_GRADIENTS, GEO_SCALED_PRIOR, geoAccessorsWgsl, geoBaselineReverseWgsl, geoBaselineTermsWgsl } from "./geo.js";
import { mediaWgsl } from "./media.js";

/** Invocations per workgroup when one invocation walks one position (lanes 1). */
export const WORKGROUP_SIZE = 64;

/** Positions per workgroup: WORKGROUP_SIZE, or one shared by `lanes` invocations. */
export function positionsPerWorkgroup(lanes: number): number {
  return lanes > 1 ? 1 : WORKGROUP_SIZE;
}

/** Scratch rows per position (each row holds one f32 for every position of the dispatch). */
export function scratchRows(T: number, dim: number, lags: number): number {
  return 2 * T + dim + lags;
}

/**
 * Scratch floats per position when a workgroup's lanes share one position:
 * mu then the residual [T], each channel's contribution [C][T], each
 * channel's d/dconv [C][T], the constrained values [dim], each channel's
 * carryover weights [C][lags], contiguous per position.
 */
export function laneScratchRows(T: number, C: number, dim: number, lags: number): number {
  return T + 2 * C * T + dim + C * lags;
}

export function programWgsl(key: ProgramKey): string {
  const lanes = key.lanes;
  return [
    "\n",
    uniformStructWgsl(),
    PREAMBLE,
    lanes > 1 ? laneAccessorsWgsl(lanes) : SERIAL_ACCESSORS,
    key.geo ? geoAccessorsWgsl(key) : NATIONAL_ACCESSORS,
    elementsWgsl(key.families),
    "\n",
    mediaWgsl(key.model, key.roiPrior),
    "\n\n",
    baselineWgsl(key),
    likelihoodWgsl(key),
    TREND_COORDINATES,
    evalChainWgsl(key),
    lanes > 1 ? laneEntryPointsWgsl(lanes) : ENTRY_POINTS,
  ].join("");
}

/** Bindings, constants, this invocation's indices, scratch accessors and the compensated sum. */
const PREAMBLE = /* wgsl */ `

@group(0) @binding(0) var<uniform> U: Uniforms;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read> dataIndex: array<u32>;
@group(0) @binding(3) var<storage, read_write> pos: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad: array<f32>;
@group(0) @binding(5) var<storage, read_write> lps: array<f32>;
@group(0) @binding(6) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(7) var<storage, read_write> mom: array<f32>;
@group(0) @binding(8) var<storage, read> invMetric: array<f32>;

const HALF_LOG_2PI: f32 = 0.91893853320467274178;
// Adstock or convolution values below this count as zero (exactly zero media
// gives exactly zero); in f32's normal range, so log and 1/a stay finite.
const TINY: f32 = 1e-30;
// Hill exponent clamp: 1/(1+e^z) is 1 to f32 precision below -40 and under
// 5e-18 above 40, and a (1 + e^z) stays finite.
const HILL_Z: f32 = 40.0;
// Power-law exponent clamp: e^z stays a normal f32.
const POW_Z: f32 = 80.0;

var<private> chain: u32; // this invocation's position
var<private> pb: u32; // its first element in pos, grad, mom
var<private> db: u32; // its dataset record in data
var<private> lane: u32; // this invocation's lane among those sharing the position (0 when it walks it alone)

// Constrained value of element i (stored by the prior pass).
fn xv(i: u32) -> f32 { return scratch[xIdx(i)]; }
fn addG(i: u32, v: f32) { grad[pb + i] += v; }

fn isFiniteF(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// -Infinity, built at run time: WGSL rejects non-finite constant expressions.
fn negInf() -> f32 {
  return bitcast<f32>(0xff800000u | (U.B & 0u));
}

// sum_t r[t] design[t][k], r the residual in scratch row s0, in blocks of 32 rows.
fn residualDotDesign(k: u32) -> f32 {
  var s = 0.0;
  var part = 0.0;
  for (var t = 0u; t < U.T; t++) {
    part += scratch[s0(t)] * data[db + U.designOff + t * U.nLin + k];
    if ((t & 31u) == 31u) { s += part; part = 0.0; }
  }
  return s + part;
}

// Compensated (Kahan) sum for the few terms that make up the log-density.
struct Kahan { s: f32, c: f32 }
fn kadd(k: ptr<function, Kahan>, v: f32) {
  let y = v - (*k).c;
  let t = (*k).s + y;
  (*k).c = (t - (*k).s) - y;
  (*k).s = t;
}

`;

/**
 * One invocation per position: scratch interleaved across positions ([row][B],
 * so that neighbouring invocations touch neighbouring words); the channels
 * add into mu in turn and share the d/dconv and weight rows; no barriers.
 */
const SERIAL_ACCESSORS = /* wgsl */ `
const LANES: u32 = 1u;
fn s0(t: u32) -> u32 { return t * U.B + chain; }
fn s1c(c: u32, t: u32) -> u32 { return (U.T + t) * U.B + chain; }
fn xIdx(i: u32) -> u32 { return (2u * U.T + i) * U.B + chain; }
fn wIdx(c: u32, l: u32) -> u32 { return (2u * U.T + U.dim + l) * U.B + chain; }
fn channelIntoMu(c: u32, t: u32, v: f32) { scratch[s0(t)] += v; }
fn sync() {}
// The lanes' sum (valid on lane 0): here the one lane's value.
fn laneSum4(v: vec4<f32>) -> vec4<f32> { return v; }
`;

/** The national model's series and coefficients (the geo model's: geo.ts). */
const NATIONAL_ACCESSORS = /* wgsl */ `
fn media(t: u32, c: u32) -> f32 { return data[db + U.mediaOff + t * U.C + c]; }
fn coefIdx(c: u32) -> u32 { return U.offMedia + c; }
fn targetAt(t: u32) -> f32 { return data[db + U.targetOff + t]; }
`;

/** mu = the baseline (intercept, trend, design, weekday), into scratch row s0. */
function baselineWgsl(key: ProgramKey): string {
  const linear = !key.geo && (key.seasonality || key.extraFeatures);
  const g = key.geo ? " + geo" : "";
  return /* wgsl */ `// t^e for t >= 1 (0^e = 0).
fn timePow(t: u32, e: f32) -> f32 {
  if (t == 0u) {
    return 0.0;
  }
  return exp(e * log(f32(t)));
}

// mu[t] = intercept + coef_trend t^expo_trend + design . theta (+ weekday[t mod 7]);
// geo: the geo's intercept and coef_trend, its seasonal and extra terms.
fn baselineForward() {
  let intercept = xv(U.offIntercept${g});
  let coefTrend = xv(U.offTrend${g});
  let expo = xv(U.offExpo);
  for (var t = lane; t < U.T; t += LANES) {
    var m = intercept + coefTrend * timePow(t, expo);
${
  linear
    ? `    let row = db + U.designOff + t * U.nLin;
    for (var k = 0u; k < U.nLin; k++) {
      m += xv(U.offLinear + k) * data[row + k];
    }`
    : ""
}
${key.geo ? geoBaselineTermsWgsl(key) : ""}
${key.weekday ? "    m += xv(U.offWeekday + t % 7u);" : ""}
    scratch[s0(t)] = m;
  }
}

`;
}

/** The likelihood, the residual in place of mu and the baseline's gradient. */
function likelihoodWgsl(key: ProgramKey): string {
  const linear = !key.geo && (key.seasonality || key.extraFeatures);
  const g = key.geo ? " + geo" : "";
  return /* wgsl */ `// Normal log-likelihood; turns mu into the residual r = (y - mu) / sigma^2 in
// place and adds the gradient of the baseline and of sigma.
fn likelihoodAndBaselineReverse() -> f32 {
  let sigmaE = el(U.offSigma${g});
  let logSigma = sigmaE.logx;
  let invVar = exp(-2.0 * logSigma);
  let coefTrend = xv(U.offTrend${g});
  let expo = xv(U.offExpo);
  var ssr = Kahan(0.0, 0.0);
  var sI = 0.0; var sT = 0.0; var sE = 0.0;
  var pS = 0.0; var pI = 0.0; var pT = 0.0; var pE = 0.0;
  var n = 0u;
  for (var t = lane; t < U.T; t += LANES) {
    let e = targetAt(t) - scratch[s0(t)];
    let r = e * invVar;
    scratch[s0(t)] = r;
    let tp = timePow(t, expo);
    pS += e * e;
    pI += r;
    pT += r * tp;
    pE += r * tp * log(max(f32(t), 1.0));
    n++;
    if ((n & 31u) == 0u) {
      kadd(&ssr, pS); sI += pI; sT += pT; sE += pE;
      pS = 0.0; pI = 0.0; pT = 0.0; pE = 0.0;
    }
  }
  kadd(&ssr, pS); sI += pI; sT += pT; sE += pE;
  // The lanes' sums on lane 0; then every lane sees every residual.
  let sums = laneSum4(vec4<f32>(ssr.s - ssr.c, sI, sT, sE));
  sync();
  if (lane == 0u) {
    addG(U.offIntercept${g}, sums.y * el(U.offIntercept${g}).dx);
    addG(U.offTrend${g}, sums.z * el(U.offTrend${g}).dx);
    addG(U.offExpo, sums.w * coefTrend * el(U.offExpo).dx);
  }
${
  linear
    ? `  for (var k = lane; k < U.nLin; k += LANES) {
    addG(U.offLinear + k, residualDotDesign(k) * el(U.offLinear + k).dx);
  }`
    : ""
}
${key.geo ? geoBaselineReverseWgsl(key) : ""}
${
  key.weekday
    ? `  for (var j = lane; j < 7u; j += LANES) {
    var s = 0.0;
    var part = 0.0;
    var n = 0u;
    for (var t = j; t < U.T; t += 7u) {
      part += scratch[s0(t)];
      n++;
      if ((n & 31u) == 0u) { s += part; part = 0.0; }
    }
    s += part;
    addG(U.offWeekday + j, s * el(U.offWeekday + j).dx);
  }`
    : ""
}
  let T = f32(U.T);
  let ssrSum = sums.x;
  // d/d log sigma of -T log sigma - ssr / (2 sigma^2).
  if (lane == 0u) {
    addG(U.offSigma${g}, (ssrSum * invVar - T) * sigmaE.dlogx);
  }
  // Lane 0's is the value.
  return -T * (HALF_LOG_2PI + logSigma) - 0.5 * ssrSum * invVar;
}

`;
}

/**
 * The trend coordinates (model/samplingCoordinates.ts, piece "trend"), when
 * U.trendCoordinates is 1: the position holds the trend's level at the last
 * period, level = coef_trend t_ref^expo_trend (t_ref = T - 1), in coef_trend's
 * place; el() reads coef_trend's unconstrained value through modelU(). How
 * coef_trend moves is its dataset's (datasetPack.ts, by the CPU map's rule):
 * scaled, shifted, or not at all.
 */
const TREND_COORDINATES = /* wgsl */ `// 0: coef_trend as the model has it; 1: scaled (identity); 2: shifted (log).
var<private> trendMode: u32;
var<private> trendU: f32; // coef_trend's unconstrained value
var<private> trendScale: f32; // exp(-shift)
var<private> trendShift: f32; // expo_trend log t_ref
var<private> trendDShift: f32; // d shift / d expo_trend's position

// Element i's unconstrained value in the model's coordinates.
fn modelU(i: u32) -> f32 {
  if (trendMode != 0u && i == U.offTrend) {
    return trendU;
  }
  return pos[pb + i];
}

// Maps the position's level to coef_trend (before any el() call).
fn trendEnter() {
  trendMode = select(0u, u32(data[db + U.trendOff]), U.trendCoordinates != 0u);
  if (trendMode == 0u) {
    return;
  }
  // expo_trend is not moved: el() reads its position as it is.
  let ex = el(U.offExpo);
  let logRef = log(f32(U.T - 1u));
  trendShift = ex.x * logRef;
  trendDShift = ex.dx * logRef;
  let v = pos[pb + U.offTrend];
  if (trendMode == 1u) {
    trendScale = exp(-trendShift);
    trendU = v * trendScale;
  } else {
    trendU = v - trendShift;
  }
}

// The gradient in the model's coordinates pulled back to the position's;
// returns the map's log-Jacobian (-shift when scaled, 0 when shifted).
fn trendLeave() -> f32 {
  if (trendMode == 0u) {
    return 0.0;
  }
  let gU = grad[pb + U.offTrend];
  if (trendMode == 1u) {
    grad[pb + U.offTrend] = gU * trendScale;
    // coef_trend = level exp(-shift): d/d expo's position is -coef_trend dShift; the Jacobian adds -dShift.
    grad[pb + U.offExpo] -= (gU * trendU + 1.0) * trendDShift;
    return -trendShift;
  }
  grad[pb + U.offExpo] -= gU * trendDShift;
  return 0.0;
}

`;

/**
 * The model's terms after the priors: the baseline, the channels' forward
 * passes (each into its own rows, then summed in channel order, when lanes
 * share the position; else straight into mu), the likelihood, the channels'
 * reverse passes; for the geo model once per geo in the same rows.
 */
function termsWgsl(key: ProgramKey): string {
  const lanes = key.lanes > 1;
  const pass = `
    baselineForward();
    for (var c = lane; c < U.C; c += LANES) {
      channelForward(c);
    }${lanes ? "\n    sync();\n    sumContributions();\n    sync();" : ""}
    kadd(&lp, likelihoodAndBaselineReverse());
    for (var c = lane; c < U.C; c += LANES) {
      channelReverse(c);
    }
    sync();`;
  return key.geo ? `\n  for (var g = 0u; g < U.G; g++) {\n    geo = g;${pass}\n  }` : `\n  {${pass}\n  }`;
}

/** The whole log-density and gradient of this invocation's position (lane 0's result when lanes share it). */
function evalChainWgsl(key: ProgramKey): string {
  const lanes = key.lanes > 1;
  return /* wgsl */ `${lanes ? SUM_CONTRIBUTIONS : ""}// Full log-density (priors + likelihood + log-Jacobian) of this invocation's
// position; writes its gradient. Non-finite results give -Infinity and a zero
// gradient. Lanes sharing the position split the elements, the periods and
// the channels; lane 0 sums the parts, finishes and returns the value.
fn evalChain() -> f32 {
  var lp = Kahan(0.0, 0.0);
  trendEnter();
  for (var i = lane; i < U.dim; i += LANES) {
    var e = el(i);${key.geo ? GEO_SCALED_PRIOR : ""}
    kadd(&lp, e.lp);
    kadd(&lp, e.jac);
    grad[pb + i] = e.dlp;
    scratch[xIdx(i)] = e.x;
  }${lanes ? "\n  lp = Kahan(laneSum4(vec4<f32>(lp.s - lp.c, 0.0, 0.0, 0.0)).x, 0.0);\n  sync();" : ""}${key.geo ? GEO_PARENT_GRADIENTS : ""}${termsWgsl(key)}${lanes ? "\n  if (lane != 0u) {\n    return 0.0;\n  }" : ""}
  kadd(&lp, trendLeave());
  let total = lp.s - lp.c;
  var finite = isFiniteF(total);
  for (var i = 0u; i < U.dim; i++) {
    finite = finite && isFiniteF(grad[pb + i]);
  }
  if (!finite) {
    for (var i = 0u; i < U.dim; i++) {
      grad[pb + i] = 0.0;
    }
    return negInf();
  }
  return total;
}

`;
}

/** The two entry points: evaluate, and one leapfrog step. */
const ENTRY_POINTS = /* wgsl */ `fn setup(b: u32) {
  chain = b;
  lane = 0u;
  pb = b * U.dim;
  db = dataIndex[b] * U.dataStride;
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn evaluate(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= U.B) {
    return;
  }
  setup(gid.x);
  lps[chain] = evalChain();
}

// One leapfrog step of every chain still moving (finite logp): half kick,
// drift under the diagonal inverse metric, gradient, half kick. A chain whose
// new point has a non-finite density keeps that point, reports -Infinity and
// stops (no closing half kick), as the CPU integrator does.
@compute @workgroup_size(${WORKGROUP_SIZE})
fn leapfrog(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= U.B) {
    return;
  }
  setup(gid.x);
  if (!isFiniteF(lps[chain])) {
    return;
  }
  let eps = U.stepSize * invMetric[U.dim + chain];
  let halfEps = 0.5 * eps;
  for (var i = 0u; i < U.dim; i++) {
    let m = mom[pb + i] + halfEps * grad[pb + i];
    mom[pb + i] = m;
    pos[pb + i] = pos[pb + i] + eps * invMetric[i] * m;
  }
  let lp = evalChain();
  lps[chain] = lp;
  if (!isFiniteF(lp)) {
    return;
  }
  for (var i = 0u; i < U.dim; i++) {
    mom[pb + i] = mom[pb + i] + halfEps * grad[pb + i];
  }
}
`;
