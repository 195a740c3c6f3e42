// Packs one or many (layout, scaled data) pairs into the f32 records the GPU
// kernels read, one record per dataset:
//   family[dim] (as f32), priorA[dim], priorB[dim], priorConst[dim],
//   target[T], media[T][C], design[T][nLin] (seasonality sin/cos, extras),
//   [ROI priors: mask[T], omega[C]], trend: how the trend coordinates move
//   coef_trend (0 not at all, 1 scaled, 2 shifted: model/samplingCoordinates.ts trendShifts).
// A geo record (wgsl/geo.ts): family, priorA, priorB, priorConst, parent
//   [dim each], target[T][G], media[T][C][G], design[T][2D] (the seasonal
//   sines and cosines alone), extra[T][F] (or [T][F][G]), trend (0).
// Prior constants (lgamma and friends) and the seasonal sines are computed in
// float64 here and rounded once. All datasets share one structure: same
// model, T, C, F, seasonality and weekday; prior parameters (e.g. a market's
// media prior scales) and even families may differ per dataset.

import { InputError } from "../errors.js";
import type { ParameterLayout } from "../model/layout.js";
import { FAMILY_CODE, priorArgs, priorLogConstant } from "../model/priors.js";
import type { ScaledData } from "../model/scaledData.js";
import { trendShifts } from "../model/samplingCoordinates.js";
import { buildDesign, geoCount, isGeoModel, TRANSFORM_PARAMETERS } from "../model/structure.js";
import { MODEL_TRANSFORMS } from "../model/transforms/index.js";
import { programKeyOf, type ProgramKey } from "./programKey.js";
import type { UniformValues } from "./uniforms.js";

export interface GpuModelData {
  layout: ParameterLayout;
  data: ScaledData;
}

export interface PackedDatasets {
  key: ProgramKey;
  dim: number;
  T: number;
  lags: number;
  count: number;
  /** All records, back to back. */
  records: Float32Array<ArrayBuffer>;
  /** Uniform values except B (set per dispatch), the coordinates and the lanes' scratch rows (set per kernel). */
  uniforms: Omit<UniformValues, "B" | "trendCoordinates" | "rows">;
}

function structureSignature(layout: ParameterLayout, T: number): string {
  const s = layout.structure;
  return JSON.stringify([
    s.model,
    T,
    s.nChannels,
    s.nExtra,
    s.degreesSeasonality,
    s.seasonalityFrequency,
    s.weekdaySeasonality,
    s.normaliseAdstock,
    s.carryoverLags,
    layout.dim,
    s.roiPrior === true,
    geoCount(s),
    s.geoExtra === true,
  ]);
}

export function packDatasets(models: readonly GpuModelData[]): PackedDatasets {
  if (models.length === 0) throw new InputError("the GPU density needs at least one dataset");
  const first = models[0].layout;
  const T = models[0].data.T;
  const s = first.structure;
  const signature = structureSignature(first, T);
  const geo = isGeoModel(s);
  const G = geo ? geoCount(s) : 1;
  if (geo && s.roiPrior === true) throw new InputError("the WebGPU geo kernel has no ROI priors; run geo fits with ROI priors on the CPU");
  models.forEach((m, i) => {
    if (structureSignature(m.layout, m.data.T) !== signature) {
      throw new InputError(
        `dataset ${i} has another model structure than dataset 0 (model, periods, channels, geos, extra features, seasonality, weekday and carryover lags must agree to share one GPU dispatch)`,
      );
    }
    const d = m.data;
    const C = s.nChannels;
    const extraSize = d.T * s.nExtra * (geo && s.geoExtra ? G : 1);
    if (d.media.length !== d.T * C * G || d.target.length !== d.T * G || d.extra.length !== extraSize || (geo && d.G !== G)) {
      throw new InputError(`dataset ${i}: media, target or extra arrays do not match T = ${d.T}, C = ${C}, F = ${s.nExtra}${geo ? `, G = ${G}` : ""}`);
    }
  });
  if (T < 1) throw new InputError("the GPU density needs at least one period");
  const dim = first.dim;
  const C = s.nChannels;
  // Geo: the design holds the seasonal columns alone (coef_seasonality[g] scales their sum); the extras follow.
  const nLin = 2 * s.degreesSeasonality + (geo ? 0 : s.nExtra);
  const famOff = 0;
  const aOff = dim;
  const bOff = 2 * dim;
  const cOff = 3 * dim;
  const parentOff = geo ? 4 * dim : 0;
  const targetOff = (geo ? 5 : 4) * dim;
  const mediaOff = targetOff + T * G;
  const designOff = mediaOff + T * C * G;
  const extraOff = geo ? designOff + T * nLin : 0;
  const extraSize = geo ? T * s.nExtra * (s.geoExtra ? G : 1) : 0;
  // ROI priors: the calibration period's mask [T] and omega [C] (wgsl/roi.ts).
  const roi = s.roiPrior === true;
  const maskOff = roi ? designOff + T * nLin : 0;
  const omegaOff = roi ? maskOff + T : 0;
  const trendOff = designOff + T * nLin + extraSize + (roi ? T + C : 0);
  const stride = trendOff + 1;
  const records = new Float32Array(stride * models.length);
  models.forEach((m, i) => {
    const base = i * stride;
    for (const b of m.layout.blocks) {
      for (let k = 0; k < b.size; k++) {
        const p = b.priors[k];
        const [a, bb] = priorArgs(p);
        const j = b.offset + k;
        records[base + famOff + j] = FAMILY_CODE[p.dist];
        records[base + aOff + j] = a;
        records[base + bOff + j] = bb;
        records[base + cOff + j] = priorLogConstant(p);
        if (b.scaleFrom) {
          // HalfNormal(parent value x multiplier): the kernel divides by the parent's value.
          const multiplier = b.scaleFrom.multiplier;
          records[base + famOff + j] = FAMILY_CODE.HalfNormal;
          records[base + aOff + j] = multiplier;
          records[base + bOff + j] = 0;
          records[base + cOff + j] = priorLogConstant({ dist: "HalfNormal", scale: multiplier });
          records[base + parentOff + j] = m.layout.scaleParentIndex(b, k) + 1;
        }
      }
    }
    records.set(m.data.target, base + targetOff);
    records.set(m.data.media, base + mediaOff);
    if (geo) {
      // The seasonal columns alone, then the extra features as they are.
      records.set(buildDesign({ ...s, nExtra: 0, weekdaySeasonality: false }, T, new Float64Array(0)), base + designOff);
      records.set(m.data.extra, base + extraOff);
      return;
    }
    // The design without the weekday one-hot (the kernel adds weekday[t mod 7] directly).
    const design = buildDesign({ ...s, weekdaySeasonality: false }, T, m.data.extra);
    records.set(design, base + designOff);
    if (roi) {
      const cal = m.data.roiCalibration;
      if (!cal || cal.mask.length !== T || cal.omega.length !== C) {
        throw new InputError(`dataset ${i}: ROI priors need the calibration period's mask (${T} rows) and omega (${C} channels)`);
      }
      records.set(cal.mask, base + maskOff);
      records.set(cal.omega, base + omegaOff);
    }
    // Per dataset: its coef_trend prior decides how the trend coordinates move it.
    const shifts = trendShifts(m.layout, T);
    records[base + trendOff] = shifts === undefined ? 0 : shifts[0] ? 2 : 1;
  });
  const tp = TRANSFORM_PARAMETERS[s.model];
  const off = (name: string) => Math.max(0, first.offsetOf(name));
  return {
    key: programKeyOf(models.map((m) => m.layout)),
    dim,
    T,
    lags: MODEL_TRANSFORMS[s.model].adstock.kind === "convolution" ? s.carryoverLags : 0,
    count: models.length,
    records,
    uniforms: {
      T,
      C,
      nLin,
      dim,
      lags: s.carryoverLags,
      normalise: s.normaliseAdstock ? 1 : 0,
      dataStride: stride,
      offIntercept: off("intercept"),
      offSigma: off("sigma"),
      offTrend: off("coef_trend"),
      offExpo: off("expo_trend"),
      offMedia: off(roi ? "roi" : "coef_media"),
      offT1: off(tp[0]),
      offT2: off(tp[1]),
      offT3: tp.length > 2 ? off(tp[2]) : 0,
      offT4: tp.length > 3 ? off(tp[3]) : 0,
      offLinear: off("gamma_seasonality"),
      G,
      nExtra: geo ? s.nExtra : 0,
      offExtra: geo ? off("coef_extra_features") : 0,
      offCoefSeason: geo ? off("coef_seasonality") : 0,
      extraOff,
      parentOff,
      offWeekday: off("weekday"),
      famOff,
      aOff,
      bOff,
      cOff,
      targetOff,
      mediaOff,
      designOff,
      maskOff,
      omegaOff,
      trendOff,
    },
  };
}
