// Packs one or many (layout, scaled data) pairs into the f32 records the GPU
// kernels read, one record per dataset:
//   family[dim] (as f32), priorA[dim], priorB[dim], priorConst[dim],
//   target[T], media[T][C], design[T][nLin] (seasonality sin/cos, extras),
//   [ROI priors: mask[T], omega[C]], trend: how the trend coordinates move
//   coef_trend (0 not at all, 1 scaled, 2 shifted: model/samplingCoordinates.ts trendShifts).
// Prior constants (lgamma and friends) and the seasonal sines are computed in
// float64 here and rounded once. All datasets share one structure: same
// model, T, C, F, seasonality and weekday; prior parameters (e.g. a market's
// media prior scales) and even families may differ per dataset.

import { InputError } from "../errors.js";
import type { ParameterLayout } from "../model/layout.js";
import { FAMILY_CODE, priorArgs, priorLogConstant } from "../model/priors.js";
import type { ScaledData } from "../model/scaledData.js";
import { trendShifts } from "../model/samplingCoordinates.js";
import { buildDesign, TRANSFORM_PARAMETERS } from "../model/structure.js";
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
  /** Uniform values except B (set per dispatch) and the coordinates (set per kernel). */
  uniforms: Omit<UniformValues, "B" | "trendCoordinates">;
}

function structureSignature(layout: ParameterLayout, T: number): string {
  const s = layout.structure;
  return JSON.stringify([s.model, T, s.nChannels, s.nExtra, s.degreesSeasonality, s.seasonalityFrequency, s.weekdaySeasonality, s.normaliseAdstock, s.carryoverLags, layout.dim, s.roiPrior === true]);
}

export function packDatasets(models: readonly GpuModelData[]): PackedDatasets {
  if (models.length === 0) throw new InputError("the GPU density needs at least one dataset");
  const first = models[0].layout;
  const T = models[0].data.T;
  const s = first.structure;
  const signature = structureSignature(first, T);
  models.forEach((m, i) => {
    if (structureSignature(m.layout, m.data.T) !== signature) {
      throw new InputError(
        `dataset ${i} has another model structure than dataset 0 (model, periods, channels, extra features, seasonality, weekday and carryover lags must agree to share one GPU dispatch)`,
      );
    }
    const d = m.data;
    const C = s.nChannels;
    if (d.media.length !== d.T * C || d.target.length !== d.T || d.extra.length !== d.T * s.nExtra) {
      throw new InputError(`dataset ${i}: media, target or extra arrays do not match T = ${d.T}, C = ${C}, F = ${s.nExtra}`);
    }
  });
  if (T < 1) throw new InputError("the GPU density needs at least one period");
  const dim = first.dim;
  const C = s.nChannels;
  const nLin = 2 * s.degreesSeasonality + s.nExtra;
  const famOff = 0;
  const aOff = dim;
  const bOff = 2 * dim;
  const cOff = 3 * dim;
  const targetOff = 4 * dim;
  const mediaOff = targetOff + T;
  const designOff = mediaOff + T * C;
  // ROI priors: the calibration period's mask [T] and omega [C] (wgsl/roi.ts).
  const roi = s.roiPrior === true;
  const maskOff = roi ? designOff + T * nLin : 0;
  const omegaOff = roi ? maskOff + T : 0;
  const trendOff = designOff + T * nLin + (roi ? T + C : 0);
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
      }
    }
    records.set(m.data.target, base + targetOff);
    records.set(m.data.media, base + mediaOff);
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
