// ROI distributions per channel.

import { capitalise, kpiName, marginalRoiOf, roiOf, type ReportFit } from "../data.js";
import { formatRatio } from "../format.js";
import { hasRoi } from "../../analysis/roi.js";
import { kde, quantileOf } from "../stats.js";
import { CONFIG, INK, MUTED, baseSpec, type VegaLiteSpec } from "../theme.js";
import { type PlotOptions, type Row, inline, channelScale } from "./common.js";

/** Posterior distributions of ROI and marginal ROI per channel (densities with mean and 94% interval). */
export function roiDistributionSpec(fit: ReportFit, o: PlotOptions = {}): VegaLiteSpec {
  const roi = roiOf(fit);
  const mroi = marginalRoiOf(fit);
  const kpi = kpiName(fit);
  const metrics: [string, typeof roi][] = [
    ["ROI", roi],
    ["Marginal ROI", mroi],
  ];
  const rows: Row[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const [metric, list] of metrics) {
    for (const r of list.filter(hasRoi)) {
      const lower = quantileOf(r.draws, 0) >= 0 ? 0 : undefined;
      for (const p of kde(r.draws, { points: 60, lower })) {
        rows.push({ kind: "density", channel: r.channel, metric, x: p.x, density: p.density });
        lo = Math.min(lo, p.x);
        hi = Math.max(hi, p.x);
      }
      rows.push({ kind: "interval", channel: r.channel, metric, mean: r.mean, low: r["hdi_3%"], high: r["hdi_97%"], label: formatRatio(r.mean) });
    }
  }
  const x = { type: "quantitative", title: `${capitalise(kpi)} per unit of spend`, axis: { grid: true, tickCount: 6, labelOverlap: true } };
  const layers: Row[] = [
    {
      transform: [{ filter: "datum.kind === 'density'" }],
      mark: { type: "area", opacity: 0.55, interpolate: "monotone" },
      encoding: {
        x: { field: "x", ...x },
        y: { field: "density", type: "quantitative", axis: null, title: null },
        color: { field: "channel", type: "nominal", scale: channelScale(fit), legend: null },
      },
    },
    {
      transform: [{ filter: "datum.kind === 'interval'" }],
      mark: { type: "rule", strokeWidth: 3, color: INK },
      encoding: { x: { field: "low", ...x }, x2: { field: "high" }, y: { datum: 0, type: "quantitative" } },
    },
    {
      transform: [{ filter: "datum.kind === 'interval'" }],
      mark: { type: "point", filled: true, size: 45, color: "white", stroke: INK, strokeWidth: 1.5, opacity: 1 },
      encoding: { x: { field: "mean", ...x }, y: { datum: 0, type: "quantitative" } },
    },
    {
      transform: [{ filter: "datum.kind === 'interval'" }],
      mark: { type: "text", align: "left", baseline: "bottom", dx: 4, dy: -4, fontSize: 11, color: INK },
      encoding: { x: { field: "high", ...x }, y: { datum: 0, type: "quantitative" }, text: { field: "label" } },
    },
  ];
  if (lo <= 1 && hi >= 1) {
    layers.push({ mark: { type: "rule", strokeDash: [4, 3], color: MUTED }, encoding: { x: { datum: 1, type: "quantitative" } } });
  }
  return {
    ...baseSpec(
      "Return on investment by channel",
      [
        `ROI: ${kpi} per unit of spend over the training period. Marginal ROI: extra ${kpi} from the next unit of spend (at 1% more spend).`,
        `Curves: posterior distribution; black bar: 94% interval; dot and label: mean` + (lo <= 1 && hi >= 1 ? "; dashed line: 1 (spend paid back, if the KPI is revenue)." : "."),
      ],
    ),
    data: inline(rows),
    facet: {
      row: { field: "channel", type: "nominal", sort: fit.channelNames, header: { title: null, labelAngle: 0, labelAlign: "right", labelFontSize: 13 } },
      column: { field: "metric", type: "nominal", sort: ["ROI", "Marginal ROI"], header: { title: null, labelFontSize: 13 } },
    },
    spec: { width: o.width ? Math.round(o.width / 2 - 40) : 300, height: 46, layer: layers },
    resolve: { scale: { y: "independent" } },
    config: { ...CONFIG, facet: { spacing: 10 } },
  };
}
