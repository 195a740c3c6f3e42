// ROI and marginal ROI per channel over the training periods, for the whole
// model (summed over geos) and, for a geo model, per geo. A channel that
// spent nothing has no ROI (0/0, or x/0): its ROI is null with the reason
// stated, never NaN or Infinity, in the API, the files and the report.

import { intervalOf, type Interval } from "./intervals.js";
import { contributionPass } from "./contributions.js";
import { channelTotal, datasetRows, panelOf, scaleChannel, trainingSpend, type AnyFitRecord } from "./panel.js";
import { evaluatorFor, type PosteriorEvaluator, type Rows } from "./posteriorEvaluator.js";

/** Why a channel has no ROI. */
export const NO_SPEND_NOTE = "no spend over the training periods, so no return on it (ROI is null)";

export interface ChannelRoi {
  channel: string;
  spend: number;
  /** Posterior mean and 94% HDI; null when the channel spent nothing (see note). */
  mean: number | null;
  "hdi_3%": number | null;
  "hdi_97%": number | null;
  /** Posterior draws of the ROI (none when it is null). */
  draws: Float64Array;
  /** Why the ROI is null (absent otherwise). */
  note?: string;
}

export interface PanelRoi {
  /** Summed over geos (a national model's ROI). */
  national: ChannelRoi[];
  /** Per geo (empty for a national model). */
  perGeo: { geo: string; channels: ChannelRoi[] }[];
}

/** A channel's ROI from its per-draw values (draw k: at(k)), or null with the reason when it spent nothing. */
export function channelRoi(channel: string, spend: number, n: number, at: (k: number) => number): ChannelRoi {
  if (!(spend > 0)) return { channel, spend, mean: null, "hdi_3%": null, "hdi_97%": null, draws: new Float64Array(0), note: NO_SPEND_NOTE };
  const draws = new Float64Array(n);
  for (let k = 0; k < n; k++) draws[k] = at(k);
  const iv: Interval = intervalOf(draws);
  return { channel, spend, ...iv, draws };
}

/** ROI per channel: contribution / spend over the training periods, summed over geos and per geo. */
export function roi(record: AnyFitRecord): PanelRoi {
  const d = panelOf(record);
  const { G, C } = d;
  const T = d.trainRows;
  const p = contributionPass(record);
  const n = p.n;
  const spend = trainingSpend(d);
  const national = d.channelNames.map((channel, c) => {
    const total = channelTotal(spend, G, c);
    return channelRoi(channel, total, n, (k) => {
      let s = 0;
      for (let t = 0; t < T; t++) s += p.totalMedia[(k * T + t) * C + c];
      return s / total;
    });
  });
  const perGeo = d.geoNames.map((geo, g) => ({
    geo,
    channels: d.channelNames.map((channel, c) => channelRoi(channel, spend[c * G + g], n, (k) => p.geoMedia[(k * G + g) * C + c] / spend[c * G + g])),
  }));
  return { national, perGeo };
}

/** KPI summed over the rows and geos, per draw. */
export function summedKpi(ev: PosteriorEvaluator, rows: Rows, indices?: ArrayLike<number>): Float64Array {
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

/**
 * Marginal ROI per channel: extra KPI (summed over geos) per extra unit of
 * spend when the channel's spend over the training periods rises by
 * `relativeStep` (default 1%) in every geo alike.
 */
export function marginalRoi(record: AnyFitRecord, relativeStep = 0.01): ChannelRoi[] {
  const d = panelOf(record);
  const ev = evaluatorFor(record);
  const rows = datasetRows(record, 0, d.trainRows);
  const spend = trainingSpend(d);
  const base = summedKpi(ev, rows);
  return d.channelNames.map((channel, c) => {
    const total = channelTotal(spend, d.G, c);
    if (!(total > 0)) return channelRoi(channel, total, 0, () => 0);
    const up = summedKpi(ev, scaleChannel(d, rows, c, 1 + relativeStep));
    return channelRoi(channel, total, up.length, (k) => (up[k] - base[k]) / (relativeStep * total));
  });
}

/** A channel's ROI that exists (the channel spent something). */
export type DefinedRoi = ChannelRoi & { mean: number; "hdi_3%": number; "hdi_97%": number };

export function hasRoi(r: ChannelRoi): r is DefinedRoi {
  return r.mean !== null;
}
