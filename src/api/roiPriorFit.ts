// Fits with ROI priors (docs/roi-priors.md). The chains sample each channel's
// ROI (structure.roiPrior); the fitted model keeps the usual structure, with
// each draw's derived coefficients in coef_media (and the geo model's
// channel_coef_media), so that contributions, ROI, response curves, the
// optimizer, the report and saved models read it as any other fit.
import { InputError } from "../errors.js";
import { MmmDensity, type MathMode } from "../density/mmmDensity.js";
import type { RoiPriorConfig } from "../fit/config.js";
import { ParameterLayout, RELATIVE_COEF_BLOCK, ROI_BLOCK } from "../model/layout.js";
import { roiCalibration } from "../model/roiCalibration.js";
import type { ScaledData } from "../model/scaledData.js";
import { isGeoModel, type ModelStructure } from "../model/structure.js";
import type { StoredChain } from "../fit/record.js";

export interface RoiPriorData {
  channelNames: readonly string[];
  /** The dataset's dates in row order, when it has them. */
  dates?: readonly string[];
  /** Media scaler of series c * G + g (national: of channel c). */
  mediaScale(series: number): number;
  /** Target scaler of geo g (national: g = 0). */
  targetScale(geo: number): number;
}

/** The calibration period as training rows [start, end). */
export function calibrationRows(config: RoiPriorConfig, T: number, dates?: readonly string[]): [number, number] {
  if (config.calibrationRows) {
    const [a, b] = config.calibrationRows;
    if (b > T) throw new InputError(`roiPrior.calibrationRows [${a}, ${b}) goes past the ${T} training rows`);
    return [a, b];
  }
  if (!config.calibrationDates) return [0, T];
  if (!dates) throw new InputError("an ROI calibration period given by dates needs a dataset with a date column (--date)");
  const [first, last] = config.calibrationDates;
  const start = dates.findIndex((d) => d >= first);
  let end = -1;
  for (let t = 0; t < T; t++) if (dates[t] <= last) end = t + 1;
  if (first > last || start < 0 || start >= T || end <= start) {
    throw new InputError(`the ROI calibration period ${first} .. ${last} holds no training date (training dates ${dates[0]} .. ${dates[T - 1]})`);
  }
  return [start, end];
}

/** The structure the chains sample and its data with the calibration constants. */
export function roiPriorModel(
  structure: ModelStructure,
  data: ScaledData,
  config: RoiPriorConfig,
  d: RoiPriorData,
): { structure: ModelStructure; data: ScaledData } {
  const rows = calibrationRows(config, data.T, d.dates);
  const cal = roiCalibration({ data, nChannels: structure.nChannels, channelNames: d.channelNames, mediaScale: d.mediaScale, targetScale: d.targetScale, rows });
  return { structure: { ...structure, roiPrior: true }, data: { ...data, roiCalibration: cal } };
}

/** The structure the fitted model reports: without ROI priors or their custom priors. */
export function coefficientStructure(sampled: ModelStructure): ModelStructure {
  const { roiPrior: _, ...rest } = sampled;
  const customPriors = { ...sampled.customPriors };
  delete customPriors[ROI_BLOCK];
  delete customPriors[RELATIVE_COEF_BLOCK];
  return { ...rest, customPriors };
}

/**
 * The chains' draws (and starts) with each draw's derived coefficients in
 * the coefficient structure's coordinates: log coef_media (and log
 * channel_coef_media, the geo model's s_c) in place of roi and
 * coef_media_relative; every other coordinate unchanged.
 */
export function coefficientChains(sampled: ModelStructure, data: ScaledData, chains: StoredChain[], mathMode: MathMode): StoredChain[] {
  const from = new ParameterLayout(sampled);
  const to = new ParameterLayout(coefficientStructure(sampled));
  const geo = isGeoModel(sampled);
  const C = sampled.nChannels;
  const nS = from.block(geo ? RELATIVE_COEF_BLOCK : ROI_BLOCK).size;
  const coefOffset = to.offsetOf("coef_media");
  const channelOffset = geo ? to.offsetOf("channel_coef_media") : -1;
  if (from.dim !== to.dim || (geo ? from.offsetOf(RELATIVE_COEF_BLOCK) : from.offsetOf(ROI_BLOCK)) !== coefOffset) {
    throw new Error("ROI priors: the sampled and reported layouts do not line up");
  }
  const density = new MmmDensity(from, data, { mathMode });
  const coef = new Float64Array(nS);
  const channel = new Float64Array(C);
  const convert = (u: Float64Array, out: Float64Array) => {
    out.set(u);
    density.logp(u);
    density.lastDerivedCoefficients(coef, channel);
    for (let i = 0; i < nS; i++) out[coefOffset + i] = Math.log(coef[i]);
    if (geo) for (let c = 0; c < C; c++) out[channelOffset + c] = Math.log(channel[c]);
  };
  const dim = from.dim;
  return chains.map((ch) => {
    const draws = new Float64Array(ch.draws.length);
    for (let k = 0; k * dim < ch.draws.length; k++) convert(ch.draws.subarray(k * dim, (k + 1) * dim), draws.subarray(k * dim, (k + 1) * dim));
    const initialPosition = new Float64Array(dim);
    convert(ch.initialPosition, initialPosition);
    return { ...ch, draws, initialPosition };
  });
}
