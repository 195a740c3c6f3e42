// WGSL for the geo (hierarchical) model, MODEL.md "Geo (hierarchical) model"
// and density/geoReference.ts: program.ts runs the baseline, the channels
// and the likelihood once per geo (the private `geo`), so the scratch stays
// O(T) per position; the pieces here are what differs from the national
// model: the accessors of the current geo's series and coefficients,
// coef_media[c, g] ~ HalfNormal(channel_coef_media[c] sqrt(2/pi)) (a prior
// whose scale is another parameter), the seasonal term
// coef_seasonality[g] * sum_k gamma_k design[t][k], and extra features shared
// ([T][F], coefficients [F]) or per geo ([T][F][G], coefficients [F][G]).
// Parameters shared by the geos (expo_trend, the transforms', gamma, weekday)
// gather their gradient over the geos through addG's +=.

import type { ProgramKey } from "../programKey.js";

/** The current geo, and what reads its series and coefficients. */
export function geoAccessorsWgsl(key: ProgramKey): string {
  const extra = key.geoExtra
    ? `fn extraCoefIdx(f: u32) -> u32 { return U.offExtra + f * U.G + geo; }
fn extraAt(t: u32, f: u32) -> f32 { return data[db + U.extraOff + (t * U.nExtra + f) * U.G + geo]; }`
    : `fn extraCoefIdx(f: u32) -> u32 { return U.offExtra + f; }
fn extraAt(t: u32, f: u32) -> f32 { return data[db + U.extraOff + t * U.nExtra + f]; }`;
  return /* wgsl */ `
var<private> geo: u32; // the geo being evaluated
fn media(t: u32, c: u32) -> f32 { return data[db + U.mediaOff + (t * U.C + c) * U.G + geo]; }
fn coefIdx(c: u32) -> u32 { return U.offMedia + c * U.G + geo; }
fn targetAt(t: u32) -> f32 { return data[db + U.targetOff + t * U.G + geo]; }
${key.extraFeatures ? extra : ""}
${
  key.seasonality
    ? `// sum_k gamma_k design[t][k]: the seasonal shape every geo scales by its coef_seasonality.
fn seasonal(t: u32) -> f32 {
  let row = db + U.designOff + t * U.nLin;
  var s = 0.0;
  for (var k = 0u; k < U.nLin; k++) {
    s += xv(U.offLinear + k) * data[row + k];
  }
  return s;
}`
    : ""
}

// Element i's parent + 1 when its prior's scale is the parent's value times
// the record's a (coef_media[c, g] under channel_coef_media[c]); 0 otherwise.
fn parentOf(i: u32) -> u32 { return u32(data[db + U.parentOff + i]); }

// Element i's prior HalfNormal(a x_p) in place of el()'s HalfNormal(a): the
// record's constant is log sqrt(2/pi) - log a, so lp = const - log x_p - z^2/2,
// z = x / (a x_p); d/du (the Jacobian's 1 included) is 1 - z^2.
fn scaledPrior(e: ptr<function, El>, i: u32, p: u32) {
  let parent = el(p);
  let z = (*e).x / (data[db + U.aOff + i] * parent.x);
  (*e).lp = data[db + U.cOff + i] - parent.logx - 0.5 * z * z;
  (*e).dlp = 1.0 - z * z;
}

// The same prior's gradient in the parent: (z^2 - 1) d log x_p / du_p.
fn scaledPriorParentGrad(i: u32, p: u32) {
  let parent = el(p);
  let z = xv(i) / (data[db + U.aOff + i] * parent.x);
  addG(p, (z * z - 1.0) * parent.dlogx);
}
`;
}

/** The element loop's extra line: a scaled prior replaces el()'s. */
export const GEO_SCALED_PRIOR = `
    let parent = parentOf(i);
    if (parent != 0u) {
      scaledPrior(&e, i, parent - 1u);
    }`;

/** After the element loop (and a sync): the scaled priors' gradients in their parents, on lane 0 (children share parents). */
export const GEO_PARENT_GRADIENTS = `
  if (lane == 0u) {
    for (var i = 0u; i < U.dim; i++) {
      let parent = parentOf(i);
      if (parent != 0u) {
        scaledPriorParentGrad(i, parent - 1u);
      }
    }
  }
  sync();`;

/** The baseline's geo terms in the forward loop over t (m is mu[t] so far). */
export function geoBaselineTermsWgsl(key: ProgramKey): string {
  return [
    key.seasonality ? "    m += xv(U.offCoefSeason + geo) * seasonal(t);" : "",
    key.extraFeatures
      ? `    for (var f = 0u; f < U.nExtra; f++) {
      m += xv(extraCoefIdx(f)) * extraAt(t, f);
    }`
      : "",
  ].join("\n");
}

/** The gradients of the geo terms from the residual r (scratch row s0). */
export function geoBaselineReverseWgsl(key: ProgramKey): string {
  const season = `  let coefSeason = xv(U.offCoefSeason + geo);
  var seasonDot = 0.0;
  for (var k = lane; k < U.nLin; k += LANES) {
    let s = residualDotDesign(k);
    addG(U.offLinear + k, coefSeason * s * el(U.offLinear + k).dx);
    seasonDot += xv(U.offLinear + k) * s;
  }
  let seasonDots = laneSum4(vec4<f32>(seasonDot, 0.0, 0.0, 0.0));
  if (lane == 0u) {
    addG(U.offCoefSeason + geo, seasonDots.x * el(U.offCoefSeason + geo).dx);
  }`;
  const extra = `  for (var f = lane; f < U.nExtra; f += LANES) {
    var s = 0.0;
    var part = 0.0;
    for (var t = 0u; t < U.T; t++) {
      part += scratch[s0(t)] * extraAt(t, f);
      if ((t & 31u) == 31u) { s += part; part = 0.0; }
    }
    s += part;
    addG(extraCoefIdx(f), s * el(extraCoefIdx(f)).dx);
  }`;
  return [key.seasonality ? season : "", key.extraFeatures ? extra : ""].join("\n");
}
