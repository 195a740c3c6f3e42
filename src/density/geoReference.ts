// The oracle for the geo (hierarchical) model, written as plainly as
// MODEL.md's "Geo (hierarchical) model" section, in float64, one geo and one
// channel at a time. It shares only the transforms of the national reference
// and the layout's unconstraining maps; the wasm core shares nothing with it.

import type { ParameterLayout } from "../model/layout.js";
import { logJacobian } from "../model/layout.js";
import { priorLogDensity } from "../model/priors.js";
import type { ScaledData } from "../model/scaledData.js";
import { geoCount } from "../model/structure.js";
import type { ReferenceResult } from "./types.js";
import { liftTestReference, mediaTransformReference } from "./transformReference.js";
import { roiCoefficientsReference } from "./roiReference.js";

function halfNormalLogDensity(x: number, scale: number): number {
  if (x < 0) return -Infinity;
  return 0.5 * Math.log(2 / Math.PI) - Math.log(scale) - (x * x) / (2 * scale * scale);
}

/** Full log-density of the geo model at the unconstrained point u; mu is [T][G]. */
export function referenceGeoLogDensity(
  layout: ParameterLayout,
  data: ScaledData,
  u: ArrayLike<number>,
): ReferenceResult {
  const s = layout.structure;
  const G = geoCount(s);
  const C = s.nChannels;
  const F = s.nExtra;
  const { T } = data;
  const x = layout.constrainFlat(u);
  const get = (name: string, i = 0) => x[layout.block(name).offset + i];

  let lp = 0;
  let jac = 0;
  for (const b of layout.blocks) {
    for (let i = 0; i < b.size; i++) {
      const v = x[b.offset + i];
      if (b.scaleFrom) {
        // coef_media[c, g] ~ HalfNormal(channel_coef_media[c] * sqrt(2/pi)).
        const c = Math.floor(i / G);
        lp += halfNormalLogDensity(v, get(b.scaleFrom.block, c) * b.scaleFrom.multiplier);
      } else {
        lp += priorLogDensity(b.priors[i], v);
      }
      jac += logJacobian(b.transforms[i], u[b.offset + i]);
    }
  }

  // Transformed media of every (channel, geo) series, with the channel's parameters.
  const transformed: number[][] = []; // [c * G + g][t]
  for (let c = 0; c < C; c++) {
    for (let g = 0; g < G; g++) {
      const column = Array.from({ length: T }, (_, t) => data.media[(t * C + c) * G + g]);
      const out = mediaTransformReference(s, column, (name) => get(name, c));
      transformed.push(out);
    }
  }

  // ROI priors: coef_media[c, g] derived from roi[c] and coef_media_relative[c, g] (roiReference.ts).
  const coef = s.roiPrior
    ? roiCoefficientsReference(data.roiCalibration!, transformed, (c) => get("roi", c), (c, g) => get("coef_media_relative", c * G + g), C, G).coef
    : Array.from({ length: C * G }, (_, i) => get("coef_media", i));
  const mu = new Float64Array(T * G);
  for (let t = 0; t < T; t++) {
    let seasonal = 0;
    for (let d = 0; d < s.degreesSeasonality; d++) {
      const w = (2 * Math.PI * t * (d + 1)) / s.seasonalityFrequency;
      seasonal += get("gamma_seasonality", 2 * d) * Math.sin(w) + get("gamma_seasonality", 2 * d + 1) * Math.cos(w);
    }
    for (let g = 0; g < G; g++) {
      let m = get("intercept", g) + get("coef_trend", g) * (t === 0 ? 0 : Math.pow(t, get("expo_trend")));
      if (s.degreesSeasonality > 0) m += get("coef_seasonality", g) * seasonal;
      for (let c = 0; c < C; c++) m += coef[c * G + g] * transformed[c * G + g][t];
      for (let f = 0; f < F; f++) {
        m += s.geoExtra
          ? get("coef_extra_features", f * G + g) * data.extra[(t * F + f) * G + g]
          : get("coef_extra_features", f) * data.extra[t * F + f];
      }
      if (s.weekdaySeasonality) m += get("weekday", t % 7);
      mu[t * G + g] = m;
    }
  }
  for (let g = 0; g < G; g++) {
    const sigma = get("sigma", g);
    for (let t = 0; t < T; t++) {
      const z = (data.target[t * G + g] - mu[t * G + g]) / sigma;
      lp += -0.5 * Math.log(2 * Math.PI) - Math.log(sigma) - 0.5 * z * z;
    }
  }
  // Lift tests read the model's coefficient: with ROI priors, the derived one.
  if (data.liftTests) lp += liftTestReference(s, data.liftTests, get, (c, g) => coef[c * G + g]);
  return { lp, lpJacobian: lp + jac, mu };
}
