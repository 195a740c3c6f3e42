// The report's sections for a model of several geos: the whole model (fit
// and contributions over time, contributions in total, ROI and the channel
// table, the ROI and marginal ROI distributions and response curves, the
// suggested budget with its split per geo, saturation and adstock with each
// geo's response at its own average spend), then per geo (small multiples of
// fit and contributions over time, the ROI table), the lift tests, the
// sampler's diagnostics, prior against posterior and the posterior summary:
// every section of the national report, with the per-geo ones. The numbers
// come from the streamed panel analyses, so large G stays within bounded memory.

import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { LiftTest } from "../model/liftTests.js";
import type { OptimizerOutcome } from "./budget.js";
import { budgetSection } from "./budgetSection.js";
import { channelTable } from "./channelTable.js";
import { DEFAULT_MAX_DRAWS, fittedPanelOf, periodWords } from "./data.js";
import { escapeHtml } from "./format.js";
import { geoBudgetSplit, geoResponseTable, geoRoiTable } from "./geoTables.js";
import { liftTestSection, type LiftCheckedFit } from "./liftTests.js";
import { plotHeadingHtml, renderPlot } from "./render.js";
import { inlineSvg } from "./document.js";
import { samplerSentence, summarySection } from "./narrative.js";
import { parameterTable } from "./parameterTable.js";
import { budgetAllocationSpec, type BudgetAllocation } from "./plots/budget.js";
import { contributionTotalsSpec } from "./plots/contributions.js";
import { modelFitSpec } from "./plots/modelFit.js";
import { priorPosteriorSpec } from "./plots/priorPosterior.js";
import { responseCurvesSpec } from "./plots/responseCurves.js";
import { roiDistributionSpec } from "./plots/roi.js";
import { samplerDiagnosticsSpec } from "./plots/samplerDiagnostics.js";
import { adstockDecaySpec, saturationCurvesSpec } from "./plots/transforms.js";
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
  /** What the optimizer answered for the report's budget (report.ts asks it). */
  outcome?: OptimizerOutcome;
  /** The budget allocation to show (the optimizer's, or one given). */
  allocation?: BudgetAllocation;
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
  const kpi = fit.record.dataset.targetName;
  const channels = c.channels;
  const colors = channelColors(channels);
  const columns = o.columns ?? 4;
  const sourceScale = { domain: ["baseline", ...channels], range: [BASELINE_COLOR, ...colors] };
  const stacked = (rows: { date?: string; baseline: number; media: number[]; geo?: string }[]) =>
    rows.flatMap((p) => [
      { date: p.date, geo: p.geo, source: "baseline", value: p.baseline, order: 0 },
      ...channels.map((ch, i) => ({ date: p.date, geo: p.geo, source: ch, value: p.media[i], order: i + 1 })),
    ]);
  const x = { field: "date", type: "temporal", title: null };
  const amount = { axis: { ...AMOUNT_LABELS } };
  return { c, roi, kpi, channels, colors, columns, sourceScale, stacked, x, amount };
}

type PlotContext = ReturnType<typeof plotContext>;

/** The national plots: fit, contributions and ROI summed over the geos. */
function nationalPlots({ c, roi, kpi, channels, colors, sourceScale, stacked, x, amount }: PlotContext): GeoPlot[] {
  return [
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

/** One panel per geo: fit (every date, with the posterior predictive's 94% band) and contributions. */
function perGeoPlots(fit: FittedGeoMMM, o: GeoSectionOptions, context: PlotContext): GeoPlot[] {
  const { c, kpi, sourceScale, stacked, amount, x, columns } = context;
  const { dataset, trainRows } = fit.record;
  const G = dataset.G;
  const fitted = fittedPanelOf(fit, o.maxDraws ?? DEFAULT_MAX_DRAWS);
  const fitValues = fitted.perGeo.flatMap((g, gi) =>
    g.periods.map((p, t) => ({ geo: g.geo, date: dataset.dates[t], actual: dataset.target[t * G + gi], predicted: p.mean, low: p["hdi_3%"], high: p["hdi_97%"] })),
  );
  const heldOut = trainRows < dataset.T ? ` The last ${dataset.T - trainRows} dates were held out of the fit.` : "";
  const y = { type: "quantitative", title: null, scale: { zero: false }, ...amount };
  const series = (datum: string) => ({ datum, type: "nominal", scale: { domain: ["actual", "predicted", "94% interval"], range: [INK, ACCENT, "#a9c6e8"] }, legend: { orient: "top", title: null } });
  const time = { ...x, axis: { format: "%b %y", labelAngle: 0, tickCount: 3 } };
  return [
    {
      id: "geo-fit",
      title: `How well the model fits each geo`,
      caption: `One panel per geo: black is actual ${kpi}, blue the model's prediction with its 94% interval. Panels have their own scales.${heldOut}`,
      spec: {
        ...baseSpec(`Actual vs predicted ${kpi} by geo`, undefined),
        data: { values: fitValues },
        facet: { field: "geo", type: "nominal", title: null, sort: c.geos },
        columns,
        resolve: { scale: { y: "independent" } },
        spec: {
          width: 150,
          height: 90,
          layer: [
            { mark: { type: "area", opacity: 0.55 }, encoding: { x: time, y: { field: "low", ...y }, y2: { field: "high" }, color: series("94% interval") } },
            { mark: { type: "line", strokeWidth: 1.2 }, encoding: { x: time, y: { field: "predicted", ...y }, color: series("predicted") } },
            { mark: { type: "line", strokeWidth: 1.2 }, encoding: { x: time, y: { field: "actual", ...y }, color: series("actual") } },
          ],
        },
      },
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

/** The national report's plots of the whole model: ROI distributions and response curves (spend scaled in every geo alike), contributions in total, media effects, the suggested budget and the analysts' plots. */
function wholeModelPlots(fit: FittedGeoMMM, o: GeoSectionOptions, kpi: string): GeoPlot[] {
  const words = periodWords(fit);
  const plots: GeoPlot[] = [
    {
      id: "national-fit",
      title: `How well the model fits: national ${kpi} (all ${fit.geoNames.length} geos)`,
      caption: `The black line is actual ${kpi} summed over the geos; the blue line is the model's prediction summed over the geos, and the band is the range it considers plausible. The closer they agree, the more the channel estimates can be trusted.`,
      spec: modelFitSpec(fit, o),
    },
    {
      id: "contribution-totals",
      title: `Total ${kpi} by source, all geos`,
      caption: `${kpi} attributed to each source over the fitted period, summed over the geos. The thin black lines show the uncertainty.`,
      spec: contributionTotalsSpec(fit, o),
    },
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
    {
      id: "saturation",
      title: "Diminishing returns, all geos",
      caption: `The shape of each channel's saturation, shared by the geos: extra ${kpi} per ${words.one} over all geos at a steady spend per ${words.one}, split across the geos as the channel's spend was. The dashed line marks today's average spend: the steeper the curve there, the more room to grow.`,
      spec: saturationCurvesSpec(fit, o),
    },
    {
      id: "adstock",
      title: "How long the effect lasts",
      caption: `Media keeps working after it runs (adstock), alike in every geo. Each bar is the share of a ${words.one}'s effect that arrives that many ${words.many} later.`,
      spec: adstockDecaySpec(fit, o),
    },
    {
      id: "prior-posterior",
      title: "Prior vs posterior",
      caption: "For analysts: how far the data moved each media parameter away from the model's starting assumptions (the priors).",
      spec: priorPosteriorSpec(fit, o),
    },
    {
      id: "sampler-diagnostics",
      title: "Sampler diagnostics by chain",
      caption: "For analysts: whether the independent runs of the fitting algorithm agree, shown for the parameters where they agree least.",
      spec: samplerDiagnosticsSpec(fit, o),
    },
  ];
  if (o.allocation) {
    plots.push({
      id: "budget-plot",
      title: "Suggested budget",
      caption: `Spend per channel over all geos now and as the optimizer suggests, and the ${kpi} expected from each.`,
      spec: budgetAllocationSpec(o.allocation, { ...o, kpi, channelOrder: fit.channelNames, periodsWord: words.many }),
    });
  }
  return plots;
}

/** Every plot of the geo report, as Vega-Lite specs. */
export function geoReportPlots(fit: FittedGeoMMM, o: GeoSectionOptions = {}): GeoPlot[] {
  const context = plotContext(fit, o);
  return [...nationalPlots(context), ...wholeModelPlots(fit, o, context.kpi), ...perGeoPlots(fit, o, context)];
}

/** Each plot as the HTML of its figure, keyed by id. */
async function renderedFigures(fit: FittedGeoMMM, o: GeoSectionOptions): Promise<Map<string, GeoPlot & { html: string }>> {
  const out = new Map<string, GeoPlot & { html: string }>();
  for (const [i, p] of geoReportPlots(fit, o).entries()) {
    const plot = await renderPlot(p.spec);
    const svg = inlineSvg(plot.svg, `p${i}`, p.title);
    out.set(p.id, { ...p, html: `<figure class="plot">${plotHeadingHtml(plot.heading)}<div class="svg">${svg}</div></figure>` });
  }
  return out;
}

/** The page's parts for a geo fit: its title, KPI, the line of what was fitted, and the sections. */
export async function geoReportParts(fit: FittedGeoMMM, o: GeoSectionOptions = {}): Promise<{ title: string; kpi: string; meta: string; body: string }> {
  const figures = await renderedFigures(fit, o);
  const d = fit.diagnostics();
  const rec = fit.record;
  const title = o.title ?? "Marketing mix report (geo model)";
  const when = (o.generatedAt ?? new Date()).toISOString().slice(0, 16).replace("T", " ");
  const plotSection = (id: string, more = "") => {
    const p = figures.get(id)!;
    return `<section id="${p.id}"><h2>${escapeHtml(p.title)}</h2><p>${escapeHtml(p.caption)}</p>${p.html}${more}</section>`;
  };
  const lift = liftTestSection(fit, o.liftTests, o.liftBefore);
  const sections = [
    summarySection(fit),
    ...["national-fit", "national-contributions", "contribution-totals"].map((id) => plotSection(id)),
    plotSection("national-roi", channelTable(fit)),
    plotSection("roi-distribution"),
    plotSection("response-curves"),
    budgetSection(fit, o.outcome, o.allocation, figures.get("budget-plot")?.html, geoBudgetSplit(o.outcome)),
    plotSection("saturation", geoResponseTable(fit, o.maxDraws)),
    plotSection("adstock"),
    plotSection("geo-fit"),
    plotSection("geo-contributions"),
    `<section id="geo-roi"><h2>ROI by geo</h2>${geoRoiTable(fit)}</section>`,
    ...(lift ? [`<section id="geo-lift-tests">${lift}</section>`] : []),
    `<section id="diagnostics"><h2>Sampler diagnostics</h2>${samplerSentence(fit)}` +
      (d.warnings.length ? `<div class="callout warn">${d.warnings.map((w) => `<p>${escapeHtml(w)}</p>`).join("")}</div>` : "") +
      `</section>`,
    plotSection("sampler-diagnostics"),
    plotSection("prior-posterior"),
    `<section id="parameters"><h2>Posterior summary</h2><p>Every model parameter on the model's internal scale (each geo's ${escapeHtml(rec.dataset.targetName)} and media divided by their means): mean, standard deviation, 94% highest-density interval, Monte Carlo error, effective sample sizes and R-hat.</p>${parameterTable(fit)}</section>`,
  ];
  const dates = rec.dataset.dates;
  const span = `${dates[0]} to ${dates[dates.length - 1]}`;
  const heldOut = rec.trainRows < rec.dataset.T ? `, the last ${rec.dataset.T - rec.trainRows} held out` : "";
  const meta = `${fit.geoNames.length} geos, ${fit.channelNames.length} channels, ${rec.dataset.T} dates (${span}${heldOut}), ${escapeHtml(rec.structure.model)} model${rec.config.roiPrior ? " with ROI priors" : ""}; generated ${when} UTC`;
  return { title, kpi: rec.dataset.targetName, meta, body: sections.join("\n") };
}
