// Response curves: KPI against spend per channel.

import { DEFAULT_MAX_DRAWS, kpiName, periodWords, responseCurvesOf, type ReportFit } from "../data.js";
import { band } from "../stats.js";
import { AMOUNT_LABELS, INK, MUTED, baseSpec, type VegaLiteSpec } from "../theme.js";
import { type PlotOptions, type Row, inline, channelScale } from "./common.js";

/** Extra KPI from each channel as its spend over the training rows is scaled from 0 to 2x, with the 94% band; current spend marked. */
export function responseCurvesSpec(fit: ReportFit, o: PlotOptions = {}): VegaLiteSpec {
  const curves = responseCurvesOf(fit, o.maxDraws ?? DEFAULT_MAX_DRAWS);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const T = fit.record.trainRows;
  const rows: Row[] = [];
  for (const c of curves) {
    for (const p of c.points) {
      rows.push({ channel: c.channel, spend: p.spend, mean: p.incremental.mean, low: p.incremental["hdi_3%"], high: p.incremental["hdi_97%"], current: p.multiplier === 1 });
    }
  }
  const x = { field: "spend", type: "quantitative", title: `Spend over ${T} ${words.many}`, axis: { ...AMOUNT_LABELS, tickCount: 5 } };
  const y = { type: "quantitative", title: `Extra ${kpi} (total)`, axis: { ...AMOUNT_LABELS } };
  const color = { field: "channel", type: "nominal", scale: channelScale(fit), legend: null };
  return {
    ...baseSpec(
      `Response curves: extra ${kpi} for each level of spend`,
      `Spend on one channel scaled from 0 to twice its historical level, other channels as they were. Dot: current spend; band: 94% interval.`,
    ),
    data: inline(rows),
    columns: Math.min(3, curves.length),
    facet: { field: "channel", type: "nominal", sort: fit.channelNames, header: { title: null, labelFontSize: 13 } },
    spec: {
      width: 200,
      height: 150,
      layer: [
        { mark: { type: "area", opacity: 0.25 }, encoding: { x, y: { field: "low", ...y }, y2: { field: "high" }, color } },
        { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y: { field: "mean", ...y }, color } },
        {
          transform: [{ filter: "datum.current" }],
          mark: { type: "rule", strokeDash: [3, 3], color: MUTED },
          encoding: { x },
        },
        {
          transform: [{ filter: "datum.current" }],
          mark: { type: "point", filled: true, size: 70, color: INK },
          encoding: { x, y: { field: "mean", ...y } },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
  };
}
