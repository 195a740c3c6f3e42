// Simulated media mix data with known parameters: realistic flighted spend,
// controls, trend and seasonality, drawn from the model itself. The true
// parameters are reported on the scale the fitted model uses (target and
// columns divided by their means over the training rows), so recovery tests
// compare like with like.

import { PhiloxRng } from "../rng/random.js";
import type { MediaDataset } from "./dataset.js";
import { ParameterLayout, type ParameterValues } from "./layout.js";
import { referenceLogDensity } from "../density/reference.js";
import { makeStructure, mediaPriorFromCosts, type ModelName, type ModelStructure } from "./structure.js";

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

export function simulateDataset(o: SimulationOptions): Simulation {
  const rng = new PhiloxRng(o.seed, 0);
  const T = o.T ?? 156;
  const C = o.channels ?? 5;
  const F = o.extras ?? 2;
  const train = o.trainRows ?? T;
  const model = o.model ?? "hill_adstock";
  const noise = o.noise ?? 0.05;
  const u = () => rng.uniform();

  // Spend: each channel has a level, flights (on/off bursts) and noise.
  const spend = new Float64Array(T * C);
  for (let c = 0; c < C; c++) {
    const level = 2000 + 18000 * u();
    const alwaysOn = c % 2 === 1; // search-like channels never go dark
    let on = true;
    for (let t = 0; t < T; t++) {
      if (!alwaysOn && u() < (on ? 0.12 : 0.3)) on = !on;
      const season = 1 + 0.3 * Math.sin((2 * Math.PI * (t + 13 * c)) / 52);
      const v = on ? level * season * Math.exp(0.25 * rng.normal()) : 0;
      spend[t * C + c] = Math.round(v * 100) / 100;
    }
    // Every channel spends in the training rows (a column of zeros cannot be scaled).
    if (!spend.some((v, i) => i % C === c && i / C < train && v > 0)) spend[c] = level;
  }
  const extraRaw = new Float64Array(T * F);
  for (let f = 0; f < F; f++) {
    for (let t = 0; t < T; t++) {
      extraRaw[t * F + f] =
        f % 2 === 0 ? 1 + 0.08 * Math.sin((2 * Math.PI * t) / 26) + 0.03 * rng.normal() : 0.5 + 0.5 * u();
    }
  }
  const colMean = (a: Float64Array, n: number, j: number) => {
    let s = 0;
    for (let t = 0; t < train; t++) s += a[t * n + j];
    return s / train;
  };
  const media = new Float64Array(T * C);
  for (let c = 0; c < C; c++) {
    const m = colMean(spend, C, c);
    for (let t = 0; t < T; t++) media[t * C + c] = spend[t * C + c] / m;
  }
  const extra = new Float64Array(T * F);
  for (let f = 0; f < F; f++) {
    const m = colMean(extraRaw, F, f);
    for (let t = 0; t < T; t++) extra[t * F + f] = extraRaw[t * F + f] / m;
  }
  const costs = Array.from({ length: C }, (_, c) => {
    let s = 0;
    for (let t = 0; t < train; t++) s += spend[t * C + c];
    return s;
  });
  const structure = makeStructure({
    model,
    nChannels: C,
    nExtra: F,
    degreesSeasonality: o.degreesSeasonality ?? 2,
    mediaPrior: mediaPriorFromCosts(costs, 0.15),
  });
  const layout = new ParameterLayout(structure);

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
  if (model === "carryover") {
    truth.ad_effect_retention_rate = vec(C, 0.3, 0.8);
    truth.peak_effect_delay = vec(C, 0.5, 2.5);
    truth.exponent = vec(C, 0.6, 0.95);
  } else {
    truth.lag_weight = vec(C, 0.2, 0.8);
    if (model === "hill_adstock") {
      truth.half_max_effective_concentration = vec(C, 0.5, 1.5);
      truth.slope = vec(C, 1, 2.5);
    } else truth.exponent = vec(C, 0.6, 0.95);
  }

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
  const salesUnit = 100000;
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
      channelNames: CHANNEL_NAMES.slice(0, C).concat(Array.from({ length: Math.max(0, C - CHANNEL_NAMES.length) }, (_, i) => `channel_${i + CHANNEL_NAMES.length}`)),
      extraNames: EXTRA_NAMES.slice(0, F).concat(Array.from({ length: Math.max(0, F - EXTRA_NAMES.length) }, (_, i) => `extra_${i + EXTRA_NAMES.length}`)),
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

function isoWeek(t: number): string {
  const start = Date.UTC(2022, 0, 3); // a Monday
  return new Date(start + t * 7 * 86400000).toISOString().slice(0, 10);
}
