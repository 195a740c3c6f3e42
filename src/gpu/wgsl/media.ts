// WGSL: the media transform of one channel, forward (adds coef * f into mu)
// and reverse (dot products of the residual r = (y - mu) / sigma^2 with the
// cell derivatives, then the chain rule to the unconstrained parameters).
// The reverse pass recomputes the forward cells instead of storing them, so
// the per-chain memory stays O(T) whatever C is. Formulas as in
// assembly/media.ts:
//   hill_adstock  f = 1 / (1 + e),  e = exp(-slope d),  d = log(a (1 - lag)) - log K
//   adstock       f = exp(p ls),    ls = log(a (1 - lag))
//   carryover     f = exp(p ls),    ls = log(conv) - log(sum w)
// with a the adstock (recursion a = lag a + x) and b = da/dlag carried along.

import type { ModelName } from "../../model/structure.js";

// Partial sums over blocks of 32 rows, then across blocks: the f32 rounding
// error grows with about 32 + T/32 terms rather than T.
const FLUSH = "(t & 31u) == 31u";

const ADSTOCK_PARAMS = /* wgsl */ `
  let lagE = el(U.offT1 + c);
  let lag = lagE.x;
  let log1m = select(0.0, lagE.log1mx, U.normalise != 0u);
  let beta = xv(U.offMedia + c);`;

const HILL = /* wgsl */ `
fn hillCell(a: f32, b: f32, shift: f32, slope: f32) -> Cell {
  if (!(a >= TINY)) {
    return Cell(0.0, 0.0, 0.0, 0.0);
  }
  let d = log(a) + shift; // log(a (1 - lag)) - log K
  let e = exp(clamp(-slope * d, -HILL_Z, HILL_Z));
  let f = 1.0 / (1.0 + e);
  let h = e * f * f; // f (1 - f), without the cancellation of 1 - f
  return Cell(f, h, h * d, h * b / a);
}

fn channelForward(c: u32) {
${ADSTOCK_PARAMS}
  let shift = log1m - el(U.offT2 + c).logx;
  let slope = xv(U.offT3 + c);
  var a = 0.0;
  var b = 0.0;
  for (var t = 0u; t < U.T; t++) {
    b = lag * b + a;
    a = lag * a + media(t, c);
    scratch[s0(t)] += beta * hillCell(a, b, shift, slope).f;
  }
}

fn channelReverse(c: u32) {
${ADSTOCK_PARAMS}
  let kE = el(U.offT2 + c);
  let shift = log1m - kE.logx;
  let slope = xv(U.offT3 + c);
  var a = 0.0;
  var b = 0.0;
  var sF = 0.0; var sH = 0.0; var sD = 0.0; var sG = 0.0;
  var pF = 0.0; var pH = 0.0; var pD = 0.0; var pG = 0.0;
  for (var t = 0u; t < U.T; t++) {
    b = lag * b + a;
    a = lag * a + media(t, c);
    let cell = hillCell(a, b, shift, slope);
    let r = scratch[s0(t)];
    pF += r * cell.f; pH += r * cell.h; pD += r * cell.hd; pG += r * cell.g;
    if (${FLUSH}) {
      sF += pF; sH += pH; sD += pD; sG += pG;
      pF = 0.0; pH = 0.0; pD = 0.0; pG = 0.0;
    }
  }
  sF += pF; sH += pH; sD += pD; sG += pG;
  addG(U.offMedia + c, sF * el(U.offMedia + c).dx);
  let gLs = beta * slope * sH; // d/d log(a (1 - lag))
  addG(U.offT2 + c, -gLs * kE.dlogx); // d/d log K = -d/d ls
  addG(U.offT3 + c, beta * sD * el(U.offT3 + c).dx);
  var gu = beta * slope * sG * lagE.dx;
  if (U.normalise != 0u) {
    gu += gLs * lagE.dlog1mx;
  }
  addG(U.offT1 + c, gu);
}
`;

const POWER_CELL = /* wgsl */ `
// f = exp(p ls) and, for the reverse pass, f ls and f / a (times b when adstock).
fn powerCell(a: f32, ls: f32, p: f32) -> Cell {
  if (!(a >= TINY)) {
    return Cell(0.0, 0.0, 0.0, 0.0);
  }
  let f = exp(clamp(p * ls, -POW_Z, POW_Z));
  return Cell(f, 0.0, f * ls, f / a);
}
`;

const ADSTOCK = /* wgsl */ `
${POWER_CELL}
fn channelForward(c: u32) {
${ADSTOCK_PARAMS}
  let p = xv(U.offT2 + c);
  var a = 0.0;
  for (var t = 0u; t < U.T; t++) {
    a = lag * a + media(t, c);
    scratch[s0(t)] += beta * powerCell(a, log(max(a, TINY)) + log1m, p).f;
  }
}

fn channelReverse(c: u32) {
${ADSTOCK_PARAMS}
  let pE = el(U.offT2 + c);
  let p = pE.x;
  var a = 0.0;
  var b = 0.0;
  var sF = 0.0; var sD = 0.0; var sG = 0.0;
  var pF = 0.0; var pD = 0.0; var pG = 0.0;
  for (var t = 0u; t < U.T; t++) {
    b = lag * b + a;
    a = lag * a + media(t, c);
    let cell = powerCell(a, log(max(a, TINY)) + log1m, p);
    let r = scratch[s0(t)];
    pF += r * cell.f; pD += r * cell.hd; pG += r * cell.g * b;
    if (${FLUSH}) {
      sF += pF; sD += pD; sG += pG;
      pF = 0.0; pD = 0.0; pG = 0.0;
    }
  }
  sF += pF; sD += pD; sG += pG;
  addG(U.offMedia + c, sF * el(U.offMedia + c).dx);
  addG(U.offT2 + c, beta * sD * pE.dx);
  var gu = beta * p * sG * lagE.dx;
  if (U.normalise != 0u) {
    gu += beta * p * sF * lagE.dlog1mx;
  }
  addG(U.offT1 + c, gu);
}
`;

const CARRYOVER = /* wgsl */ `
${POWER_CELL}
// Stores channel c's lag weights w[l] = rate^((l - delay)^2), shifted by their
// largest log so that a tiny rate cannot underflow them all (the normalised
// output does not change); returns log sum(w).
fn carryoverWeights(c: u32) -> f32 {
  let logRate = el(U.offT1 + c).logx;
  let delay = xv(U.offT2 + c);
  var maxLog = -3.0e38;
  for (var l = 0u; l < U.lags; l++) {
    let d = f32(l) - delay;
    maxLog = max(maxLog, d * d * logRate);
  }
  var sum = 0.0;
  for (var l = 0u; l < U.lags; l++) {
    let d = f32(l) - delay;
    let w = exp(d * d * logRate - maxLog);
    scratch[wIdx(l)] = w;
    sum += w;
  }
  return log(sum);
}

fn convolve(t: u32, c: u32) -> f32 {
  var s = 0.0;
  let n = min(t + 1u, U.lags);
  for (var l = 0u; l < n; l++) {
    s += scratch[wIdx(l)] * media(t - l, c);
  }
  return s;
}

fn channelForward(c: u32) {
  let beta = xv(U.offMedia + c);
  let p = xv(U.offT3 + c);
  let logSum = carryoverWeights(c);
  for (var t = 0u; t < U.T; t++) {
    let conv = convolve(t, c);
    scratch[s0(t)] += beta * powerCell(conv, log(max(conv, TINY)) - logSum, p).f;
  }
}

fn channelReverse(c: u32) {
  let beta = xv(U.offMedia + c);
  let rateE = el(U.offT1 + c);
  let delay = xv(U.offT2 + c);
  let pE = el(U.offT3 + c);
  let p = pE.x;
  let logSum = carryoverWeights(c);
  var sF = 0.0; var sD = 0.0;
  var pF = 0.0; var pD = 0.0;
  for (var t = 0u; t < U.T; t++) {
    let conv = convolve(t, c);
    let cell = powerCell(conv, log(max(conv, TINY)) - logSum, p);
    let r = scratch[s0(t)];
    pF += r * cell.f; pD += r * cell.hd;
    // d lik / d conv[t], for the lag sums below.
    scratch[s1(t)] = r * beta * p * cell.g;
    if (${FLUSH}) {
      sF += pF; sD += pD;
      pF = 0.0; pD = 0.0;
    }
  }
  sF += pF; sD += pD;
  addG(U.offMedia + c, sF * el(U.offMedia + c).dx);
  addG(U.offT3 + c, beta * sD * pE.dx);
  // d ls[t] / d w[l] = x[t - l] / conv[t] - 1 / sum(w); the second part sums over t.
  let perSum = beta * p * sF * exp(-logSum);
  let logRate = rateE.logx;
  var gLogRate = 0.0;
  var gDelay = 0.0;
  for (var l = 0u; l < U.lags; l++) {
    var s = 0.0;
    var part = 0.0;
    for (var t = l; t < U.T; t++) {
      part += scratch[s1(t)] * media(t - l, c);
      if (${FLUSH}) {
        s += part;
        part = 0.0;
      }
    }
    s += part;
    let gw = (s - perSum) * scratch[wIdx(l)];
    let d = f32(l) - delay;
    gLogRate += gw * d * d;
    gDelay -= gw * 2.0 * d * logRate;
  }
  addG(U.offT1 + c, gLogRate * rateE.dlogx);
  addG(U.offT2 + c, gDelay * el(U.offT2 + c).dx);
}
`;

export function mediaWgsl(model: ModelName): string {
  const body = model === "hill_adstock" ? HILL : model === "adstock" ? ADSTOCK : CARRYOVER;
  return /* wgsl */ `
struct Cell { f: f32, h: f32, hd: f32, g: f32 }
${body}`;
}
