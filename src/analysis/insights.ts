// What users ask of a fitted model, in their own units: predictions, fit
// metrics, contributions, ROI, marginal ROI and response curves. Each answer
// is a distribution over posterior draws, summarised by mean and 94% HDI.

import { hdi } from "../diagnostics/index.js";
import { PhiloxRng } from "../rng/random.js";
import { InputError } from "../errors.js";
import type { FitRecord } from "../fit/record.js";
import { constrain, ParameterLayout } from "../model/layout.js";
import { PosteriorEvaluator, type Rows } from "./posteriorEvaluator.js";

export interface Interval {
  mean: number;
  "hdi_3%": number;
  "hdi_97%": number;
}

export function intervalOf(values: Float64Array): Interval {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  const h = hdi(values, 0.94);
  return { mean: s / values.length, "hdi_3%": h.low, "hdi_97%": h.high };
}

/** All chains' unconstrained draws, concatenated. */
export function pooledDraws(record: { chains: FitRecord["chains"] }): Float64Array {
  const total = record.chains.reduce((a, c) => a + c.draws.length, 0);
  const out = new Float64Array(total);
  let k = 0;
  for (const c of record.chains) {
    out.set(c.draws, k);
    k += c.draws.length;
  }
  return out;
}

const evaluators = new WeakMap<FitRecord, PosteriorEvaluator>();

/** One evaluator per fitted record: the pooled draws are copied once, not per question. */
export function evaluatorFor(record: FitRecord): PosteriorEvaluator {
  let ev = evaluators.get(record);
  if (!ev) {
    ev = new PosteriorEvaluator(new ParameterLayout(record.structure), record.scalers, pooledDraws(record));
    evaluators.set(record, ev);
  }
  return ev;
}

/** Rows [start, end) of the stored dataset. */
export function datasetRows(record: FitRecord, start = 0, end = record.dataset.T): Rows {
  const d = record.dataset;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  return { T: end - start, media: d.media.slice(start * C, end * C), extra: d.extra.slice(start * F, end * F) };
}

function concatRows(a: Rows, b: Rows, C: number, F: number): Rows {
  const media = new Float64Array((a.T + b.T) * C);
  media.set(a.media);
  media.set(b.media, a.T * C);
  const extra = new Float64Array((a.T + b.T) * F);
  extra.set(a.extra);
  extra.set(b.extra, a.T * F);
  return { T: a.T + b.T, media, extra };
}

/** Evenly spaced draw indices, at most `max` of them (deterministic thinning). */
export function thinDraws(total: number, max?: number): number[] {
  if (max === undefined || max >= total) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * total) / max));
}

export function column(values: Float64Array, n: number, stride: number, offset: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = values[k * stride + offset];
  return out;
}

// ---------------------------------------------------------------------------

export interface PredictOptions {
  /** Media and extra rows between the end of the data and the new rows (their carry-over counts). */
  mediaGap?: Rows;
  /** Add observation noise (posterior predictive); default true. */
  includeNoise?: boolean;
  seed?: number;
  /** At most this many draws (evenly thinned); default all. */
  maxDraws?: number;
}

export interface Prediction {
  /** Per new period: mean and 94% HDI in target units. */
  periods: Interval[];
  /** Draws [draws][T] in target units. */
  draws: Float64Array;
  drawCount: number;
}

/**
 * Posterior predictive for new rows after all stored rows (training and
 * test): history (and the gap) are prepended so adstock carries over and
 * trend and seasonality continue.
 */
export function predict(record: FitRecord, newRows: Rows, options: PredictOptions = {}): Prediction {
  const C = record.dataset.channelNames.length;
  const F = record.dataset.extraNames.length;
  if (newRows.media.length !== newRows.T * C) throw new InputError(`new media has ${newRows.media.length / Math.max(1, newRows.T)} columns per row, the model has ${C} channels`);
  if (newRows.extra.length !== newRows.T * F) throw new InputError(`new extra features have the wrong shape: the model has ${F} extra features`);
  let rows = datasetRows(record);
  if (options.mediaGap) rows = concatRows(rows, options.mediaGap, C, F);
  const offset = rows.T;
  rows = concatRows(rows, newRows, C, F);
  return predictRows(record, rows, offset, options);
}

/** Predictions for rows [offset, rows.T) of a full row set starting at period 0. */
export function predictRows(record: FitRecord, rows: Rows, offset: number, options: PredictOptions = {}): Prediction {
  const ev = evaluatorFor(record);
  const indices = thinDraws(ev.drawCount, options.maxDraws);
  const res = ev.evaluate(rows, indices);
  const n = res.draws;
  const T = rows.T - offset;
  const out = new Float64Array(n * T);
  const layout = ev.layout;
  const sigmaIdx = layout.offsetOf("sigma");
  const sigmaT = layout.block("sigma").transforms[0];
  const rng = new PhiloxRng(options.seed ?? record.config.sampler.seed, 1_000_003);
  const noise = options.includeNoise ?? true;
  for (let k = 0; k < n; k++) {
    const u = ev.draws[indices[k] * layout.dim + sigmaIdx];
    const sigma = constrain(sigmaT, u) * record.scalers.target;
    for (let t = 0; t < T; t++) {
      out[k * T + t] = res.mean[k * rows.T + offset + t] + (noise ? sigma * rng.normal() : 0);
    }
  }
  const periods = Array.from({ length: T }, (_, t) => intervalOf(column(out, n, T, t)));
  return { periods, draws: out, drawCount: n };
}

// ---------------------------------------------------------------------------

export interface FitMetrics {
  /** 1 - SS_res / SS_tot of the posterior-mean prediction. */
  r2: number;
  /** Bayesian R^2 (Gelman et al. 2019): mean over draws of var(pred) / (var(pred) + var(resid)). */
  bayesian_r2: number;
  /** Mean absolute percentage error of the posterior-mean prediction, in percent. */
  mape: number;
  /** Weighted MAPE: sum |error| / sum |actual|, in percent. */
  wmape: number;
  periods: number;
}

export function metricsOf(actual: Float64Array, meanDraws: Float64Array, n: number): FitMetrics {
  const T = actual.length;
  const pm = new Float64Array(T);
  for (let k = 0; k < n; k++) for (let t = 0; t < T; t++) pm[t] += meanDraws[k * T + t] / n;
  let ybar = 0;
  for (let t = 0; t < T; t++) ybar += actual[t] / T;
  let ssRes = 0;
  let ssTot = 0;
  let ape = 0;
  let absErr = 0;
  let absAct = 0;
  for (let t = 0; t < T; t++) {
    const e = actual[t] - pm[t];
    ssRes += e * e;
    ssTot += (actual[t] - ybar) ** 2;
    ape += actual[t] !== 0 ? Math.abs(e / actual[t]) : 0;
    absErr += Math.abs(e);
    absAct += Math.abs(actual[t]);
  }
  let bayes = 0;
  for (let k = 0; k < n; k++) {
    let mp = 0;
    let mr = 0;
    for (let t = 0; t < T; t++) {
      mp += meanDraws[k * T + t] / T;
      mr += (actual[t] - meanDraws[k * T + t]) / T;
    }
    let vp = 0;
    let vr = 0;
    for (let t = 0; t < T; t++) {
      vp += (meanDraws[k * T + t] - mp) ** 2;
      vr += (actual[t] - meanDraws[k * T + t] - mr) ** 2;
    }
    bayes += vp / (vp + vr) / n;
  }
  return { r2: 1 - ssRes / ssTot, bayesian_r2: bayes, mape: (100 * ape) / T, wmape: (100 * absErr) / absAct, periods: T };
}

export function fitMetrics(record: FitRecord): { train: FitMetrics; test?: FitMetrics } {
  const ev = evaluatorFor(record);
  const all = datasetRows(record);
  const res = ev.evaluate(all);
  const n = res.draws;
  const T = all.T;
  const split = (start: number, end: number) => {
    const len = end - start;
    const m = new Float64Array(n * len);
    for (let k = 0; k < n; k++) for (let t = 0; t < len; t++) m[k * len + t] = res.mean[k * T + start + t];
    return metricsOf(record.dataset.target.slice(start, end), m, n);
  };
  const train = split(0, record.trainRows);
  return record.trainRows < T ? { train, test: split(record.trainRows, T) } : { train };
}

// ---------------------------------------------------------------------------

export interface ChannelContribution extends Interval {
  channel: string;
  /** Share of the summed prediction over the rows (posterior mean). */
  share: number;
}

export interface Contributions {
  channels: string[];
  /** Per period: baseline and each channel, in target units. */
  periods: { index: number; date?: string; actual: number; prediction: Interval; baseline: Interval; media: Interval[] }[];
  /** Summed over the rows. */
  totals: { baseline: Interval; media: ChannelContribution[]; prediction: Interval };
}

/** Contributions over the training rows (or [start, end)). */
export function contributions(record: FitRecord, start = 0, end = record.trainRows): Contributions {
  const ev = evaluatorFor(record);
  const rows = datasetRows(record, 0, end);
  const res = ev.evaluate(rows);
  return summariseContributions(res, record.dataset.channelNames, record.dataset.target, record.dataset.dates, start, end);
}

/**
 * Contributions from per-draw means [draws][T] and media contributions
 * [draws][T][C] (target units) over periods [start, end) of them: per-period
 * and summed intervals. Shared by national fits and geo roll-ups.
 */
export function summariseContributions(
  res: { draws: number; T: number; C: number; mean: Float64Array; contributions: Float64Array },
  names: string[],
  actual: ArrayLike<number>,
  dates: string[] | undefined,
  start: number,
  end: number,
): Contributions {
  const { draws: n, C, T } = res;
  const periods: Contributions["periods"] = [];
  const totalMedia = new Float64Array(n * C);
  const totalBase = new Float64Array(n);
  const totalPred = new Float64Array(n);
  const base = new Float64Array(n);
  const ch = Array.from({ length: C }, () => new Float64Array(n));
  const pred = new Float64Array(n);
  for (let t = start; t < end; t++) {
    for (let k = 0; k < n; k++) {
      const mu = res.mean[k * T + t];
      let media = 0;
      for (let c = 0; c < C; c++) {
        const v = res.contributions[(k * T + t) * C + c];
        ch[c][k] = v;
        media += v;
        totalMedia[k * C + c] += v;
      }
      base[k] = mu - media;
      pred[k] = mu;
      totalBase[k] += mu - media;
      totalPred[k] += mu;
    }
    periods.push({
      index: t,
      date: dates?.[t],
      actual: actual[t],
      prediction: intervalOf(pred),
      baseline: intervalOf(base),
      media: ch.map((v) => intervalOf(v)),
    });
  }
  const predMean = intervalOf(totalPred);
  return {
    channels: names,
    periods,
    totals: {
      baseline: intervalOf(totalBase),
      prediction: predMean,
      media: names.map((channel, c) => {
        const iv = intervalOf(column(totalMedia, n, C, c));
        return { channel, ...iv, share: iv.mean / predMean.mean };
      }),
    },
  };
}

// ---------------------------------------------------------------------------

export interface ChannelRoi extends Interval {
  channel: string;
  spend: number;
  /** Posterior draws of the ROI. */
  draws: Float64Array;
}

function spendOver(record: FitRecord, rows: Rows, c: number): number {
  const C = record.dataset.channelNames.length;
  let s = 0;
  for (let t = 0; t < rows.T; t++) s += rows.media[t * C + c];
  return s;
}

/** ROI per channel: contribution summed over the training rows / spend over them. */
export function roi(record: FitRecord): ChannelRoi[] {
  const ev = evaluatorFor(record);
  const rows = datasetRows(record, 0, record.trainRows);
  const res = ev.evaluate(rows);
  const { draws: n, C, T } = res;
  return record.dataset.channelNames.map((channel, c) => {
    const spend = spendOver(record, rows, c);
    const d = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += res.contributions[(k * T + t) * C + c];
      d[k] = s / spend;
    }
    return { channel, spend, ...intervalOf(d), draws: d };
  });
}

function summedMean(res: { draws: number; T: number; mean: Float64Array }): Float64Array {
  const out = new Float64Array(res.draws);
  for (let k = 0; k < res.draws; k++) {
    let s = 0;
    for (let t = 0; t < res.T; t++) s += res.mean[k * res.T + t];
    out[k] = s;
  }
  return out;
}

function scaleChannel(rows: Rows, C: number, c: number, factor: number): Rows {
  const media = Float64Array.from(rows.media);
  for (let t = 0; t < rows.T; t++) media[t * C + c] *= factor;
  return { ...rows, media };
}

/**
 * Marginal ROI per channel: extra KPI per extra unit of spend when the
 * channel's spend over the training rows rises by `relativeStep` (default 1%).
 */
export function marginalRoi(record: FitRecord, relativeStep = 0.01): ChannelRoi[] {
  const ev = evaluatorFor(record);
  const rows = datasetRows(record, 0, record.trainRows);
  const C = record.dataset.channelNames.length;
  const base = summedMean(ev.evaluate(rows));
  return record.dataset.channelNames.map((channel, c) => {
    const spend = spendOver(record, rows, c);
    const up = summedMean(ev.evaluate(scaleChannel(rows, C, c, 1 + relativeStep)));
    const d = up.map((v, k) => (v - base[k]) / (relativeStep * spend));
    return { channel, spend, ...intervalOf(d), draws: d };
  });
}

export interface ResponseCurve {
  channel: string;
  /** Historical spend over the training rows. */
  currentSpend: number;
  points: { multiplier: number; spend: number; kpi: Interval; incremental: Interval }[];
}

/**
 * KPI summed over the training rows as channel c's spend is scaled by each
 * multiplier (default 0 to 2 in steps of 0.1), other channels as they were.
 */
export function responseCurves(
  record: FitRecord,
  options: { multipliers?: number[]; maxDraws?: number } = {},
): ResponseCurve[] {
  const multipliers = options.multipliers ?? Array.from({ length: 21 }, (_, i) => i / 10);
  const ev = evaluatorFor(record);
  const indices = thinDraws(ev.drawCount, options.maxDraws ?? 1000);
  const rows = datasetRows(record, 0, record.trainRows);
  const C = record.dataset.channelNames.length;
  return record.dataset.channelNames.map((channel, c) => {
    const spend = spendOver(record, rows, c);
    const zero = summedMean(ev.evaluate(scaleChannel(rows, C, c, 0), indices));
    return {
      channel,
      currentSpend: spend,
      points: multipliers.map((m) => {
        const kpi = m === 0 ? zero : summedMean(ev.evaluate(scaleChannel(rows, C, c, m), indices));
        return { multiplier: m, spend: m * spend, kpi: intervalOf(kpi), incremental: intervalOf(kpi.map((v, k) => v - zero[k])) };
      }),
    };
  });
}
