// Which media transforms a model composes: any adstock with any saturation
// (PyMC-Marketing's and Meridian's menu), plus LightweightMMM's three models
// kept as named presets with their own priors. This file owns the names, the
// parameter names per transform and their default priors; the formulas live
// in the transform statements (TypeScript, kernels) and, independently, in
// the float64 reference (density/transformReference.ts). docs/transforms.md
// documents every choice made here.

import type { Prior } from "./priors.js";

export const ADSTOCK_NAMES = ["geometric", "delayed", "weibull_cdf", "weibull_pdf", "carryover"] as const;
export type AdstockName = (typeof ADSTOCK_NAMES)[number];

export const SATURATION_NAMES = [
  "hill",
  "logistic",
  "michaelis_menten",
  "tanh",
  "root",
  "exponent",
  "none",
] as const;
export type SaturationName = (typeof SATURATION_NAMES)[number];

/** LightweightMMM's models: names and densities exactly as before. */
export const PRESET_NAMES = ["hill_adstock", "adstock", "carryover"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** A composed model is named "adstock+saturation", e.g. "geometric+logistic". */
export type ComposedName = `${AdstockName}+${SaturationName}`;

export interface TransformChoice {
  adstock: AdstockName;
  saturation: SaturationName;
}

export const PRESETS: Readonly<Record<PresetName, TransformChoice>> = {
  hill_adstock: { adstock: "geometric", saturation: "hill" },
  adstock: { adstock: "geometric", saturation: "exponent" },
  carryover: { adstock: "carryover", saturation: "exponent" },
};

const beta = (a: number, b: number): Prior => ({ dist: "Beta", concentration1: a, concentration0: b });
const gamma = (shape: number, rate: number): Prior => ({ dist: "Gamma", concentration: shape, rate });
/** PyMC-Marketing writes some Gamma priors by mean and sd: shape (mu/sd)^2, rate mu/sd^2. */
const gammaMeanSd = (mu: number, sd: number): Prior => gamma((mu * mu) / (sd * sd), mu / (sd * sd));
const halfNormal = (scale: number): Prior => ({ dist: "HalfNormal", scale });

interface TransformSpec {
  /** Parameter names, one value per channel each, in layout order. */
  params: readonly string[];
  /** Default prior per parameter (PyMC-Marketing's defaults unless noted in docs/transforms.md). */
  priors: Readonly<Record<string, Prior>>;
}

export const ADSTOCK_SPECS: Readonly<Record<AdstockName, TransformSpec>> = {
  // PyMC-Marketing GeometricAdstock: alpha ~ Beta(1, 3).
  geometric: { params: ["lag_weight"], priors: { lag_weight: beta(1, 3) } },
  // DelayedAdstock: alpha ~ Beta(1, 3), theta ~ HalfNormal(1).
  delayed: { params: ["lag_weight", "peak_delay"], priors: { lag_weight: beta(1, 3), peak_delay: halfNormal(1) } },
  // WeibullCDFAdstock: lam, k ~ Gamma(mu 2, sd 2.5).
  weibull_cdf: {
    params: ["weibull_scale", "weibull_shape"],
    priors: { weibull_scale: gammaMeanSd(2, 2.5), weibull_shape: gammaMeanSd(2, 2.5) },
  },
  // WeibullPDFAdstock: lam ~ Gamma(mu 2, sd 1), k ~ Gamma(mu 3, sd 1).
  weibull_pdf: {
    params: ["weibull_scale", "weibull_shape"],
    priors: { weibull_scale: gammaMeanSd(2, 1), weibull_shape: gammaMeanSd(3, 1) },
  },
  // LightweightMMM's carryover.
  carryover: {
    params: ["ad_effect_retention_rate", "peak_effect_delay"],
    priors: { ad_effect_retention_rate: beta(1, 1), peak_effect_delay: halfNormal(2) },
  },
};

export const SATURATION_SPECS: Readonly<Record<SaturationName, TransformSpec>> = {
  // PyMC-Marketing HillSaturation: slope, kappa ~ HalfNormal(1.5) (its beta is coef_media).
  hill: {
    params: ["half_max_effective_concentration", "slope"],
    priors: { half_max_effective_concentration: halfNormal(1.5), slope: halfNormal(1.5) },
  },
  // LogisticSaturation: lam ~ Gamma(3, 1) (its beta is coef_media).
  logistic: { params: ["logistic_rate"], priors: { logistic_rate: gamma(3, 1) } },
  // MichaelisMentenSaturation: lam ~ HalfNormal(1) (its alpha is coef_media).
  michaelis_menten: { params: ["half_saturation"], priors: { half_saturation: halfNormal(1) } },
  // TanhSaturation b tanh(x / (b c)) with b = coef_media: tanh(x / tanh_scale), tanh_scale = b c; c's prior.
  tanh: { params: ["tanh_scale"], priors: { tanh_scale: halfNormal(1) } },
  // RootSaturation: alpha ~ Beta(1, 2).
  root: { params: ["exponent"], priors: { exponent: beta(1, 2) } },
  // LightweightMMM's exponent: Beta(9, 1).
  exponent: { params: ["exponent"], priors: { exponent: beta(9, 1) } },
  none: { params: [], priors: {} },
};

/** LightweightMMM's priors for its presets (MODEL.md). */
const PRESET_PRIORS: Readonly<Record<PresetName, Readonly<Record<string, Prior>>>> = {
  hill_adstock: { lag_weight: beta(2, 1), half_max_effective_concentration: gamma(1, 1), slope: gamma(1, 1) },
  adstock: { lag_weight: beta(2, 1), exponent: beta(9, 1) },
  carryover: { ad_effect_retention_rate: beta(1, 1), peak_effect_delay: halfNormal(2), exponent: beta(9, 1) },
};

export function isPreset(model: string): model is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(model);
}

export function composedName(adstock: AdstockName, saturation: SaturationName): ComposedName {
  return `${adstock}+${saturation}`;
}

/** The adstock and saturation of a model name, or undefined when it names none. */
export function parseModelName(model: string): TransformChoice | undefined {
  if (isPreset(model)) return PRESETS[model];
  const parts = model.split("+");
  if (parts.length !== 2) return undefined;
  const [adstock, saturation] = parts;
  if (!(ADSTOCK_NAMES as readonly string[]).includes(adstock)) return undefined;
  if (!(SATURATION_NAMES as readonly string[]).includes(saturation)) return undefined;
  return { adstock: adstock as AdstockName, saturation: saturation as SaturationName };
}

export function transformsOfModel(model: string): TransformChoice {
  const choice = parseModelName(model);
  if (!choice) throw new Error(`unknown model "${model}"`);
  return choice;
}

/** Transform parameter names of a model: the adstock's then the saturation's. */
export function transformParameterNames(model: string): readonly string[] {
  const { adstock, saturation } = transformsOfModel(model);
  return [...ADSTOCK_SPECS[adstock].params, ...SATURATION_SPECS[saturation].params];
}

/** Default priors of a model's transform parameters (LightweightMMM's for the presets). */
export function transformPriors(model: string): Record<string, Prior> {
  if (isPreset(model)) return { ...PRESET_PRIORS[model] };
  const { adstock, saturation } = transformsOfModel(model);
  return { ...ADSTOCK_SPECS[adstock].priors, ...SATURATION_SPECS[saturation].priors };
}

/** Every model name: the presets, then every adstock+saturation pair. */
export const ALL_MODEL_NAMES: readonly string[] = [
  ...PRESET_NAMES,
  ...ADSTOCK_NAMES.flatMap((a) => SATURATION_NAMES.map((s) => composedName(a, s))),
];

/** Supports the transform parameters need for the model to make sense. */
export const TRANSFORM_SUPPORT: Readonly<Record<string, [number, number]>> = {
  lag_weight: [0, 1],
  ad_effect_retention_rate: [0, 1],
  peak_effect_delay: [0, Infinity],
  peak_delay: [0, Infinity],
  weibull_scale: [0, Infinity],
  weibull_shape: [0, Infinity],
  half_max_effective_concentration: [0, Infinity],
  slope: [0, Infinity],
  exponent: [0, Infinity],
  logistic_rate: [0, Infinity],
  half_saturation: [0, Infinity],
  tanh_scale: [0, Infinity],
};

/**
 * A model: one of LightweightMMM's presets ("hill_adstock", "adstock",
 * "carryover") or any adstock with any saturation, "adstock+saturation"
 * (this module).
 */
export type ModelName = PresetName | ComposedName;
