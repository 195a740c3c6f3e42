// The "baseline" piece of the sampling coordinates (samplingCoordinates.ts):
// the linear terms that act like a second intercept, sheared along the
// intercept: the extra features' coefficients, and the weekday effects.
//
// Extra features are scaled by their mean, so a feature that varies little
// (a price index) is almost a second intercept: the data pin the baseline
// intercept + sum_f coef_extra_features[f] x_f(t) and leave the split between
// the two loose. With the intercept positive (sampled as its log), the ridge
// is curved: coef_extra = level - intercept, and its width in coef_extra is
// fixed while log intercept stretches it as the intercept nears 0. A diagonal
// metric then takes the ridge's narrow width as its step. The weekday
// effects are exactly that: weekday[t mod 7] is the column "row t falls on
// day k" for each k, and those 7 columns sum to the intercept's, so the data
// pin intercept + weekday[k] and only the priors hold the split (on daily
// data, where nearly every draw hit the tree-depth cap without this shear).
//
// The sampler moves e'[j] = coef[j] + w[j] * intercept in place of each such
// coefficient (per geo where each geo has its own coefficients), w the
// regression of the coefficients on the intercept in the linear part of the
// likelihood: with M = (1/T) sum_t x(t) x(t)' the columns' uncentred second
// moments and m their means, w = M^-1 m (for one feature of mean m and
// coefficient of variation c, w = 1 / (m (1 + c^2)): about 1/m for a
// near-constant feature, about 0 for one that varies a lot; with the weekday
// columns among them, 1 for each weekday and 0 for the features, since the
// weekdays alone make up the constant). Then e' is what the data pin whatever
// the intercept. Exact for any w: the map is a shear (the intercept is not
// moved, each coefficient moves by a function of it), so its Jacobian is
// triangular with a unit diagonal, log |det| = 0.

import type { ParameterLayout } from "./layout.js";
import { constrain, constrainWithSlope } from "./layout.js";
import type { Transform } from "./priors.js";
import { symmetricEigen, symmetricFunction } from "../math/symmetricEigen.js";

/** Per intercept (one per geo): the coefficients moved with it and by how much per unit of intercept. */
export interface BaselineGroup {
  intercept: number;
  transform: Transform;
  coef: number[];
  weight: number[];
}

/** The scaled extra features, as ScaledData holds them: [T][F], or [T][F][G] for per-geo extras. */
export interface ExtraColumns {
  T: number;
  extra: Float64Array;
}

/**
 * Whether the extra features' coefficients can be sheared: not without extra
 * features, with coefficients not on the real line (a custom prior confining
 * them), or with geo extras shared by every geo (one coefficient against G
 * intercepts).
 */
function extrasApply(layout: ParameterLayout): boolean {
  const F = layout.structure.nExtra;
  if (F === 0 || !layout.has("intercept") || !layout.has("coef_extra_features")) return false;
  const coef = layout.block("coef_extra_features");
  return coef.transforms.every((t) => t.kind === "identity") && coef.size === F * layout.block("intercept").size;
}

/** Whether the weekday effects can be sheared: national models (geo ones share them over G intercepts), on the real line. */
function weekdayApplies(layout: ParameterLayout): boolean {
  if (!layout.has("weekday") || !layout.has("intercept") || layout.block("intercept").size !== 1) return false;
  return layout.block("weekday").transforms.every((t) => t.kind === "identity");
}

/**
 * Whether the piece can move anything in this model (extrasApply or
 * weekdayApplies). (Data whose every column is zero leave it nothing to move too.)
 */
export function baselineApplies(layout: ParameterLayout): boolean {
  return extrasApply(layout) || weekdayApplies(layout);
}

/** The baseline groups of a model, or [] where the piece moves nothing (baselineApplies, or no data). */
export function baselineGroups(layout: ParameterLayout, data: ExtraColumns | undefined): BaselineGroup[] {
  if (!data || !baselineApplies(layout)) return [];
  const F = extrasApply(layout) ? layout.structure.nExtra : 0;
  const intercept = layout.block("intercept");
  const G = intercept.size;
  const T = data.T;
  if (F > 0 && data.extra.length !== T * F * G) throw new Error(`extra features: ${data.extra.length} values for ${T} rows x ${F} features x ${G} geos`);
  const coef = F > 0 ? layout.block("coef_extra_features") : undefined;
  const weekday = weekdayApplies(layout) ? layout.block("weekday") : undefined;
  const groups: BaselineGroup[] = [];
  for (let g = 0; g < G; g++) {
    // The columns of geo g's sheared coefficients: its extras, then (national models) the 7 weekday indicators.
    const column = (t: number, j: number) => (j < F ? data.extra[(t * F + j) * G + g] : t % 7 === j - F ? 1 : 0);
    const weight = regressionOnIntercept(column, T, F + (weekday ? 7 : 0));
    if (!weight) continue;
    groups.push({
      intercept: intercept.offset + g,
      transform: intercept.transforms[g],
      coef: [...Array.from({ length: F }, (_, f) => coef!.offset + f * G + g), ...(weekday ? Array.from({ length: 7 }, (_, k) => weekday.offset + k) : [])],
      weight,
    });
  }
  return groups;
}

/** w = M^-1 m for the F columns column(t, j) (a pseudo-inverse: a direction M gives no weight, such as a zero column, gets w = 0); null if every w is 0. */
function regressionOnIntercept(column: (t: number, j: number) => number, T: number, F: number): number[] | null {
  const M = new Float64Array(F * F);
  const m = new Float64Array(F);
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < F; a++) {
      const xa = column(t, a);
      m[a] += xa / T;
      for (let b = 0; b <= a; b++) M[a * F + b] += (xa * column(t, b)) / T;
    }
  }
  for (let a = 0; a < F; a++) for (let b = 0; b < a; b++) M[b * F + a] = M[a * F + b];
  if (!M.every(Number.isFinite)) return null;
  const eig = symmetricEigen(M, F);
  const largest = Math.max(0, ...eig.values);
  if (!(largest > 0)) return null;
  // Eigenvalues below 1e-10 of the largest are the data's exact collinearities: no direction to shear along.
  const inverse = symmetricFunction(eig, F, (lambda) => (lambda > 1e-10 * largest ? 1 / lambda : 0));
  const w = Array.from({ length: F }, (_, a) => {
    let s = 0;
    for (let b = 0; b < F; b++) s += inverse[a * F + b] * m[b];
    return s;
  });
  return w.every((x) => x === 0) ? null : w;
}

/**
 * u = v with each group's coefficients moved back: coef = e' - w intercept; each group's
 * d intercept / d v_intercept at this v into slopes[k], for baselinePullBack at the same v.
 */
export function baselineToModel(groups: readonly BaselineGroup[], v: ArrayLike<number>, u: Float64Array, slopes: Float64Array, scratch: number[]): void {
  for (let k = 0; k < groups.length; k++) {
    const grp = groups[k];
    const x = constrainWithSlope(grp.transform, v[grp.intercept], scratch);
    slopes[k] = scratch[0];
    for (let f = 0; f < grp.coef.length; f++) u[grp.coef[f]] = v[grp.coef[f]] - grp.weight[f] * x;
  }
}

/** v = u with each group's coefficients sheared: e' = coef + w intercept. */
export function baselineFromModel(groups: readonly BaselineGroup[], u: ArrayLike<number>, v: Float64Array): void {
  for (const grp of groups) {
    const x = constrain(grp.transform, u[grp.intercept]);
    for (let f = 0; f < grp.coef.length; f++) v[grp.coef[f]] = u[grp.coef[f]] + grp.weight[f] * x;
  }
}

/**
 * Adds to gradV[intercept] what the coefficients' gradients owe it: d coef / d v_intercept = -w dx/dv,
 * dx/dv as baselineToModel left it in `slopes` at the same v.
 */
export function baselinePullBack(groups: readonly BaselineGroup[], slopes: Float64Array, gradU: ArrayLike<number>, gradV: Float64Array): void {
  for (let k = 0; k < groups.length; k++) {
    const grp = groups[k];
    let g = 0;
    for (let f = 0; f < grp.coef.length; f++) g += grp.weight[f] * gradU[grp.coef[f]];
    gradV[grp.intercept] -= g * slopes[k];
  }
}
