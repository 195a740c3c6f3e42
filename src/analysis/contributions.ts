// Contributions over the training periods: the baseline and each channel's
// media effect, per period and summed, in target units. For the whole model
// (summed over geos, draw by draw) with intervals, and for a geo model per
// geo: per-period posterior means and summed intervals. One pass over the
// draws, cached per record and shared with ROI: memory grows with draws x
// (periods x channels + geos x channels), never with draws x periods x
// channels x geos.

import { column, intervalOf, type Interval } from "./intervals.js";
import { datasetRows, panelOf, type AnyFitRecord } from "./panel.js";
import { evaluatorFor } from "./posteriorEvaluator.js";

export interface ChannelContribution extends Interval {
  channel: string;
  /** Share of the summed prediction over the rows (posterior mean). */
  share: number;
}

export interface ContributionTotals {
  baseline: Interval;
  media: ChannelContribution[];
  prediction: Interval;
}

export interface Contributions {
  channels: string[];
  /** Per period: baseline and each channel, in target units. */
  periods: { index: number; date?: string; actual: number; prediction: Interval; baseline: Interval; media: Interval[] }[];
  /** Summed over the rows. */
  totals: ContributionTotals;
}

export interface GeoPeriodMeans {
  index: number;
  date?: string;
  actual: number;
  /** Posterior means (target units). */
  prediction: number;
  baseline: number;
  media: number[];
}

export interface PanelContributions {
  channels: string[];
  geos: string[];
  /** Summed over geos, draw by draw: per-period and total intervals (a national model's contributions). */
  national: Contributions;
  /** Per geo (empty for a national model). */
  perGeo: {
    geo: string;
    /** Per training period: posterior means. */
    periods: GeoPeriodMeans[];
    /** Summed over the training periods: intervals. */
    totals: ContributionTotals;
  }[];
}

export interface ContributionPass {
  n: number;
  /** Summed over geos per draw and period: mean [n][T], media [n][T][C]. */
  totalMean: Float64Array;
  totalMedia: Float64Array;
  /** Per draw and geo, summed over the training periods: prediction [n][G], media [n][G][C]. */
  geoPred: Float64Array;
  geoMedia: Float64Array;
  /** Posterior sums per period and geo: prediction [T][G], media [T][C][G]. */
  sumPred: Float64Array;
  sumMedia: Float64Array;
}

const passes = new WeakMap<AnyFitRecord, ContributionPass>();

/**
 * Streams every draw over periods [0, end) once, keeping sums and per-draw
 * totals of periods [start, end) (default: the training periods, cached).
 */
export function contributionPass(record: AnyFitRecord, start = 0, end = record.trainRows): ContributionPass {
  const training = start === 0 && end === record.trainRows;
  const cached = training ? passes.get(record) : undefined;
  if (cached) return cached;
  const ev = evaluatorFor(record);
  const { C, G } = ev;
  const T = end;
  const n = ev.drawCount;
  const p: ContributionPass = {
    n,
    totalMean: new Float64Array(n * T),
    totalMedia: new Float64Array(n * T * C),
    geoPred: new Float64Array(n * G),
    geoMedia: new Float64Array(n * G * C),
    sumPred: new Float64Array(T * G),
    sumMedia: new Float64Array(T * C * G),
  };
  ev.forEachDraw(datasetRows(record, 0, T), ({ k, mean, contributions }) => {
    for (let t = start; t < T; t++) {
      let s = 0;
      for (let g = 0; g < G; g++) {
        const v = mean[t * G + g];
        s += v;
        p.sumPred[t * G + g] += v;
        p.geoPred[k * G + g] += v;
      }
      p.totalMean[k * T + t] = s;
      for (let c = 0; c < C; c++) {
        let m = 0;
        for (let g = 0; g < G; g++) {
          const v = contributions[(t * C + c) * G + g];
          m += v;
          p.sumMedia[(t * C + c) * G + g] += v;
          p.geoMedia[(k * G + g) * C + c] += v;
        }
        p.totalMedia[(k * T + t) * C + c] = m;
      }
    }
  });
  if (training) passes.set(record, p);
  return p;
}

/** Contributions over the training periods (or [start, end)), summed over geos and (a geo model) per geo. */
export function contributions(record: AnyFitRecord, start = 0, end = record.trainRows): PanelContributions {
  const d = panelOf(record);
  const { G, C } = d;
  const T = end;
  const p = contributionPass(record, start, end);
  const n = p.n;
  const actual = new Float64Array(T);
  for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) actual[t] += d.target[t * G + g];
  const national = summariseContributions({ draws: n, T, C, mean: p.totalMean, contributions: p.totalMedia }, d.channelNames, actual, d.dates, start, T);
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
    const periods: GeoPeriodMeans[] = Array.from({ length: T - start }, (_, i) => {
      const t = start + i;
      const ms = d.channelNames.map((_, c) => p.sumMedia[(t * C + c) * G + g] / n);
      const pr = p.sumPred[t * G + g] / n;
      return { index: t, date: d.dates?.[t], actual: d.target[t * G + g], prediction: pr, baseline: pr - ms.reduce((a, b) => a + b, 0), media: ms };
    });
    return { geo, periods, totals: { baseline: intervalOf(base), media: channels, prediction } };
  });
  return { channels: d.channelNames, geos: d.geoNames, national, perGeo };
}

/**
 * Contributions from per-draw means [draws][T] and media contributions
 * [draws][T][C] (target units) over periods [start, end) of them: per-period
 * and summed intervals.
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
    periods.push({ index: t, date: dates?.[t], actual: actual[t], prediction: intervalOf(pred), baseline: intervalOf(base), media: ch.map((v) => intervalOf(v)) });
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
