// The report's sections for a model of several geos: the whole model
// (fit over time, contributions over time, ROI by channel, the ROI and
// marginal ROI distributions and response curves the national report
// draws), then per geo (small multiples of fit and contributions over time,
// the ROI table), the lift tests, the sampler's diagnostics and the posterior
// summary. The numbers come from the streamed panel analyses, so large G
// stays within bounded memory.

import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { LiftTest } from "../model/liftTests.js";
import { escapeHtml, formatAmount, formatRatio } from "./format.js";
import { liftTestSection, type LiftCheckedFit } from "./liftTests.js";
import { plotHeadingHtml, renderPlot } from "./render.js";
import { inlineSvg } from "./document.js";
import { summarySection } from "./narrative.js";
import { parameterTable } from "./parameterTable.js";
import { responseCurvesSpec } from "./plots/responseCurves.js";
import { roiDistributionSpec } from "./plots/roi.js";
import { ACCENT, AMOUNT_LABELS, BASELINE_COLOR, baseSpec, channelColors, INK, type VegaLiteSpec } from "./theme.js";

export interface GeoSectionOptions {
  title?: string;
  /** Posterior draws behind the response curves (evenly thinned; default 500). */
  maxDraws?: number;
  generatedAt?: Date;
  /** Small multiples per row (default 4). */
  columns?: number;
  /** Lift tests to compare with the model (default: those it was calibrated on). */
  liftTests?: LiftTest[];
  /** The same model fitted without the lift tests: its lifts appear beside the calibrated ones. */
  liftBefore?: LiftCheckedFit;
}

interface GeoPlot {
  id: string;
  title: string;
  caption: string;
  spec: VegaLiteSpec;
}

/** What the geo report's plots share: the fit's contributions, ROI and metrics, colours and encodings. */
function plotContext(fit: FittedGeoMMM, o: GeoSectionOptions) {
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

/** One panel per geo (own y scales), `columns` to a row: a mark over the dates with the given encodings. */
function smallMultiples(title: string, values: unknown[], { c, columns, x }: PlotContext, mark: object, encoding: object): VegaLiteSpec {
  return {
    ...baseSpec(title, undefined),
    data: { values },
    facet: { field: "geo", type: "nominal", title: null, sort: c.geos },
    columns,
    resolve: { scale: { y: "independent" } },
    spec: { width: 150, height: 90, mark, encoding: { x: { ...x, axis: { format: "%b %y", labelAngle: 0, tickCount: 3 } }, ...encoding } },
  };
}

/** One panel per geo: fit and contributions. */
function perGeoPlots(context: PlotContext): GeoPlot[] {
  const { c, kpi, sourceScale, stacked, amount } = context;
  const fitValues = c.perGeo.flatMap((g) =>
    g.periods.flatMap((p) => [
      { geo: g.geo, date: p.date, series: "actual", value: p.actual },
      { geo: g.geo, date: p.date, series: "predicted", value: p.prediction },
    ]),
  );
  return [
    {
      id: "geo-fit",
      title: `How well the model fits each geo`,
      caption: `One panel per geo: black is actual ${kpi}, blue the posterior-mean prediction. Panels have their own scales.`,
      spec: smallMultiples(`Actual vs predicted ${kpi} by geo`, fitValues, context, { type: "line", strokeWidth: 1.2 }, {
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false }, ...amount },
        color: { field: "series", type: "nominal", scale: { domain: ["actual", "predicted"], range: [INK, ACCENT] }, legend: { orient: "top", title: null } },
      }),
    },
    {
      id: "geo-contributions",
      title: `What drove ${kpi} in each geo`,
      caption: "One panel per geo: baseline and each channel's contribution over time (posterior means), stacked.",
      spec: smallMultiples(`Contributions over time by geo`, c.perGeo.flatMap((g) => stacked(g.periods.map((p) => ({ ...p, geo: g.geo })))), context, { type: "area" }, {
        y: { field: "value", type: "quantitative", stack: "zero", title: null, ...amount },
        color: { field: "source", type: "nominal", scale: sourceScale, legend: { orient: "top", title: null } },
        order: { field: "order", type: "quantitative" },
      }),
    },
  ];
}

/** The national report's ROI distributions and response curves, of the whole model (spend scaled in every geo alike). */
function wholeModelPlots(fit: FittedGeoMMM, o: GeoSectionOptions, kpi: string): GeoPlot[] {
  return [
    {
      id: "roi-distribution",
      title: "Return on investment and marginal return, all geos",
      caption: `ROI is ${kpi} per unit of spend over all geos; marginal ROI what the next unit of spend (in every geo alike) would bring. Wide curves mean the data cannot pin the return down.`,
      spec: roiDistributionSpec(fit, o),
    },
    {
      id: "response-curves",
      title: "Response curves, all geos",
      caption: `How much extra ${kpi} each channel brings over all geos as its spend in every geo is scaled from 0 to twice its historical level. Where a curve flattens, more spend adds little.`,
      spec: responseCurvesSpec(fit, o),
    },
  ];
}

/** Every plot of the geo report, as Vega-Lite specs. */
export function geoReportPlots(fit: FittedGeoMMM, o: GeoSectionOptions = {}): GeoPlot[] {
  const context = plotContext(fit, o);
  return [...nationalPlots(context), ...wholeModelPlots(fit, o, context.kpi), ...perGeoPlots(context)];
}

function table(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** The page's parts for a geo fit: its title, KPI, the line of what was fitted, and the sections. */
export async function geoReportParts(fit: FittedGeoMMM, o: GeoSectionOptions = {}): Promise<{ title: string; kpi: string; meta: string; body: string }> {
  const plots = geoReportPlots(fit, o);
  const m = fit.metrics();
  const roi = fit.roi();
  const d = fit.diagnostics();
  const title = o.title ?? "Marketing mix report (geo model)";
  const when = (o.generatedAt ?? new Date()).toISOString().slice(0, 16).replace("T", " ");
  const sections: string[] = [summarySection(fit)];
  for (const [i, p] of plots.entries()) {
    const plot = await renderPlot(p.spec);
    const svg = inlineSvg(plot.svg, `p${i}`, p.title);
    sections.push(`<section id="${p.id}"><h2>${escapeHtml(p.title)}</h2><p>${escapeHtml(p.caption)}</p><figure class="plot">${plotHeadingHtml(plot.heading)}<div class="svg">${svg}</div></figure></section>`);
  }
  const roiRows = roi.perGeo.flatMap((g, gi) =>
    g.channels.map((r) => [g.geo, r.channel, formatAmount(r.spend), formatRatio(r.mean), r.mean === null ? "no spend" : `${formatRatio(r["hdi_3%"])} to ${formatRatio(r["hdi_97%"])}`, formatRatio(m.perGeo[gi].train.r2)]),
  );
  sections.push(`<section id="geo-roi"><h2>ROI by geo</h2>${table(["geo", "channel", "spend", "ROI", "94% interval", "geo R²"], roiRows)}</section>`);
  const lift = liftTestSection(fit, o.liftTests, o.liftBefore);
  if (lift) sections.push(`<section id="geo-lift-tests">${lift}</section>`);
  sections.push(
    `<section id="diagnostics"><h2>Sampler diagnostics</h2><p>${d.chains} chains × ${d.draws} draws; min bulk-ESS ${d.min_ess_bulk.toFixed(0)}, max R-hat ${d.max_r_hat.toFixed(3)}, ${d.divergences} divergences.</p>` +
      (d.warnings.length ? `<div class="callout warn">${d.warnings.map((w) => `<p>${escapeHtml(w)}</p>`).join("")}</div>` : "") +
      `</section>`,
  );
  sections.push(
    `<section id="parameters"><h2>Posterior summary</h2><p>Every model parameter on the model's internal scale (each geo's ${escapeHtml(fit.record.dataset.targetName)} and media divided by their means): mean, standard deviation, 94% highest-density interval, Monte Carlo error, effective sample sizes and R-hat.</p>${parameterTable(fit)}</section>`,
  );
  const meta = `${fit.geoNames.length} geos, ${fit.channelNames.length} channels, ${fit.record.trainRows} training dates, ${escapeHtml(fit.record.structure.model)} model${fit.record.config.roiPrior ? " with ROI priors" : ""}; generated ${when} UTC`;
  return { title, kpi: fit.record.dataset.targetName, meta, body: sections.join("\n") };
}
