// The oracle: the national model's log-density written as plainly as the
// math in MODEL.md, in float64, with no shared code path with the core beyond
// the layout's transforms. Slow on purpose; tests compare every backend to it.

import type { ParameterLayout } from "../model/layout.js";
import { logJacobian } from "../model/layout.js";
import { priorLogDensity } from "../model/priors.js";
import type { ScaledData } from "../model/scaledData.js";
import { isGeoModel } from "../model/structure.js";
import { referenceGeoLogDensity } from "./geoReference.js";
import { liftTestReference, mediaTransformReference } from "./transformReference.js";
import type { ReferenceResult } from "./types.js";
import { roiCoefficientsReference } from "./roiReference.js";

export type { ReferenceResult } from "./types.js";


/** Full log-density at the unconstrained point u. */
export function referenceLogDensity(
  layout: ParameterLayout,
  data: ScaledData,
  u: ArrayLike<number>,
): ReferenceResult {
  const s = layout.structure;
  if (isGeoModel(s)) return referenceGeoLogDensity(layout, data, u);
  const x = layout.constrainFlat(u);
  let lp = 0;
  let jac = 0;
  for (const b of layout.blocks) {
    for (let i = 0; i < b.size; i++) {
      lp += priorLogDensity(b.priors[i], x[b.offset + i]);
      jac += logJacobian(b.transforms[i], u[b.offset + i]);
    }
  }
  const get = (name: string, i = 0) => x[layout.block(name).offset + i];
  const { T } = data;
  const C = s.nChannels;
  const F = s.nExtra;
  const mu = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let m = get("intercept") + get("coef_trend") * (t === 0 ? 0 : Math.pow(t, get("expo_trend")));
    for (let d = 0; d < s.degreesSeasonality; d++) {
      const w = (2 * Math.PI * t * (d + 1)) / s.seasonalityFrequency;
      m += get("gamma_seasonality", 2 * d) * Math.sin(w) + get("gamma_seasonality", 2 * d + 1) * Math.cos(w);
    }
    for (let f = 0; f < F; f++) m += get("coef_extra_features", f) * data.extra[t * F + f];
    if (s.weekdaySeasonality) m += get("weekday", t % 7);
    mu[t] = m;
  }
  const transformed = Array.from({ length: C }, (_, c) => {
    const column = Array.from({ length: T }, (_, t) => data.media[t * C + c]);
    return mediaTransformReference(s, column, (name) => get(name, c));
  });
  // ROI priors: the coefficients are derived from the sampled ROI (roiReference.ts).
  const coef = s.roiPrior
    ? roiCoefficientsReference(data.roiCalibration!, transformed, (c) => get("roi", c), () => 1, C, 1).coef
    : Array.from({ length: C }, (_, c) => get("coef_media", c));
  for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) mu[t] += coef[c] * transformed[c][t];
  const sigma = get("sigma");
  for (let t = 0; t < T; t++) {
    const z = (data.target[t] - mu[t]) / sigma;
    lp += -0.5 * Math.log(2 * Math.PI) - Math.log(sigma) - 0.5 * z * z;
  }
  // Lift tests read the model's coefficient: with ROI priors, the derived one.
  if (data.liftTests) lp += liftTestReference(s, data.liftTests, get, (c) => coef[c]);
  return { lp, lpJacobian: lp + jac, mu };
}
