// What users ask of a fitted geo model, per geo and rolled up nationally (the
// sum over geos, draw by draw): predictions, fit metrics, contributions, ROI,
// marginal ROI and response curves. Draws are streamed through the geo
// evaluator, so memory grows with draws x (periods x channels + geos x
// channels) and never with draws x periods x channels x geos: per-geo values
// per period are posterior means; intervals are given for per-geo totals
// and for everything national.

import type { GeoFitRecord } from "../fit/geoFitRecord.js";
import { constrain, ParameterLayout } from "../model/layout.js";
import { PhiloxRng } from "../rng/random.js";
import { GeoPosteriorEvaluator, type GeoRows } from "./geoPosteriorEvaluator.js";
import { concatGeoRows, geoDatasetRows } from "./geoRows.js";
import {
  column,
  intervalOf,
  metricsOf,
  pooledDraws,
  summariseContributions,
  thinDraws,
  type ChannelContribution,
  type ChannelRoi,
  type Contributions,
  type FitMetrics,
  type Interval,
  type Prediction,
  type ResponseCurve,
} from "./insights.js";

const evaluators = new WeakMap<GeoFitRecord, GeoPosteriorEvaluator>();

/** One evaluator per fitted geo record (pooled draws copied once). */
export function geoEvaluatorFor(record: GeoFitRecord): GeoPosteriorEvaluator {
  let ev = evaluators.get(record);
  if (!ev) {
    ev = new GeoPosteriorEvaluator(new ParameterLayout(record.structure), record.scalers, pooledDraws(record));
    evaluators.set(record, ev);
  }
  return ev;
}

// ---------------------------------------------------------------------------
// Predictions

export interface GeoPredictOptions {
  /** Rows between the end of the data and the new rows (their carry-over counts). */
  mediaGap?: GeoRows;
  /** Add observation noise (posterior predictive, each geo its own sigma); default true. */
  includeNoise?: boolean;
  seed?: number;
  /** At most this many draws (evenly thinned); default 1000 (per-geo draws are kept for the intervals). */
  maxDraws?: number;
}

export interface GeoPrediction {
  geos: string[];
  /** Summed over geos, draw by draw. */
  national: Prediction;
  /** Per geo: mean and 94% HDI per new period. */
  perGeo: { geo: string; periods: Interval[] }[];
  drawCount: number;
}

/**
 * Posterior predictive for new dates after all stored dates, per geo and
 * summed: history (and the gap) are prepended so adstock carries over and
 * trend and seasonality continue.
 */
export function geoPredict(record: GeoFitRecord, newRows: GeoRows, options: GeoPredictOptions = {}): GeoPrediction {
  const ev = geoEvaluatorFor(record);
  ev.checkRows(newRows, "new rows");
  if (options.mediaGap) ev.checkRows(options.mediaGap, "gap rows");
  let rows = geoDatasetRows(record);
  if (options.mediaGap) rows = concatGeoRows(rows, options.mediaGap);
  const offset = rows.T;
  rows = concatGeoRows(rows, newRows);
  const G = ev.G;
  const T = newRows.T;
  const indices = thinDraws(ev.drawCount, options.maxDraws ?? 1000);
  const n = indices.length;
  const perGeo = new Float64Array(n * T * G);
  const national = new Float64Array(n * T);
  const layout = ev.layout;
  const sigmaOffset = layout.offsetOf("sigma");
  const sigmaT = layout.block("sigma").transforms;
  const rng = new PhiloxRng(options.seed ?? record.config.sampler.seed, 1_000_003);
  const noise = options.includeNoise ?? true;
  const sigma = new Float64Array(G);
  ev.forEachDraw(
    rows,
    ({ k, index, mean }) => {
      const u = ev.draws.subarray(index * layout.dim, (index + 1) * layout.dim);
      for (let g = 0; g < G; g++) sigma[g] = constrain(sigmaT[g], u[sigmaOffset + g]) * record.scalers.target[g];
      for (let t = 0; t < T; t++) {
        let sum = 0;
        for (let g = 0; g < G; g++) {
          const v = mean[(offset + t) * G + g] + (noise ? sigma[g] * rng.normal() : 0);
          perGeo[(k * T + t) * G + g] = v;
          sum += v;
        }
        national[k * T + t] = sum;
      }
    },
    indices,
    false,
  );
  const values = new Float64Array(n);
  return {
    geos: record.dataset.geoNames,
    national: { periods: Array.from({ length: T }, (_, t) => intervalOf(column(national, n, T, t))), draws: national, drawCount: n },
    perGeo: record.dataset.geoNames.map((geo, g) => ({
      geo,
      periods: Array.from({ length: T }, (_, t) => {
        for (let k = 0; k < n; k++) values[k] = perGeo[(k * T + t) * G + g];
        return intervalOf(values);
      }),
    })),
    drawCount: n,
  };
}

// ---------------------------------------------------------------------------
// Fit metrics

/** Fit metrics from draws streamed one at a time (the same formulas as metricsOf). */
class StreamingMetrics {
  private readonly pm: Float64Array;
  private bayes = 0;
  private n = 0;
  private readonly pred: Float64Array;

  constructor(private readonly actual: Float64Array) {
    this.pm = new Float64Array(actual.length);
    this.pred = new Float64Array(actual.length);
  }

  /** One draw's mean; `at(t)` gives period t of the rows measured. */
  add(at: (t: number) => number): void {
    const { actual, pm, pred } = this;
    const T = actual.length;
    let mp = 0;
    let mr = 0;
    for (let t = 0; t < T; t++) {
      const v = (pred[t] = at(t));
      pm[t] += v;
      mp += v / T;
      mr += (actual[t] - v) / T;
    }
    let vp = 0;
    let vr = 0;
    for (let t = 0; t < T; t++) {
      vp += (pred[t] - mp) ** 2;
      vr += (actual[t] - pred[t] - mr) ** 2;
    }
    this.bayes += vp / (vp + vr);
    this.n++;
  }

  result(): FitMetrics {
    const { actual, n } = this;
    // metricsOf with one "draw", the posterior mean, gives the point metrics.
    const point = metricsOf(actual, this.pm.map((v) => v / n), 1);
    return { ...point, bayesian_r2: this.bayes / n };
  }
}

export interface GeoFitMetrics {
  /** The national roll-up: actual and predicted summed over geos. */
  national: { train: FitMetrics; test?: FitMetrics };
  perGeo: { geo: string; train: FitMetrics; test?: FitMetrics }[];
}

export function geoFitMetrics(record: GeoFitRecord): GeoFitMetrics {
  const ev = geoEvaluatorFor(record);
  const d = record.dataset;
  const { T, G } = d;
  const tr = record.trainRows;
  const ranges: [number, number][] = tr < T ? [[0, tr], [tr, T]] : [[0, T]];
  const nationalActual = new Float64Array(T);
  for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) nationalActual[t] += d.target[t * G + g];
  const geoActual = (g: number, a: number, b: number) => Float64Array.from({ length: b - a }, (_, i) => d.target[(a + i) * G + g]);
  const perGeo = d.geoNames.map((_, g) => ranges.map(([a, b]) => new StreamingMetrics(geoActual(g, a, b))));
  const national = ranges.map(([a, b]) => new StreamingMetrics(nationalActual.slice(a, b)));
  const natMean = new Float64Array(T);
  ev.forEachDraw(
    geoDatasetRows(record),
    ({ mean }) => {
      for (let t = 0; t < T; t++) {
        let s = 0;
        for (let g = 0; g < G; g++) s += mean[t * G + g];
        natMean[t] = s;
      }
      ranges.forEach(([a], r) => {
        national[r].add((t) => natMean[a + t]);
        for (let g = 0; g < G; g++) perGeo[g][r].add((t) => mean[(a + t) * G + g]);
      });
    },
    undefined,
    false,
  );
  const pack = (m: StreamingMetrics[]) => (m.length > 1 ? { train: m[0].result(), test: m[1].result() } : { train: m[0].result() });
  return { national: pack(national), perGeo: d.geoNames.map((geo, g) => ({ geo, ...pack(perGeo[g]) })) };
}

// ---------------------------------------------------------------------------
// Contributions and ROI (one pass over the draws, shared)

export interface GeoPeriodMeans {
  index: number;
  date?: string;
  actual: number;
  /** Posterior means (target units). */
  prediction: number;
  baseline: number;
  media: number[];
}

export interface GeoContributions {
  channels: string[];
  geos: string[];
  /** Summed over geos, draw by draw: per-period and total intervals. */
  national: Contributions;
  perGeo: {
    geo: string;
    /** Per training period: posterior means. */
    periods: GeoPeriodMeans[];
    /** Summed over the training periods: intervals. */
    totals: { baseline: Interval; media: ChannelContribution[]; prediction: Interval };
  }[];
}

interface ContributionPass {
  n: number;
  /** National per draw and period: mean [n][T], media [n][T][C]. */
  nationalMean: Float64Array;
  nationalMedia: Float64Array;
  /** Per draw and geo, summed over the training periods: prediction [n][G], media [n][G][C]. */
  geoPred: Float64Array;
  geoMedia: Float64Array;
  /** Posterior sums per period and geo: prediction [T][G], media [T][C][G]. */
  sumPred: Float64Array;
  sumMedia: Float64Array;
}

const passes = new WeakMap<GeoFitRecord, ContributionPass>();

/** Streams every draw over the training dates once, keeping sums and per-draw totals. */
function contributionPass(record: GeoFitRecord): ContributionPass {
  const cached = passes.get(record);
  if (cached) return cached;
  const ev = geoEvaluatorFor(record);
  const { C, G } = ev;
  const T = record.trainRows;
  const n = ev.drawCount;
  const p: ContributionPass = {
    n,
    nationalMean: new Float64Array(n * T),
    nationalMedia: new Float64Array(n * T * C),
    geoPred: new Float64Array(n * G),
    geoMedia: new Float64Array(n * G * C),
    sumPred: new Float64Array(T * G),
    sumMedia: new Float64Array(T * C * G),
  };
  ev.forEachDraw(geoDatasetRows(record, 0, T), ({ k, mean, contributions }) => {
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let g = 0; g < G; g++) {
        const v = mean[t * G + g];
        s += v;
        p.sumPred[t * G + g] += v;
        p.geoPred[k * G + g] += v;
      }
      p.nationalMean[k * T + t] = s;
      for (let c = 0; c < C; c++) {
        let m = 0;
        for (let g = 0; g < G; g++) {
          const v = contributions[(t * C + c) * G + g];
          m += v;
          p.sumMedia[(t * C + c) * G + g] += v;
          p.geoMedia[(k * G + g) * C + c] += v;
        }
        p.nationalMedia[(k * T + t) * C + c] = m;
      }
    }
  });
  passes.set(record, p);
  return p;
}

/** Contributions over the training dates, per geo and national. */
export function geoContributions(record: GeoFitRecord): GeoContributions {
  const d = record.dataset;
  const { G } = d;
  const C = d.channelNames.length;
  const T = record.trainRows;
  const p = contributionPass(record);
  const n = p.n;
  const nationalActual = new Float64Array(T);
  for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) nationalActual[t] += d.target[t * G + g];
  const national = summariseContributions(
    { draws: n, T, C, mean: p.nationalMean, contributions: p.nationalMedia },
    d.channelNames,
    nationalActual,
    d.dates,
    0,
    T,
  );
  const pred = new Float64Array(n);
  const base = new Float64Array(n);
  const media = new Float64Array(n);
  const perGeo = d.geoNames.map((geo, g) => {
    for (let k = 0; k < n; k++) {
      pred[k] = p.geoPred[k * G + g];
      let m = 0;
      for (let c = 0; c < C; c++) m += p.geoMedia[(k * G + g) * C + c];
      base[k] = pred[k] - m;
    }
    const prediction = intervalOf(pred);
    const channels: ChannelContribution[] = d.channelNames.map((channel, c) => {
      for (let k = 0; k < n; k++) media[k] = p.geoMedia[(k * G + g) * C + c];
      const iv = intervalOf(media);
      return { channel, ...iv, share: iv.mean / prediction.mean };
    });
    const periods: GeoPeriodMeans[] = Array.from({ length: T }, (_, t) => {
      const ms = d.channelNames.map((_, c) => p.sumMedia[(t * C + c) * G + g] / n);
      const pr = p.sumPred[t * G + g] / n;
      return { index: t, date: d.dates[t], actual: d.target[t * G + g], prediction: pr, baseline: pr - ms.reduce((a, b) => a + b, 0), media: ms };
    });
    return { geo, periods, totals: { baseline: intervalOf(base), media: channels, prediction } };
  });
  return { channels: d.channelNames, geos: d.geoNames, national, perGeo };
}

export interface GeoRoi {
  national: ChannelRoi[];
  perGeo: { geo: string; channels: ChannelRoi[] }[];
}

/** Spend per channel and geo over the training dates, [C][G]. */
function trainingSpend(record: GeoFitRecord): Float64Array {
  const d = record.dataset;
  const C = d.channelNames.length;
  const out = new Float64Array(C * d.G);
  for (let t = 0; t < record.trainRows; t++) for (let j = 0; j < C * d.G; j++) out[j] += d.media[t * C * d.G + j];
  return out;
}

/** ROI per channel (contribution / spend over the training dates), per geo and national. */
export function geoRoi(record: GeoFitRecord): GeoRoi {
  const d = record.dataset;
  const { G } = d;
  const C = d.channelNames.length;
  const T = record.trainRows;
  const p = contributionPass(record);
  const n = p.n;
  const spend = trainingSpend(record);
  const national = d.channelNames.map((channel, c) => {
    let total = 0;
    for (let g = 0; g < G; g++) total += spend[c * G + g];
    const draws = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += p.nationalMedia[(k * T + t) * C + c];
      draws[k] = s / total;
    }
    return { channel, spend: total, ...intervalOf(draws), draws };
  });
  const perGeo = d.geoNames.map((geo, g) => ({
    geo,
    channels: d.channelNames.map((channel, c) => {
      const s = spend[c * G + g];
      const draws = new Float64Array(n);
      // A channel that never spent in a geo has no ROI there (0/0): NaN, not a made-up number.
      for (let k = 0; k < n; k++) draws[k] = s > 0 ? p.geoMedia[(k * G + g) * C + c] / s : NaN;
      const iv = s > 0 ? intervalOf(draws) : { mean: NaN, "hdi_3%": NaN, "hdi_97%": NaN };
      return { channel, spend: s, ...iv, draws };
    }),
  }));
  return { national, perGeo };
}

// ---------------------------------------------------------------------------
// National what-ifs: a channel's spend scaled in every geo alike (the split
// across geos stays the historical one)

/** KPI summed over the rows and geos, per draw. */
function summedKpi(ev: GeoPosteriorEvaluator, rows: GeoRows, indices?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices ? indices.length : ev.drawCount);
  ev.forEachDraw(
    rows,
    ({ k, mean }) => {
      let s = 0;
      for (let i = 0; i < mean.length; i++) s += mean[i];
      out[k] = s;
    },
    indices,
    false,
  );
  return out;
}

function scaleGeoChannel(rows: GeoRows, C: number, G: number, c: number, factor: number): GeoRows {
  const media = Float64Array.from(rows.media);
  for (let t = 0; t < rows.T; t++) for (let g = 0; g < G; g++) media[(t * C + c) * G + g] *= factor;
  return { ...rows, media };
}

/** National marginal ROI per channel: extra KPI per extra unit of spend at relativeStep more spend in every geo. */
export function geoMarginalRoi(record: GeoFitRecord, relativeStep = 0.01): ChannelRoi[] {
  const ev = geoEvaluatorFor(record);
  const rows = geoDatasetRows(record, 0, record.trainRows);
  const { C, G } = ev;
  const spend = trainingSpend(record);
  const base = summedKpi(ev, rows);
  return record.dataset.channelNames.map((channel, c) => {
    let total = 0;
    for (let g = 0; g < G; g++) total += spend[c * G + g];
    const up = summedKpi(ev, scaleGeoChannel(rows, C, G, c, 1 + relativeStep));
    const d = up.map((v, k) => (v - base[k]) / (relativeStep * total));
    return { channel, spend: total, ...intervalOf(d), draws: d };
  });
}

/** National response curves: KPI over the training dates and all geos as a channel's spend is scaled in every geo. */
export function geoResponseCurves(record: GeoFitRecord, options: { multipliers?: number[]; maxDraws?: number } = {}): ResponseCurve[] {
  const multipliers = options.multipliers ?? Array.from({ length: 21 }, (_, i) => i / 10);
  const ev = geoEvaluatorFor(record);
  const indices = thinDraws(ev.drawCount, options.maxDraws ?? 1000);
  const rows = geoDatasetRows(record, 0, record.trainRows);
  const { C, G } = ev;
  const spend = trainingSpend(record);
  return record.dataset.channelNames.map((channel, c) => {
    let total = 0;
    for (let g = 0; g < G; g++) total += spend[c * G + g];
    const zero = summedKpi(ev, scaleGeoChannel(rows, C, G, c, 0), indices);
    return {
      channel,
      currentSpend: total,
      points: multipliers.map((m) => {
        const kpi = m === 0 ? zero : summedKpi(ev, scaleGeoChannel(rows, C, G, c, m), indices);
        return { multiplier: m, spend: m * total, kpi: intervalOf(kpi), incremental: intervalOf(kpi.map((v, k) => v - zero[k])) };
      }),
    };
  });
}
