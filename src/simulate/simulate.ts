// Simulated media mix data with known parameters: realistic flighted spend,
// controls, trend and seasonality, drawn from the model itself. The true
// parameters are reported on the scale the fitted model uses (target and
// columns divided by their means over the training rows), so recovery tests
// compare like with like.

import { PhiloxRng } from "../rng/random.js";
import type { MediaDataset } from "../model/dataset.js";
import type { ScaledData } from "../model/scaledData.js";
import { ParameterLayout, type ParameterValues } from "../model/layout.js";
import { referenceLogDensity } from "../density/reference.js";
import { mediaTransformReference } from "../density/transformReference.js";
import { isPreset, transformParameterNames, transformPriors } from "../model/modelChoice.js";
import { priorQuantile } from "../model/priors.js";
import { makeStructure, mediaPriorFromCosts, type ModelName, type ModelStructure } from "../model/structure.js";

export interface SimulationOptions {
  seed: number;
  T?: number;
  channels?: number;
  extras?: number;
  model?: ModelName;
  /** Rows the scalers (and so the true values) refer to; default all. */
  trainRows?: number;
  /** Noise sd on the scaled target (default 0.05). */
  noise?: number;
  degreesSeasonality?: number;
  /** Every channel in flights (on/off bursts); by default odd channels are always on, as search often is. */
  allFlighted?: boolean;
  /** Mean length in periods of a flight and of the dark spell after it (default about 8 and 3). */
  flights?: { on: number; off: number };
  /** Each channel's spend per period while on, before seasonality and noise (default drawn from 2000 to 20000). */
  spendLevels?: number[];
  /**
   * True ROI per channel over the training rows (contribution / spend, in
   * the data's units): the coefficients are set to give it (the other draws
   * of the simulation are unchanged). Default: coefficients drawn from a range.
   */
  roi?: number[];
  /**
   * A composed model's true transform parameters drawn where their default
   * priors have their mass: each range below cut to the prior's central 80%
   * (docs/transforms.md, "Recovery"). Default: the ranges alone.
   */
  truthInPriorMass?: boolean;
}

export interface Simulation {
  dataset: MediaDataset;
  /** Total spend per channel over the training rows. */
  costs: number[];
  structure: ModelStructure;
  /** True parameters on the fitted model's scale, in MODEL.md's JSON form. */
  truth: ParameterValues;
  /** Share of the (scaled) target explained by each channel over the training rows. */
  mediaShare: number[];
}

const CHANNEL_NAMES = ["tv", "search", "social", "radio", "display", "print", "ooh", "video"];
const EXTRA_NAMES = ["price_index", "competitor_promo", "holiday", "temperature"];

/** Ranges the true transform parameters of a composed model are drawn from (per parameter name). */
const TRUTH_RANGE: Record<string, [number, number]> = {
  lag_weight: [0.2, 0.8],
  peak_delay: [0.5, 2.5],
  weibull_scale: [1.5, 3.5],
  weibull_shape: [1.2, 2.5],
  ad_effect_retention_rate: [0.3, 0.8],
  peak_effect_delay: [0.5, 2.5],
  half_max_effective_concentration: [0.5, 1.5],
  slope: [1, 2.5],
  // The exponent saturation keeps LightweightMMM's range (its Beta(9, 1) prior); root's is below.
  exponent: [0.6, 0.95],
  logistic_rate: [0.5, 2],
  half_saturation: [0.5, 1.5],
  tanh_scale: [0.5, 1.5],
};

/** The central mass of a prior that truthInPriorMass keeps: between these quantiles. */
const PRIOR_MASS: [number, number] = [0.1, 0.9];

/** The range a composed model's true parameter is drawn from, cut to its default prior's central mass when asked. */
function truthRange(model: ModelName, name: string, inPriorMass: boolean): [number, number] {
  // Root's exponent has PyMC-Marketing's Beta(1, 2) prior: a truth where that prior has its mass.
  const [lo, hi] = name === "exponent" && model.endsWith("+root") ? [0.3, 0.8] : TRUTH_RANGE[name];
  if (!inPriorMass) return [lo, hi];
  const prior = transformPriors(model)[name];
  const a = Math.max(lo, priorQuantile(prior, PRIOR_MASS[0]));
  const b = Math.min(hi, priorQuantile(prior, PRIOR_MASS[1]));
  if (!(a < b)) throw new Error(`${model}: ${name}'s simulation range [${lo}, ${hi}] misses its prior's central mass`);
  return [a, b];
}

/** True transform parameters per channel, drawn in a fixed order from `vec` (the simulation's generator). */
function transformTruth(model: ModelName, C: number, vec: (n: number, lo: number, hi: number) => number[], inPriorMass = false): ParameterValues {
  if (!isPreset(model)) {
    return Object.fromEntries(transformParameterNames(model).map((name) => [name, vec(C, ...truthRange(model, name, inPriorMass))]));
  }
  if (model === "carryover") {
    return { ad_effect_retention_rate: vec(C, 0.3, 0.8), peak_effect_delay: vec(C, 0.5, 2.5), exponent: vec(C, 0.6, 0.95) };
  }
  const lag_weight = vec(C, 0.2, 0.8);
  if (model === "hill_adstock") return { lag_weight, half_max_effective_concentration: vec(C, 0.5, 1.5), slope: vec(C, 1, 2.5) };
  return { lag_weight, exponent: vec(C, 0.6, 0.95) };
}

export function simulateDataset(o: SimulationOptions): Simulation {
  const { rng, T, C, F, model, noise, u } = simulationSetup(o, { stream: 0, T: 156, channels: 5, extras: 2 });
  const train = o.trainRows ?? T;

  // Spend: each channel has a level, flights (on/off bursts) and noise.
  if (o.spendLevels && (o.spendLevels.length !== C || !o.spendLevels.every((v) => v > 0))) throw new RangeError(`spendLevels: ${C} positive values expected`);
  if (o.flights && !(o.flights.on >= 1 && o.flights.off >= 1)) throw new RangeError(`flights: mean lengths must be at least 1 period, got ${o.flights.on} and ${o.flights.off}`);
  const { spend, levels } = flightedSpend(rng, {
    T,
    C,
    sizes: [1],
    noiseSd: 0.25,
    switchOff: o.flights ? 1 / o.flights.on : 0.12,
    switchOn: o.flights ? 1 / o.flights.off : 0.3,
    alwaysOn: (c) => c % 2 === 1 && !o.allFlighted, // search-like channels never go dark
    level: (c, drawn) => o.spendLevels?.[c] ?? drawn,
  });
  // Every channel spends in the training rows (a column of zeros cannot be scaled).
  for (let c = 0; c < C; c++) if (!spend.some((v, i) => i % C === c && i / C < train && v > 0)) spend[c] = levels[c];
  const extraRaw = extraSeries(rng, T, F, (j) => j);
  const media = byOwnMean(spend, C, train);
  const extra = byOwnMean(extraRaw, F, train);
  const { costs, structure, layout } = simulatedModel(spend, { T: train, C, G: 1, F }, model, o.degreesSeasonality);

  // Truth on a pre-normalisation scale; rescaled below so the target mean is 1.
  const pick = (lo: number, hi: number) => lo + (hi - lo) * u();
  const vec = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => pick(lo, hi));
  const truth: ParameterValues = {
    intercept: [pick(0.5, 0.7)],
    sigma: [noise],
    coef_trend: [pick(-0.0005, 0.001)],
    expo_trend: pick(0.8, 1.2),
    coef_media: vec(C, 0.04, 0.15),
    gamma_seasonality: Array.from({ length: structure.degreesSeasonality }, (_, d) => [pick(-0.06, 0.06) / (d + 1), pick(-0.06, 0.06) / (d + 1)]),
    coef_extra_features: vec(F, -0.08, 0.08),
  };
  Object.assign(truth, transformTruth(model, C, vec, o.truthInPriorMass));
  const salesUnit = 100000;
  if (o.roi) truth.coef_media = coefficientsForRoi(o.roi, structure, truth, { T, C, train, media, spend, salesUnit });

  const scaled = { T, media, extra, target: new Float64Array(T) };
  const mu = referenceLogDensity(layout, scaled, layout.unconstrainFlat(layout.readValues(truth))).mu;
  const y = new Float64Array(T);
  for (let t = 0; t < T; t++) y[t] = mu[t] + noise * rng.normal();
  let yMean = 0;
  for (let t = 0; t < train; t++) yMean += y[t];
  yMean /= train;
  // Dividing the target by its mean divides every additive term and sigma by it.
  const scaleBy = (v: number | number[] | number[][]): number | number[] | number[][] =>
    typeof v === "number" ? v / yMean : (v as (number | number[])[]).map((e) => scaleBy(e)) as number[] | number[][];
  for (const name of ["intercept", "sigma", "coef_trend", "coef_media", "gamma_seasonality", "coef_extra_features"]) {
    truth[name] = scaleBy(truth[name]);
  }
  const target = Float64Array.from(y, (v) => Math.round(v * salesUnit * 100) / 100);
  // The rounding above perturbs the mean by < 1e-7 relative; the truth is reported for the exact mean.
  // The normalised target has mean 1 over the training rows.
  const truthU = layout.unconstrainFlat(layout.readValues(truth));
  const withAll = referenceLogDensity(layout, scaled, truthU).mu;
  const shares = Array.from({ length: C }, (_, c) => mediaContributionSum(layout, scaled, truthU, withAll, c, train) / train);
  return {
    dataset: {
      T,
      targetName: "sales",
      channelNames: namesOf(CHANNEL_NAMES, C, "channel"),
      extraNames: namesOf(EXTRA_NAMES, F, "extra"),
      target,
      media: spend,
      extra: extraRaw,
      dates: Array.from({ length: T }, (_, t) => isoWeek(t)),
      frequency: "weekly",
      warnings: [],
    },
    costs,
    structure,
    truth,
    mediaShare: shares,
  };
}

/** Each channel's coef_media that gives it the ROI asked for over the training rows, under the truth's transform parameters. */
function coefficientsForRoi(
  roi: readonly number[],
  structure: ModelStructure,
  truth: ParameterValues,
  d: { T: number; C: number; train: number; media: Float64Array; spend: Float64Array; salesUnit: number },
): number[] {
  const { T, C, train, media, spend, salesUnit } = d;
  if (roi.length !== C) throw new RangeError(`roi: ${roi.length} values for ${C} channels`);
  return roi.map((r, c) => {
    const column = Array.from({ length: T }, (_, t) => media[t * C + c]);
    const f = mediaTransformReference(structure, column, (name) => (truth[name] as number[])[c]);
    let sumF = 0;
    let sumSpend = 0;
    for (let t = 0; t < train; t++) {
      sumF += f[t];
      sumSpend += spend[t * C + c];
    }
    // The target is y * salesUnit: contribution c in the data's units is coef f salesUnit.
    return (r * sumSpend) / (salesUnit * sumF);
  });
}

/** Sum over training rows of channel c's contribution: mu with and without it (the model is additive). */
function mediaContributionSum(
  layout: ParameterLayout,
  scaled: { T: number; media: Float64Array; extra: Float64Array; target: Float64Array },
  u: Float64Array,
  withAll: Float64Array,
  c: number,
  train: number,
): number {
  const C = layout.structure.nChannels;
  const media = Float64Array.from(scaled.media);
  for (let t = 0; t < scaled.T; t++) media[t * C + c] = 0;
  const without = referenceLogDensity(layout, { ...scaled, media }, u).mu;
  let s = 0;
  for (let t = 0; t < train; t++) s += withAll[t] - without[t];
  return s;
}

/** A simulation's generator (Philox stream `stream` of the seed) and its sizes, with the defaults given. */
function simulationSetup(
  o: { seed: number; T?: number; channels?: number; extras?: number; model?: ModelName; noise?: number },
  defaults: { stream: number; T: number; channels: number; extras: number },
) {
  const rng = new PhiloxRng(o.seed, defaults.stream);
  const u = () => rng.uniform();
  return {
    rng,
    u,
    T: o.T ?? defaults.T,
    C: o.channels ?? defaults.channels,
    F: o.extras ?? defaults.extras,
    model: o.model ?? "hill_adstock",
    noise: o.noise ?? 0.05,
  };
}

/** What the spend of a simulation is drawn from: the flights of each channel, shared by the geos of the given sizes. */
interface SpendSpec {
  T: number;
  C: number;
  /** Each geo's size (national data: [1]). */
  sizes: number[];
  /** Sd of the log-normal noise of each (period, geo) cell. */
  noiseSd: number;
  /** Chance per period of a flight ending and of a dark spell ending. */
  switchOff: number;
  switchOn: number;
  alwaysOn: (c: number) => boolean;
  /** A channel's level from the one drawn (default the drawn one). */
  level?: (c: number, drawn: number) => number;
}

/**
 * Spend [T][C][G] in cents: each channel a level and on/off flights (national
 * campaigns, shared by the geos), each cell the level times the geo's size,
 * seasonality and noise. The draws come in a fixed order from `rng`: per
 * channel its level, then per period the flight switch and each geo's noise.
 */
function flightedSpend(rng: PhiloxRng, p: SpendSpec): { spend: Float64Array; levels: number[] } {
  const { T, C, sizes } = p;
  const G = sizes.length;
  const spend = new Float64Array(T * C * G);
  const levels: number[] = [];
  for (let c = 0; c < C; c++) {
    const drawn = 2000 + 18000 * rng.uniform(); // drawn either way, so the other draws do not depend on given levels
    const level = p.level ? p.level(c, drawn) : drawn;
    levels.push(level);
    const alwaysOn = p.alwaysOn(c);
    let on = true;
    for (let t = 0; t < T; t++) {
      if (!alwaysOn && rng.uniform() < (on ? p.switchOff : p.switchOn)) on = !on;
      const season = 1 + 0.3 * Math.sin((2 * Math.PI * (t + 13 * c)) / 52);
      for (let g = 0; g < G; g++) {
        const v = on ? level * sizes[g] * season * Math.exp(p.noiseSd * rng.normal()) : 0;
        spend[(t * C + c) * G + g] = Math.round(v * 100) / 100;
      }
    }
  }
  return { spend, levels };
}

/** Extra features [T][n]: even features (featureOf) a price-like index, odd ones a uniform promotion intensity. */
function extraSeries(rng: PhiloxRng, T: number, n: number, featureOf: (j: number) => number): Float64Array {
  const out = new Float64Array(T * n);
  for (let j = 0; j < n; j++) {
    const f = featureOf(j);
    for (let t = 0; t < T; t++) {
      out[t * n + j] = f % 2 === 0 ? 1 + 0.08 * Math.sin((2 * Math.PI * t) / 26) + 0.03 * rng.normal() : 0.5 + 0.5 * rng.uniform();
    }
  }
  return out;
}

/** Each of the n series of a [T][n] array divided by its mean over the first `rows` periods. */
function byOwnMean(a: Float64Array, n: number, rows: number): Float64Array {
  const out = new Float64Array(a.length);
  const T = a.length / n;
  for (let j = 0; j < n; j++) {
    let m = 0;
    for (let t = 0; t < rows; t++) m += a[t * n + j];
    m /= rows;
    for (let t = 0; t < T; t++) out[t * n + j] = a[t * n + j] / m;
  }
  return out;
}

/**
 * The simulated model: costs (each channel's spend over the first T periods
 * of every geo), the structure whose media prior they set, and its layout.
 */
function simulatedModel(
  spend: Float64Array,
  dims: { T: number; C: number; G: number; F: number },
  model: ModelName,
  degreesSeasonality = 2,
  geoExtra?: boolean,
): { costs: number[]; structure: ModelStructure; layout: ParameterLayout } {
  const { T, C, G, F } = dims;
  const costs = Array.from({ length: C }, (_, c) => {
    let s = 0;
    for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) s += spend[(t * C + c) * G + g];
    return s;
  });
  const geo = geoExtra !== undefined ? { nGeos: G, geoExtra } : {};
  const structure = makeStructure({ model, nChannels: C, nExtra: F, degreesSeasonality, mediaPrior: mediaPriorFromCosts(costs, 0.15), ...geo });
  return { costs, structure, layout: new ParameterLayout(structure) };
}

/** The first n of the names given, then prefix_k. */
function namesOf(names: readonly string[], n: number, prefix: string): string[] {
  return names.slice(0, n).concat(Array.from({ length: Math.max(0, n - names.length) }, (_, i) => `${prefix}_${i + names.length}`));
}

function isoWeek(t: number): string {
  const start = Date.UTC(2022, 0, 3); // a Monday
  return new Date(start + t * 7 * 86400000).toISOString().slice(0, 10);
}

export interface GeoSimulationOptions {
  seed: number;
  T?: number;
  channels?: number;
  geos?: number;
  extras?: number;
  /** Extra features per geo ([T, F, G]) instead of national ([T, F]). */
  geoExtra?: boolean;
  model?: ModelName;
  degreesSeasonality?: number;
  /** Noise sd of each geo's scaled target (default 0.05). */
  noise?: number;
}

export interface GeoSimulation {
  /** The data as the geo loader scales it (MODEL.md): every (column, geo) series divided by its own mean. */
  data: ScaledData;
  /** The same in the user's units: spend [T][C][G], target [T][G], extra [T][F] or [T][F][G]. */
  raw: { media: Float64Array; target: Float64Array; extra: Float64Array };
  channelNames: string[];
  geoNames: string[];
  /** Total spend per channel over all geos and rows (sets the media prior). */
  costs: number[];
  structure: ModelStructure;
  /** True parameters on the scale of `data`, in MODEL.md's JSON form. */
  truth: ParameterValues;
}

/**
 * Geo data with known parameters: each geo has its own size, baseline, trend
 * and noise; the channels' effects are shared (channel_coef_media) with
 * per-geo variation (coef_media), the transforms are the channels'. The truth
 * is exact on the scaled data: every scaled target has mean 1 over the rows
 * because each geo's intercept absorbs its mean's departure from 1 (a
 * constant shift of a geo's target is a shift of its intercept).
 */
export function simulateGeoDataset(o: GeoSimulationOptions): GeoSimulation {
  const { rng, T, C, F, model, noise, u } = simulationSetup(o, { stream: 1, T: 104, channels: 3, extras: 1 });
  const G = o.geos ?? 4;
  const geoExtra = o.geoExtra ?? false;
  const pick = (lo: number, hi: number) => lo + (hi - lo) * u();

  // Spend per (channel, geo): the channel's flighting pattern, shared by the
  // geos (national campaigns), times a geo size and geo-level noise.
  const geoSize = Array.from({ length: G }, () => pick(0.3, 3));
  const { spend, levels } = flightedSpend(rng, { T, C, sizes: geoSize, noiseSd: 0.3, switchOff: 0.12, switchOn: 0.3, alwaysOn: (c) => c % 2 === 1 });
  // Every series spends at least once (a series of zeros cannot be scaled).
  for (let c = 0; c < C; c++) for (let g = 0; g < G; g++) if (spend[c * G + g] === 0) spend[c * G + g] = levels[c] * geoSize[g];
  const nExtraSeries = geoExtra ? F * G : F;
  const extraRaw = extraSeries(rng, T, nExtraSeries, (j) => (geoExtra ? Math.floor(j / G) : j));
  const media = byOwnMean(spend, C * G, T);
  const extra = byOwnMean(extraRaw, nExtraSeries, T);
  const { costs, structure, layout } = simulatedModel(spend, { T, C, G, F }, model, o.degreesSeasonality, geoExtra);

  const vec = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => pick(lo, hi));
  const signedPick = (lo: number, hi: number) => (u() < 0.5 ? -1 : 1) * pick(lo, hi);
  const channelCoef = vec(C, 0.06, 0.16);
  // Per-geo effects spread around the channel's: HalfNormal(s) has mean s sqrt(2/pi).
  const coefMedia = channelCoef.map((cc) => Array.from({ length: G }, () => cc * Math.sqrt(2 / Math.PI) * pick(0.6, 1.4)));
  const truth: ParameterValues = {
    intercept: vec(G, 0.5, 0.7),
    sigma: Array.from({ length: G }, () => noise * pick(0.8, 1.25)),
    // A visible growth (10-30% of the mean over two years): a trend of a few
    // percent leaves expo_trend to its prior volume, which piles up at 0.5.
    coef_trend: vec(G, 0.001, 0.003),
    expo_trend: pick(0.8, 1.2),
    channel_coef_media: channelCoef,
    coef_media: coefMedia,
    // Only the products coef_seasonality[g] * gamma are identified; the truth
    // splits them where the priors (HalfNormal(0.5), Normal(0, 1)) put the mass.
    gamma_seasonality: Array.from({ length: structure.degreesSeasonality }, (_, d) => [signedPick(0.05, 0.15) / (d + 1), signedPick(0.05, 0.15) / (d + 1)]),
    coef_seasonality: structure.degreesSeasonality > 0 ? vec(G, 0.2, 0.6) : [],
    coef_extra_features: geoExtra ? Array.from({ length: F }, () => vec(G, -0.08, 0.08)) : vec(F, -0.08, 0.08),
  };
  Object.assign(truth, transformTruth(model, C, vec));

  const scaled: ScaledData = { T, media, extra, target: new Float64Array(T * G), G };
  const mu = referenceLogDensity(layout, scaled, layout.unconstrainFlat(layout.readValues(truth))).mu;
  const sigma = truth.sigma as number[];
  const y = new Float64Array(T * G);
  for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) y[t * G + g] = mu[t * G + g] + sigma[g] * rng.normal();
  const intercept = truth.intercept as number[];
  for (let g = 0; g < G; g++) {
    let m = 0;
    for (let t = 0; t < T; t++) m += y[t * G + g];
    const shift = 1 - m / T;
    intercept[g] += shift;
    for (let t = 0; t < T; t++) y[t * G + g] += shift;
  }
  scaled.target = y;
  const salesUnit = Array.from({ length: G }, (_, g) => 100000 * geoSize[g]);
  const target = Float64Array.from(y, (v, i) => v * salesUnit[i % G]);
  return {
    data: scaled,
    raw: { media: spend, target, extra: extraRaw },
    channelNames: namesOf(CHANNEL_NAMES, C, "channel"),
    geoNames: Array.from({ length: G }, (_, g) => `geo_${String(g + 1).padStart(String(G).length, "0")}`),
    costs,
    structure,
    truth,
  };
}
