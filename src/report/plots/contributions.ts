// Contribution plots: over time and in total per channel.

import { contributionsOf, kpiName, periodWords, type ReportFit } from "../data.js";
import { formatAmount, formatShare } from "../format.js";
import { band } from "../stats.js";
import { AMOUNT_LABELS, BASELINE_COLOR, INK, baseSpec, channelColors, type VegaLiteSpec } from "../theme.js";
import { type PlotOptions, type Row, inline, timeAxis } from "./common.js";

/** Baseline and each channel's contribution per period, stacked (posterior means over the training rows). */
export function contributionsOverTimeSpec(fit: ReportFit, o: PlotOptions = {}): VegaLiteSpec {
  const c = contributionsOf(fit);
  const time = timeAxis(fit);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const components = ["Baseline", ...c.channels];
  const rows: Row[] = [];
  for (const p of c.periods) {
    const t = time.value(p.index);
    rows.push({ ...t, component: "Baseline", order: 0, value: p.baseline.mean });
    p.media.forEach((m, i) => rows.push({ ...t, component: c.channels[i], order: i + 1, value: m.mean }));
  }
  return {
    ...baseSpec(
      `Where ${kpi} came from, ${words.one} by ${words.one}`,
      `Contribution of each channel on top of the baseline (what ${kpi} would have been without media: trend, seasonality and controls); posterior means.`,
    ),
    width: o.width ?? 680,
    height: 280,
    data: inline(rows),
    mark: { type: "area", opacity: 0.9, interpolate: "monotone" },
    encoding: {
      x: time.x,
      y: { field: "value", type: "quantitative", stack: "zero", title: `${words.adjective} ${kpi}`, axis: { ...AMOUNT_LABELS } },
      color: {
        field: "component",
        type: "nominal",
        sort: components,
        scale: { domain: components, range: [BASELINE_COLOR, ...channelColors(c.channels)] },
        legend: { title: null, orient: "top", direction: "horizontal" },
      },
      order: { field: "order", type: "quantitative" },
      tooltip: [{ field: "component", type: "nominal" }, { field: "value", type: "quantitative", format: ",.0f" }],
    },
  };
}

/** Total contribution over the training rows: baseline and each channel with its 94% interval and share. */
export function contributionTotalsSpec(fit: ReportFit, o: PlotOptions = {}): VegaLiteSpec {
  const c = contributionsOf(fit);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const total = c.totals.prediction.mean;
  const media = [...c.totals.media].sort((a, b) => b.mean - a.mean);
  const rows = [
    { component: "Baseline", mean: c.totals.baseline.mean, low: c.totals.baseline["hdi_3%"], high: c.totals.baseline["hdi_97%"], share: c.totals.baseline.mean / total },
    ...media.map((m) => ({ component: m.channel, mean: m.mean, low: m["hdi_3%"], high: m["hdi_97%"], share: m.share })),
  ].map((r) => ({ ...r, label: `${formatAmount(r.mean)} (${formatShare(r.share)})` }));
  const order = rows.map((r) => r.component);
  const maxX = Math.max(...rows.map((r) => r.high), 0);
  const mediaShare = c.totals.media.reduce((a, m) => a + m.share, 0);
  const x = { type: "quantitative", title: `Total ${kpi} over the ${c.periods.length} training ${words.many}`, scale: { domain: [Math.min(0, ...rows.map((r) => r.low)), maxX * 1.3] }, axis: { ...AMOUNT_LABELS } };
  const y = { field: "component", type: "nominal", sort: order, title: null, axis: { labelFontSize: 12 } };
  return {
    ...baseSpec(
      `Total contribution: media drove ${formatShare(mediaShare)} of ${kpi}`,
      `Bars: posterior mean; lines: 94% interval; labels: mean and share of all predicted ${kpi}.`,
    ),
    width: o.width ?? 600,
    height: { step: 30 },
    data: inline(rows),
    layer: [
      {
        mark: { type: "bar", height: { band: 0.7 } },
        encoding: {
          y,
          x: { field: "mean", ...x },
          color: { field: "component", type: "nominal", scale: { domain: ["Baseline", ...c.channels], range: [BASELINE_COLOR, ...channelColors(c.channels)] }, legend: null },
        },
      },
      { mark: { type: "rule", color: INK, strokeWidth: 1.3 }, encoding: { y, x: { field: "low", ...x }, x2: { field: "high" } } },
      { mark: { type: "text", align: "left", dx: 6, color: INK, fontSize: 11 }, encoding: { y, x: { field: "high", ...x }, text: { field: "label" } } },
    ],
  };
}
