// Response curves: the KPI over the training periods, summed over geos, as
// one channel's spend is scaled in every period and geo alike (the split
// across geos stays the historical one), other channels as they were.

import { intervalOf, thinDraws, type Interval } from "./intervals.js";
import { channelTotal, datasetRows, panelOf, scaleChannel, trainingSpend, type AnyFitRecord } from "./panel.js";
import { evaluatorFor } from "./posteriorEvaluator.js";
import { summedKpi } from "./roi.js";

export interface ResponseCurve {
  channel: string;
  /** Historical spend over the training periods. */
  currentSpend: number;
  points: { multiplier: number; spend: number; kpi: Interval; incremental: Interval }[];
}

/** KPI per multiplier of each channel's spend (default 0 to 2 in steps of 0.1), over at most maxDraws draws (default 1000). */
export function responseCurves(record: AnyFitRecord, options: { multipliers?: number[]; maxDraws?: number } = {}): ResponseCurve[] {
  const multipliers = options.multipliers ?? Array.from({ length: 21 }, (_, i) => i / 10);
  const d = panelOf(record);
  const ev = evaluatorFor(record);
  const indices = thinDraws(ev.drawCount, options.maxDraws ?? 1000);
  const rows = datasetRows(record, 0, d.trainRows);
  const spend = trainingSpend(d);
  return d.channelNames.map((channel, c) => {
    const total = channelTotal(spend, d.G, c);
    const zero = summedKpi(ev, scaleChannel(d, rows, c, 0), indices);
    return {
      channel,
      currentSpend: total,
      points: multipliers.map((m) => {
        const kpi = m === 0 ? zero : summedKpi(ev, scaleChannel(d, rows, c, m), indices);
        return { multiplier: m, spend: m * total, kpi: intervalOf(kpi), incremental: intervalOf(kpi.map((v, k) => v - zero[k])) };
      }),
    };
  });
}
