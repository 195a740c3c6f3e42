// The coordinates the sampler moves in, as an exact change of variables from
// the model's own unconstrained coordinates (layout.ts). The posterior is the
// same distribution; only its shape in the sampler's space changes. Draws are
// mapped back to the model's coordinates before anything else sees them.
//
// "trend": in place of coef_trend (per geo) the sampler moves the trend's value
// at the last training period, level = coef_trend * t_ref^expo_trend with
// t_ref = T - 1. The data pins the trend's rise over the rows, not coef_trend:
// in (coef_trend, expo_trend) the posterior is a curved ridge along
// coef_trend = level * t_ref^-expo_trend (its width in coef_trend changes by a
// factor t_ref between expo_trend = 0.5 and 1.5), which a diagonal metric
// cannot follow; in (level, expo_trend) the ridge is straight.
// log |d coef_trend / d level| = -expo_trend log t_ref per geo.
//
// "trend+hill" adds, for Hill saturation, the media effect at the mean media
// level (media are scaled by their mean): log coef_media[c] + log hill(1) in
// place of log coef_media[c] (and alike channel_coef_media and every geo's
// coef_media[c, g]), hill(1) = 1 / (1 + K^S). The shift depends only on K and
// S, so the map is a shear with unit Jacobian.
//
// "media" is the same shear at the mean adstocked level m(lag_weight) in place
// of 1, for geometric adstock with Hill saturation: log coef_media[c] + log
// hill(m; K, S), m the mean over the T rows of the adstock of constant media
// 1 (normalised: (1/T) sum_t (1 - lag_weight^(t+1))). As lag_weight -> 1 the
// normalised adstock shrinks like (1 - lag_weight) t, the channel's effect
// becomes coef_media (m/K)^S (t / mean t)^S, and only that product is pinned:
// lag_weight, K and coef_media trade off along a ridge whose direction turns
// with S. In the new coordinates the pinned product is one coordinate. The
// shift depends on lag_weight, K and S only: a shear, unit Jacobian.
//
// "noncentred" (geo models): coef_media[c, g] = channel_coef_media[c] *
// sqrt(2/pi) * z[c, g], z[c, g] ~ HalfNormal(1); the sampler moves log z in
// place of log coef_media[c, g]. In the unconstrained (log) space that is
// log coef_media[c, g] = log channel_coef_media[c] + log sqrt(2/pi) + log z[c, g]:
// a shear with unit Jacobian (the log-Jacobian sum_g log(channel_coef_media[c]
// sqrt(2/pi)) of the constrained map cancels against the change in the log
// transform's own Jacobian, log z against log coef_media). Where the data say
// little per geo, log coef_media[c, g] follows log channel_coef_media[c] one
// for one, a correlation a diagonal metric cannot follow; in the new
// coordinates the per-geo values are independent of the channel scale a priori.
// "trend+noncentred" combines it with "trend".
//
// "season" (geo models with seasonality): the seasonal term of geo g is
// coef_seasonality[g] * (gamma_seasonality . basis), so scaling every
// coef_seasonality by k and gamma_seasonality by 1/k changes nothing but the
// priors: a curved ridge (gamma = const / coef) that a diagonal metric cannot
// follow. The sampler moves s = mean_g log coef_seasonality[g] (in the first
// geo's place), e[g] = log coef_seasonality[g] - s for the other geos, and the
// seasonal amplitude gamma' = gamma_seasonality * exp(s); along the ridge only
// s moves. log |det| = log G - 2D s (2D gamma elements scaled by exp(-s)).

import type { ParameterLayout } from "./layout.js";
import { constrain, constrainWithSlope } from "./layout.js";
import type { Transform } from "./priors.js";
import { transformsOfModel } from "./modelChoice.js";
import { logistic, softplus } from "../math/special.js";
import * as portable from "../math/portable.js";
import { InputError } from "../errors.js";
import { baselineFromModel, baselineGroups, baselinePullBack, baselineToModel, type BaselineGroup, type ExtraColumns } from "./baselineShear.js";

/**
 * The pieces of the sampler's coordinates, in their canonical order. A
 * parameterisation is a "+"-joined set of them ("trend+season"), or "model"
 * (none: the model's own coordinates, as Stan's program samples). Each piece
 * applies where the model has what it moves and is left out elsewhere.
 */
export const COORDINATE_PIECES = ["trend", "noncentred", "hill", "media", "season", "baseline"] as const;
export type CoordinatePiece = (typeof COORDINATE_PIECES)[number];

/** A canonical parameterisation: "model", or pieces of COORDINATE_PIECES joined by "+" in that order. */
export type Parameterisation = string;

/** Pieces that cannot be combined, and why. */
const INCOMPATIBLE: readonly [CoordinatePiece, CoordinatePiece, string][] = [
  ["hill", "media", "both shift coef_media by the Hill saturation (at mean media 1 and at the mean adstocked level)"],
];

/**
 * Parses a parameterisation: "model", or a "+"-separated set of pieces in any
 * order. Returns it in canonical order ("season+trend" -> "trend+season");
 * an unknown, repeated or incompatible piece is an InputError naming `option`.
 */
export function checkParameterisation(value: string, option = "parameterisation"): Parameterisation {
  const choices = `"model" or pieces of ${COORDINATE_PIECES.join(", ")} joined by "+"`;
  if (typeof value !== "string" || value.trim() === "") throw new InputError(`${option}: expected ${choices}, got "${String(value)}"`);
  if (value.trim() === "model") return "model";
  const pieces = value.split("+").map((p) => p.trim());
  for (const [i, p] of pieces.entries()) {
    if (p === "model") throw new InputError(`${option}: "model" (the model's own coordinates) combines with no piece, got "${value}"`);
    if (!(COORDINATE_PIECES as readonly string[]).includes(p)) throw new InputError(`${option}: unknown piece "${p}" in "${value}"; expected ${choices}`);
    if (pieces.indexOf(p) !== i) throw new InputError(`${option}: piece "${p}" given twice in "${value}"`);
  }
  for (const [a, b, why] of INCOMPATIBLE) {
    if (pieces.includes(a) && pieces.includes(b)) throw new InputError(`${option}: "${a}" and "${b}" cannot be combined: ${why}; choose one`);
  }
  return COORDINATE_PIECES.filter((p) => pieces.includes(p)).join("+");
}

/** The pieces a parameterisation names (checked as checkParameterisation does); none for "model". */
export function parameterisationPieces(value: Parameterisation): CoordinatePiece[] {
  const canonical = checkParameterisation(value);
  return canonical === "model" ? [] : (canonical.split("+") as CoordinatePiece[]);
}

/** The geo media block: each coef_media[c, g] element's offset and that of its channel scale. */
interface NoncentredPart {
  child: number[];
  parent: number[];
  /** log sqrt(2/pi): the prior scale per unit of channel_coef_media. */
  logMultiplier: number;
}

/** The geo seasonality: coef_seasonality's offsets (log scale) and gamma_seasonality's (identity). */
interface SeasonPart {
  coef: number[];
  gamma: number[];
  logG: number;
}

/** The trend block: offsets and how each coef_trend element is unconstrained. */
interface TrendPart {
  expo: number;
  expoTransform: Transform;
  coef: number[];
  /** Per coef_trend element: true when unconstrained by log (a custom positive prior), else identity. */
  logScale: boolean[];
  /** log t_ref. */
  logRef: number;
}

/** Per channel: the Hill parameters' offsets and the coefficients that shift with them. */
interface HillPart {
  k: number;
  s: number;
  kTransform: Transform;
  sTransform: Transform;
  shifted: number[];
  /** "media": lag_weight's offset (logit-scaled), the rows and whether the adstock is normalised; else lag < 0 (m = 1). */
  lag: number;
  rows: number;
  normalised: boolean;
}

export class SamplingCoordinates {
  readonly dim: number;
  private readonly trend: TrendPart | undefined;
  private readonly hill: HillPart[];
  private readonly noncentred: NoncentredPart | undefined;
  private readonly season: SeasonPart | undefined;
  private readonly baseline: BaselineGroup[];
  /** Per baseline group, d intercept / d v at the last toModel's v (for pullBack). */
  private readonly baselineSlopes: Float64Array;
  /** Scratch for constrainWithSlope's dx/du and meanAdstock's dm/dv (no allocation per gradient). */
  private readonly slope = [0];
  /** The trend map's exp(-expo_trend log t_ref) and d(expo_trend log t_ref)/dv at the last toModel's v. */
  private trendScale = 1;
  private trendShiftSlope = 0;

  /**
   * `T`: the training rows (the trend's reference time is the last, T - 1);
   * `extras`: the scaled extra features, which "baseline" needs (without them it moves nothing).
   */
  constructor(layout: ParameterLayout, T: number, readonly kind: Parameterisation, extras?: ExtraColumns) {
    this.dim = layout.dim;
    const parts = parameterisationPieces(kind);
    this.trend = parts.includes("trend") ? trendPart(layout, T) : undefined;
    this.noncentred = parts.includes("noncentred") ? noncentredPart(layout) : undefined;
    // Under "noncentred" the per-geo coefficients follow their channel's: the shear moves the channel's alone.
    const channelOnly = this.noncentred !== undefined;
    this.hill = parts.includes("hill") ? hillParts(layout, T, false, channelOnly) : parts.includes("media") ? hillParts(layout, T, true, channelOnly) : [];
    this.season = parts.includes("season") ? seasonPart(layout) : undefined;
    this.baseline = parts.includes("baseline") ? baselineGroups(layout, extras) : [];
    this.baselineSlopes = new Float64Array(this.baseline.length);
  }

  /** Whether the sampler's coordinates differ from the model's at all. */
  get changesAnything(): boolean {
    return this.trend !== undefined || this.hill.length > 0 || this.noncentred !== undefined || this.season !== undefined || this.baseline.length > 0;
  }

  toModel(v: ArrayLike<number>, u: Float64Array): number {
    for (let i = 0; i < this.dim; i++) u[i] = v[i];
    let logJacobian = 0;
    const tr = this.trend;
    if (tr) {
      const e = constrainWithSlope(tr.expoTransform, v[tr.expo], this.slope);
      const shift = e * tr.logRef;
      const scale = portable.exp(-shift);
      // Kept for pullBack at the same v (one exp and one logistic per gradient, not two).
      this.trendScale = scale;
      this.trendShiftSlope = this.slope[0] * tr.logRef;
      for (let j = 0; j < tr.coef.length; j++) {
        const i = tr.coef[j];
        if (tr.logScale[j]) u[i] = v[i] - shift;
        else {
          u[i] = v[i] * scale;
          logJacobian -= shift;
        }
      }
    }
    for (const h of this.hill) {
      const shift = hillShift(h, v, this.slope);
      for (const i of h.shifted) u[i] = v[i] + shift;
    }
    // Channel scales are not moved by this step (nor any earlier one): u[parent] is final.
    const nc = this.noncentred;
    if (nc) for (let j = 0; j < nc.child.length; j++) u[nc.child[j]] = v[nc.child[j]] + u[nc.parent[j]] + nc.logMultiplier;
    const se = this.season;
    if (se) {
      const c = se.coef;
      const s = v[c[0]];
      let rest = 0;
      for (let g = 1; g < c.length; g++) {
        u[c[g]] = s + v[c[g]];
        rest += v[c[g]];
      }
      u[c[0]] = s - rest;
      const scale = portable.exp(-s);
      for (const i of se.gamma) u[i] = v[i] * scale;
      logJacobian += se.logG - se.gamma.length * s;
    }
    // A shear of the coefficients along the intercept, which no other piece moves: log |det| = 0.
    baselineToModel(this.baseline, v, u, this.baselineSlopes, this.slope);
    return logJacobian;
  }

  fromModel(u: ArrayLike<number>, v: Float64Array): void {
    for (let i = 0; i < this.dim; i++) v[i] = u[i];
    const tr = this.trend;
    if (tr) {
      const shift = constrain(tr.expoTransform, u[tr.expo]) * tr.logRef;
      const scale = portable.exp(shift);
      for (let j = 0; j < tr.coef.length; j++) {
        const i = tr.coef[j];
        v[i] = tr.logScale[j] ? u[i] + shift : u[i] * scale;
      }
    }
    const nc = this.noncentred;
    if (nc) for (let j = 0; j < nc.child.length; j++) v[nc.child[j]] = u[nc.child[j]] - u[nc.parent[j]] - nc.logMultiplier;
    const se = this.season;
    if (se) {
      const c = se.coef;
      let s = 0;
      for (const i of c) s += u[i];
      s /= c.length;
      v[c[0]] = s;
      for (let g = 1; g < c.length; g++) v[c[g]] = u[c[g]] - s;
      const scale = portable.exp(s);
      for (const i of se.gamma) v[i] = u[i] * scale;
    }
    // K and S are the same in both coordinates.
    for (const h of this.hill) {
      const shift = hillShift(h, u, this.slope);
      for (const i of h.shifted) v[i] = u[i] - shift;
    }
    baselineFromModel(this.baseline, u, v);
  }

  pullBack(v: ArrayLike<number>, u: ArrayLike<number>, gradU: ArrayLike<number>, gradV: Float64Array): void {
    for (let i = 0; i < this.dim; i++) gradV[i] = gradU[i];
    const tr = this.trend;
    if (tr) {
      // d shift / d v_expo, shift = expo_trend log t_ref, and exp(-shift), as toModel computed them at this v.
      const dShift = this.trendShiftSlope;
      const scale = this.trendScale;
      let gExpo = 0;
      for (let j = 0; j < tr.coef.length; j++) {
        const i = tr.coef[j];
        if (tr.logScale[j]) gExpo -= gradU[i] * dShift;
        else {
          gradV[i] = gradU[i] * scale;
          // u_i = v_i exp(-shift): du_i/dv_expo = -u_i dShift; the Jacobian adds -dShift.
          gExpo -= (gradU[i] * u[i] + 1) * dShift;
        }
      }
      gradV[tr.expo] += gExpo;
    }
    // u_child = v_child + u_parent + const: the channel scale's gradient collects its children's.
    const nc = this.noncentred;
    if (nc) for (let j = 0; j < nc.child.length; j++) gradV[nc.parent[j]] += gradU[nc.child[j]];
    const se = this.season;
    if (se) {
      // u_g = s + e_g (g > 0), u_0 = s - sum e; gamma = gamma' exp(-s): d gamma / ds = -gamma.
      const c = se.coef;
      let gS = -se.gamma.length;
      for (const i of c) gS += gradU[i];
      const scale = portable.exp(-v[c[0]]);
      for (const i of se.gamma) {
        gradV[i] = gradU[i] * scale;
        gS -= gradU[i] * u[i];
      }
      for (let g = 1; g < c.length; g++) gradV[c[g]] = gradU[c[g]] - gradU[c[0]];
      gradV[c[0]] = gS;
    }
    for (const h of this.hill) {
      let g = 0;
      for (const i of h.shifted) g += gradV[i];
      // shift = softplus(S (log K - log m)): d/dlogK = S sigma, d/dS = (log K - log m) sigma,
      // d/dlog m = -S sigma, sigma = logistic(S (log K - log m)); m = 1 for "hill".
      const K = constrainWithSlope(h.kTransform, v[h.k], this.slope);
      const dK = this.slope[0];
      const S = constrainWithSlope(h.sTransform, v[h.s], this.slope);
      const dS = this.slope[0];
      let logRatio = portable.log(K);
      let dLogM = 0;
      if (h.lag >= 0) {
        const m = meanAdstock(h, v[h.lag], this.slope);
        logRatio -= portable.log(m);
        dLogM = this.slope[0] / m;
      }
      const sigma = logistic(S * logRatio);
      gradV[h.k] += (g * sigma * S * dK) / K;
      gradV[h.s] += g * sigma * logRatio * dS;
      if (h.lag >= 0) gradV[h.lag] -= g * sigma * S * dLogM;
    }
    baselinePullBack(this.baseline, this.baselineSlopes, gradU, gradV);
  }
}

/** log(1 / hill(m)) = log(1 + (K/m)^S) at the point p (K, S, lag_weight are read from either coordinates alike). */
function hillShift(h: HillPart, p: ArrayLike<number>, scratch: number[]): number {
  const K = constrain(h.kTransform, p[h.k]);
  const S = constrain(h.sTransform, p[h.s]);
  if (h.lag < 0) return softplus(S * portable.log(K));
  return softplus(S * (portable.log(K) - portable.log(meanAdstock(h, p[h.lag], scratch))));
}

/**
 * m: the mean over the rows of the geometric adstock of constant media 1, at lag_weight = logistic(v),
 * with dm/dv in slope[0]. d_t = 1 - w^(t+1) by d_0 = q, d_t = q + w d_(t-1) (q = 1 - w: no cancellation
 * as w -> 1); normalised output d_t, else d_t / q.
 */
function meanAdstock(h: HillPart, v: number, slope: number[]): number {
  const w = logistic(v);
  const q = logistic(-v);
  const dw = w * q;
  let d = q;
  let dd = -dw;
  let sum = d;
  let dsum = dd;
  for (let t = 1; t < h.rows; t++) {
    dd = -dw + dw * d + w * dd;
    d = q + w * d;
    sum += d;
    dsum += dd;
  }
  if (h.normalised) {
    slope[0] = dsum / h.rows;
    return sum / h.rows;
  }
  // m = sum / (T q): dm/dv = (dsum q - sum dq) / (T q^2), dq = -dw.
  slope[0] = (dsum * q + sum * dw) / (h.rows * q * q);
  return sum / (h.rows * q);
}

function noncentredPart(layout: ParameterLayout): NoncentredPart | undefined {
  // Only the hierarchical prior (no custom coef_media prior, no ROI priors) has a channel scale to take out.
  if (!layout.has("coef_media") || !layout.has("channel_coef_media")) return undefined;
  const coef = layout.block("coef_media");
  const channel = layout.block("channel_coef_media");
  if (!coef.scaleFrom || coef.scaleFrom.block !== "channel_coef_media") return undefined;
  // The shear is exact in log space only: both blocks unconstrained by log (their default positive priors).
  if ([coef, channel].some((b) => b.transforms.some((t) => t.kind !== "log"))) return undefined;
  const child = Array.from({ length: coef.size }, (_, i) => coef.offset + i);
  return {
    child,
    parent: child.map((_, i) => layout.scaleParentIndex(coef, i)),
    logMultiplier: portable.log(coef.scaleFrom.multiplier),
  };
}

function seasonPart(layout: ParameterLayout): SeasonPart | undefined {
  if (!layout.has("coef_seasonality") || !layout.has("gamma_seasonality")) return undefined;
  const coef = layout.block("coef_seasonality");
  const gamma = layout.block("gamma_seasonality");
  if (coef.size === 0 || gamma.size === 0) return undefined;
  // Exact as written only for a log-scaled coef_seasonality and an unbounded gamma_seasonality (their default priors).
  if (coef.transforms.some((t) => t.kind !== "log") || gamma.transforms.some((t) => t.kind !== "identity")) return undefined;
  return {
    coef: Array.from({ length: coef.size }, (_, i) => coef.offset + i),
    gamma: Array.from({ length: gamma.size }, (_, i) => gamma.offset + i),
    logG: portable.log(coef.size),
  };
}

/**
 * How the "trend" piece moves each coef_trend element over T training rows:
 * false scales it (unconstrained as it is: a Normal prior), true shifts it
 * (unconstrained by log: a positive prior); undefined where the piece moves
 * nothing. The one rule for the CPU map and the WebGPU kernels (gpu/datasetPack.ts).
 */
export function trendShifts(layout: ParameterLayout, T: number): boolean[] | undefined {
  // With one or two rows t_ref would be 0 or 1: nothing to straighten.
  if (!layout.has("coef_trend") || !layout.has("expo_trend") || T < 3) return undefined;
  const kinds = layout.block("coef_trend").transforms.map((t) => t.kind);
  // A custom prior confining coef_trend to an interval: keep the model's coordinates.
  if (kinds.some((k) => k !== "identity" && k !== "log")) return undefined;
  return kinds.map((k) => k === "log");
}

function trendPart(layout: ParameterLayout, T: number): TrendPart | undefined {
  const logScale = trendShifts(layout, T);
  if (!logScale) return undefined;
  const coefBlock = layout.block("coef_trend");
  const expoBlock = layout.block("expo_trend");
  return {
    expo: expoBlock.offset,
    expoTransform: expoBlock.transforms[0],
    coef: Array.from({ length: coefBlock.size }, (_, i) => coefBlock.offset + i),
    logScale,
    logRef: portable.log(T - 1),
  };
}

function hillParts(layout: ParameterLayout, T: number, atMeanAdstock: boolean, channelOnly: boolean): HillPart[] {
  const s = layout.structure;
  const transforms = transformsOfModel(s.model);
  if (transforms.saturation !== "hill") return [];
  if (atMeanAdstock && (transforms.adstock !== "geometric" || T < 1)) return [];
  const lagBlock = atMeanAdstock ? layout.block("lag_weight") : undefined;
  // m(lag_weight) is written for lag_weight's logit scale (its default Beta prior).
  if (lagBlock && lagBlock.transforms.some((t) => t.kind !== "logit")) return [];
  // With ROI priors the sampler moves the ROI, from which the core derives coef_media: nothing to shear.
  if (s.roiPrior || !layout.has("coef_media")) return [];
  const kBlock = layout.block("half_max_effective_concentration");
  const sBlock = layout.block("slope");
  const coef = layout.block("coef_media");
  const channel = layout.has("channel_coef_media") ? layout.block("channel_coef_media") : undefined;
  const blocks = channel ? [channel, coef] : [coef];
  // The shear is exact only where coef_media is unconstrained by log (its default positive priors).
  if (blocks.some((b) => b.transforms.some((t) => t.kind !== "log"))) return [];
  const C = s.nChannels;
  return Array.from({ length: C }, (_, c) => {
    const shifted: number[] = [];
    if (channel) shifted.push(channel.offset + c);
    const perChannel = coef.size / C;
    if (!(channel && channelOnly)) for (let g = 0; g < perChannel; g++) shifted.push(coef.offset + c * perChannel + g);
    return {
      lag: lagBlock ? lagBlock.offset + c : -1,
      rows: T,
      normalised: s.normaliseAdstock,
      k: kBlock.offset + c,
      s: sBlock.offset + c,
      kTransform: kBlock.transforms[c],
      sTransform: sBlock.transforms[c],
      shifted,
    };
  });
}
