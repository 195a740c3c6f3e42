// The model's structure (what is fitted) as opposed to its data (what it is
// fitted to). Names and defaults follow ../shared/MODEL.md and LightweightMMM.

import type { Prior } from "./priors.js";
import * as portable from "../math/portable.js";
import {
  ALL_MODEL_NAMES,
  PRESET_NAMES,
  transformParameterNames,
  type ModelName,
  type PresetName,
} from "./modelChoice.js";
import { MODEL_TRANSFORMS } from "./transforms/index.js";
import { defaultCarryoverLags, periodsPerYear } from "./cadence.js";

export type { ModelName } from "./modelChoice.js";
/** LightweightMMM's presets (the composed models are in ALL_MODEL_NAMES). */
export const MODEL_NAMES: readonly PresetName[] = PRESET_NAMES;

/** Numeric model codes shared with the WebAssembly core (its generated kernels; model/transforms). */
export const MODEL_CODE: Readonly<Record<ModelName, number>> = Object.fromEntries(
  Object.entries(MODEL_TRANSFORMS).map(([name, m]) => [name, m.code]),
) as Record<ModelName, number>;

/** Transform parameter names per model, in layout order (the adstock's, then the saturation's). */
export const TRANSFORM_PARAMETERS: Readonly<Record<ModelName, readonly string[]>> = Object.fromEntries(
  ALL_MODEL_NAMES.map((m) => [m, transformParameterNames(m)]),
) as Record<ModelName, readonly string[]>;

export interface ModelStructure {
  model: ModelName;
  nChannels: number;
  nExtra: number;
  /** Fourier degrees of the yearly seasonality (0 for none). */
  degreesSeasonality: number;
  /** Periods per seasonal cycle (52 for weekly data, 365 for daily). */
  seasonalityFrequency: number;
  /** Day-of-week effect (daily data). */
  weekdaySeasonality: boolean;
  /** Adstock output multiplied by (1 - lag_weight) (LightweightMMM's default). */
  normaliseAdstock: boolean;
  /** Carryover window (13 weekly, 13 * 7 daily). */
  carryoverLags: number;
  /** Scale of each channel's HalfNormal coefficient prior (media prior scale * cost / mean cost). */
  mediaPrior: number[];
  /** Priors replaced by parameter name (one prior, or one per element). */
  customPriors: Record<string, Prior | Prior[]>;
  /**
   * Geos of the geo (hierarchical) model (MODEL.md, "Geo (hierarchical)
   * model"); absent or 0 for the national model. 1 is a geo model with one geo.
   */
  nGeos?: number;
  /** Geo model: extra features per geo ([T, F, G], coefficients [F, G]) instead of national ([T, F], [F]). */
  geoExtra?: boolean;
  /**
   * Meridian's ROI priors (docs/roi-priors.md): each channel's ROI over the
   * calibration period is sampled (block "roi") and its coefficients are
   * derived from it; absent for a prior on the coefficients.
   */
  roiPrior?: boolean;
}

export interface StructureOptions {
  model?: ModelName;
  nChannels: number;
  nExtra?: number;
  degreesSeasonality?: number;
  seasonalityFrequency?: number;
  weekdaySeasonality?: boolean;
  normaliseAdstock?: boolean;
  carryoverLags?: number;
  mediaPrior: number[];
  customPriors?: Record<string, Prior | Prior[]>;
  nGeos?: number;
  geoExtra?: boolean;
  roiPrior?: boolean;
}

export function makeStructure(o: StructureOptions): ModelStructure {
  const weekday = o.weekdaySeasonality ?? false;
  return {
    model: o.model ?? "hill_adstock",
    nChannels: o.nChannels,
    nExtra: o.nExtra ?? 0,
    degreesSeasonality: o.degreesSeasonality ?? 2,
    seasonalityFrequency: o.seasonalityFrequency ?? periodsPerYear(undefined, weekday),
    weekdaySeasonality: weekday,
    normaliseAdstock: o.normaliseAdstock ?? true,
    carryoverLags: o.carryoverLags ?? defaultCarryoverLags(undefined, weekday),
    mediaPrior: o.mediaPrior,
    customPriors: o.customPriors ?? {},
    // Only geo structures carry the geo fields (national ones stay as they were).
    ...(o.nGeos ? { nGeos: o.nGeos, geoExtra: o.geoExtra ?? false } : {}),
    ...(o.roiPrior ? { roiPrior: true } : {}),
  };
}

/** Geos of a geo model; 0 for the national model. */
export function geoCount(s: ModelStructure): number {
  return s.nGeos ?? 0;
}

/** Whether the structure is the geo (hierarchical) model (even with one geo). */
export function isGeoModel(s: ModelStructure): boolean {
  return geoCount(s) >= 1;
}

/** Extra features that enter the design shared by every geo ([T, F]); per-geo extras do not. */
export function sharedExtraCount(s: ModelStructure): number {
  return isGeoModel(s) && s.geoExtra ? 0 : s.nExtra;
}

/** Media prior scales from per-channel costs: scale * cost / mean(cost) (MODEL.md). */
export function mediaPriorFromCosts(costs: number[], mediaPriorScale = 0.15): number[] {
  const mean = costs.reduce((a, b) => a + b, 0) / costs.length;
  return costs.map((c) => (mediaPriorScale * c) / mean);
}

/**
 * Columns of the linear design: seasonality (sin, cos per degree), extra
 * features, weekday. In the geo model, the columns shared by every geo (per-geo
 * extra features are not among them).
 */
export function linearColumnCount(s: ModelStructure): number {
  return 2 * s.degreesSeasonality + sharedExtraCount(s) + (s.weekdaySeasonality ? 7 : 0);
}

/**
 * The linear design for periods t = start .. start + T - 1: row-major [T][nLin],
 * columns sin/cos per degree, then the extra features (already scaled,
 * row-major [T][F]; none for a geo model with per-geo extras), then the
 * weekday one-hot (t mod 7).
 */
export function buildDesign(
  s: ModelStructure,
  T: number,
  extra: Float64Array,
  start = 0,
): Float64Array {
  const nLin = linearColumnCount(s);
  const out = new Float64Array(T * nLin);
  const D = s.degreesSeasonality;
  const F = sharedExtraCount(s);
  for (let i = 0; i < T; i++) {
    const t = start + i;
    const row = i * nLin;
    for (let d = 0; d < D; d++) {
      const angle = (2 * Math.PI * t * (d + 1)) / s.seasonalityFrequency;
      out[row + 2 * d] = portable.sin(angle);
      out[row + 2 * d + 1] = portable.cos(angle);
    }
    for (let f = 0; f < F; f++) out[row + 2 * D + f] = extra[i * F + f];
    if (s.weekdaySeasonality) out[row + 2 * D + F + (t % 7)] = 1;
  }
  return out;
}
