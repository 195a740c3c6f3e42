// The HTML report of a geo fit: one self-contained file with the national
// roll-up (fit over time, contributions over time, totals and ROI by channel)
// and per-geo small multiples (fit over time, contributions over time), then
// the per-geo ROI table and the sampler's diagnostics. The numbers come from
// the streamed geo analyses, so large G stays within bounded memory.

import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { LiftTest } from "../model/liftTests.js";
import { escapeHtml, formatAmount, formatRatio } from "./format.js";
import { liftTestSection } from "./liftTests.js";
import { plotHeadingHtml, renderPlot } from "./render.js";
import { CSS, inlineSvg, writeReportHtml } from "./report.js";
import { ACCENT, AMOUNT_LABELS, BASELINE_COLOR, baseSpec, channelColors, INK, type VegaLiteSpec } from "./theme.js";

export interface GeoReportOptions {
  title?: string;
  generatedAt?: Date;
  /** Small multiples per row. */
  columns?: number;
  /** Lift tests to compare with the model (default: those it was calibrated on). */
  liftTests?: LiftTest[];
}

interface GeoPlot {
  id: string;
  title: string;
  caption: string;
  spec: VegaLiteSpec;
}

/** What the geo report's plots share: the fit's contributions, ROI and metrics, colours and encodings. */
function plotContext(fit: FittedGeoMMM, o: GeoReportOptions) {
  const c = fit.contributions();
  const roi = fit.roi();
  const m = fit.metrics();
  const kpi = fit.record.dataset.targetName;
  const channels = c.channels;
  const colors = channelColors(channels);
  const columns = o.columns ?? 4;
  const sourceScale = { domain: ["baseline", ...channels], range: [BASELINE_COLOR, ...colors] };
  const nationalFit = c.national.periods.map((p) => ({
    date: p.date,
    actual: p.actual,
    predicted: p.prediction.mean,
    low: p.prediction["hdi_3%"],
    high: p.prediction["hdi_97%"],
  }));
  const stacked = (rows: { date?: string; baseline: number; media: number[]; geo?: string }[]) =>
    rows.flatMap((p) => [
      { date: p.date, geo: p.geo, source: "baseline", value: p.baseline, order: 0 },
      ...channels.map((ch, i) => ({ date: p.date, geo: p.geo, source: ch, value: p.media[i], order: i + 1 })),
    ]);
  const x = { field: "date", type: "temporal", title: null };
  const amount = { axis: { ...AMOUNT_LABELS } };
  return { c, roi, m, kpi, channels, colors, columns, sourceScale, nationalFit, stacked, x, amount };
}

type PlotContext = ReturnType<typeof plotContext>;

/** The national plots: fit, contributions and ROI summed over the geos. */
function nationalPlots({ c, roi, m, kpi, channels, colors, sourceScale, nationalFit, stacked, x, amount }: PlotContext): GeoPlot[] {
  return [
    {
      id: "national-fit",
      title: `How well the model fits: national ${kpi} (all ${c.geos.length} geos)`,
      caption: `Black: actual ${kpi} summed over the geos; blue: the model's prediction summed over the geos, with its 94% interval. R² ${formatRatio(m.national.train.r2)} on the training dates.`,
      spec: {
        ...baseSpec(`Actual vs predicted ${kpi}, all geos`, undefined),
        width: 680,
        height: 260,
        data: { values: nationalFit },
        layer: [
          { mark: { type: "area", opacity: 0.35, color: ACCENT }, encoding: { x, y: { field: "low", type: "quantitative", title: kpi, ...amount, scale: { zero: false } }, y2: { field: "high" } } },
          { mark: { type: "line", color: ACCENT, strokeWidth: 2 }, encoding: { x, y: { field: "predicted", type: "quantitative" } } },
          { mark: { type: "line", color: INK, strokeWidth: 1.2 }, encoding: { x, y: { field: "actual", type: "quantitative" } } },
        ],
      },
    },
    {
      id: "national-contributions",
      title: `What drove national ${kpi}`,
      caption: `Each coloured layer is the ${kpi} a channel added over all geos; the grey bottom layer is the baseline (posterior means).`,
      spec: {
        ...baseSpec(`Contributions over time, all geos`, undefined),
        width: 680,
        height: 260,
        data: { values: stacked(c.national.periods.map((p) => ({ date: p.date, baseline: p.baseline.mean, media: p.media.map((v) => v.mean) }))) },
        mark: { type: "area" },
        encoding: {
          x,
          y: { field: "value", type: "quantitative", stack: "zero", title: kpi, ...amount },
          color: { field: "source", type: "nominal", scale: sourceScale, legend: { orient: "top", title: null } },
          order: { field: "order", type: "quantitative" },
        },
      },
    },
    {
      id: "national-roi",
      title: "Return on investment, all geos",
      caption: `${kpi} per unit of spend over the training dates, all geos together; the lines show the 94% interval.`,
      spec: {
        ...baseSpec("ROI by channel (national)", undefined),
        width: 500,
        height: 30 * channels.length,
        data: { values: roi.national.map((r) => ({ channel: r.channel, roi: r.mean, low: r["hdi_3%"], high: r["hdi_97%"] })) },
        layer: [
          { mark: { type: "bar" }, encoding: { y: { field: "channel", type: "nominal", title: null, sort: channels }, x: { field: "roi", type: "quantitative", title: "ROI" }, color: { field: "channel", type: "nominal", scale: { domain: channels, range: colors }, legend: null } } },
          { mark: { type: "rule", color: INK }, encoding: { y: { field: "channel", type: "nominal", sort: channels }, x: { field: "low", type: "quantitative" }, x2: { field: "high" } } },
        ],
      },
    },
  ];
}

/** One panel per geo: fit and contributions. */
function perGeoPlots({ c, kpi, columns, sourceScale, stacked, x, amount }: PlotContext): GeoPlot[] {
  return [
    {
      id: "geo-fit",
      title: `How well the model fits each geo`,
      caption: `One panel per geo: black is actual ${kpi}, blue the posterior-mean prediction. Panels have their own scales.`,
      spec: {
        ...baseSpec(`Actual vs predicted ${kpi} by geo`, undefined),
        data: {
          values: c.perGeo.flatMap((g) => g.periods.flatMap((p) => [
            { geo: g.geo, date: p.date, series: "actual", value: p.actual },
            { geo: g.geo, date: p.date, series: "predicted", value: p.prediction },
          ])),
        },
        facet: { field: "geo", type: "nominal", title: null, sort: c.geos },
        columns,
        resolve: { scale: { y: "independent" } },
        spec: {
          width: 150,
          height: 90,
          mark: { type: "line", strokeWidth: 1.2 },
          encoding: {
            x: { ...x, axis: { format: "%b %y", labelAngle: 0, tickCount: 3 } },
            y: { field: "value", type: "quantitative", title: null, scale: { zero: false }, ...amount },
            color: { field: "series", type: "nominal", scale: { domain: ["actual", "predicted"], range: [INK, ACCENT] }, legend: { orient: "top", title: null } },
          },
        },
      },
    },
    {
      id: "geo-contributions",
      title: `What drove ${kpi} in each geo`,
      caption: "One panel per geo: baseline and each channel's contribution over time (posterior means), stacked.",
      spec: {
        ...baseSpec(`Contributions over time by geo`, undefined),
        data: { values: c.perGeo.flatMap((g) => stacked(g.periods.map((p) => ({ ...p, geo: g.geo })))) },
        facet: { field: "geo", type: "nominal", title: null, sort: c.geos },
        columns,
        resolve: { scale: { y: "independent" } },
        spec: {
          width: 150,
          height: 90,
          mark: { type: "area" },
          encoding: {
            x: { ...x, axis: { format: "%b %y", labelAngle: 0, tickCount: 3 } },
            y: { field: "value", type: "quantitative", stack: "zero", title: null, ...amount },
            color: { field: "source", type: "nominal", scale: sourceScale, legend: { orient: "top", title: null } },
            order: { field: "order", type: "quantitative" },
          },
        },
      },
    },
  ];
}

/** Every plot of the geo report, as Vega-Lite specs. */
export function geoReportPlots(fit: FittedGeoMMM, o: GeoReportOptions = {}): GeoPlot[] {
  const context = plotContext(fit, o);
  return [...nationalPlots(context), ...perGeoPlots(context)];
}

function table(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

export async function buildGeoReportHtml(fit: FittedGeoMMM, o: GeoReportOptions = {}): Promise<string> {
  const plots = geoReportPlots(fit, o);
  const m = fit.metrics();
  const roi = fit.roi();
  const d = fit.diagnostics();
  const title = o.title ?? "Marketing mix report (geo model)";
  const when = (o.generatedAt ?? new Date()).toISOString().slice(0, 16).replace("T", " ");
  const sections: string[] = [];
  for (const [i, p] of plots.entries()) {
    const plot = await renderPlot(p.spec);
    const svg = inlineSvg(plot.svg, `p${i}`, p.title);
    sections.push(`<section id="${p.id}"><h2>${escapeHtml(p.title)}</h2><p>${escapeHtml(p.caption)}</p><figure class="plot">${plotHeadingHtml(plot.heading)}<div class="svg">${svg}</div></figure></section>`);
  }
  const roiRows = roi.perGeo.flatMap((g, gi) =>
    g.channels.map((r) => [g.geo, r.channel, formatAmount(r.spend), formatRatio(r.mean), r.mean === null ? "no spend" : `${formatRatio(r["hdi_3%"])} to ${formatRatio(r["hdi_97%"])}`, formatRatio(m.perGeo[gi].train.r2)]),
  );
  sections.push(`<section id="geo-roi"><h2>ROI by geo</h2>${table(["geo", "channel", "spend", "ROI", "94% interval", "geo R²"], roiRows)}</section>`);
  const lift = liftTestSection(fit, o.liftTests);
  if (lift) sections.push(`<section id="geo-lift-tests">${lift}</section>`);
  sections.push(
    `<section id="diagnostics"><h2>Sampler diagnostics</h2><p>${d.chains} chains × ${d.draws} draws; min bulk-ESS ${d.min_ess_bulk.toFixed(0)}, max R-hat ${d.max_r_hat.toFixed(3)}, ${d.divergences} divergences.</p>` +
      (d.warnings.length ? `<div class="callout warn">${d.warnings.map((w) => `<p>${escapeHtml(w)}</p>`).join("")}</div>` : "") +
      `</section>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body><main><header><h1>${escapeHtml(title)}</h1><p class="meta">${fit.geoNames.length} geos, ${fit.channelNames.length} channels, ${fit.record.trainRows} training dates, ${escapeHtml(fit.record.structure.model)} model${fit.record.config.roiPrior ? " with ROI priors" : ""}; generated ${when} UTC</p></header>${sections.join("\n")}</main></body></html>\n`;
}

/** Writes the geo report to `path` (a file, or a folder to hold report.html). */
export async function writeGeoReport(fit: FittedGeoMMM, path: string, o: GeoReportOptions = {}): Promise<{ path: string }> {
  const file = await writeReportHtml(path, await buildGeoReportHtml(fit, o));
  return { path: file };
}
