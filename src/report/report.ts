// The HTML report: one self-contained file (document.ts) with a summary in
// plain words, the plots, the channel and parameter tables, and the
// optimizer's suggestion (by default for today's spending rate); a model of
// several geos gets the same sections of the whole model beside its per-geo
// ones (geoSections.ts), the optimizer's split per geo among them.

import type { LiftTest } from "../model/liftTests.js";
import { liftTestSection, type LiftCheckedFit } from "./liftTests.js";
import type { FittedMMM } from "../api/fittedMMM.js";
import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import { inlineSvg, reportDocument, writeReportHtml } from "./document.js";
import { geoReportParts } from "./geoSections.js";
import { reportBudget, type OptimizerOutcome, type ReportOptimizerOptions } from "./budget.js";
import { budgetSection } from "./budgetSection.js";
import { channelTable } from "./channelTable.js";
import { capitalise, kpiName, periodWords } from "./data.js";
import { escapeHtml } from "./format.js";
import { samplerSentence, summarySection } from "./narrative.js";
import { parameterTable } from "./parameterTable.js";
import {
  adstockDecaySpec,
  budgetAllocationSpec,
  contributionTotalsSpec,
  contributionsOverTimeSpec,
  modelFitSpec,
  priorPosteriorSpec,
  responseCurvesSpec,
  roiDistributionSpec,
  samplerDiagnosticsSpec,
  saturationCurvesSpec,
  type BudgetAllocation,
  type PlotOptions,
} from "./plots.js";
import { plotHeadingHtml, renderPlot } from "./render.js";
import type { PlotHeading, VegaLiteSpec } from "./theme.js";

export type PlotId =
  | "model-fit"
  | "contributions-over-time"
  | "contribution-totals"
  | "roi"
  | "response-curves"
  | "saturation"
  | "adstock"
  | "budget"
  | "prior-posterior"
  | "diagnostics";

export interface ReportPlot {
  id: PlotId;
  /** What the plot answers, as a heading. */
  title: string;
  /** How to read it, in plain words. */
  caption: string;
  spec: VegaLiteSpec;
}

export interface ReportOptions extends PlotOptions {
  /**
   * Ask the optimizer (fit.optimizeBudget) for the best split of this total
   * budget. Default: today's spending rate over the plan ("the same money,
   * split better"); `false` leaves the budget section out.
   */
  budget?: number | false;
  /** Further optimizer settings (planning periods, bounds), passed through with the budget. */
  optimizer?: ReportOptimizerOptions;
  /** A budget allocation to show as it is (e.g. an optimizer result computed elsewhere); wins over `budget`. */
  allocation?: BudgetAllocation;
  /** Report title (default "Marketing mix report"). */
  title?: string;
  /** Time stamp printed in the header (default: now). */
  generatedAt?: Date;
  /** Lift tests to compare with the model (default: those the fit was calibrated on). */
  liftTests?: LiftTest[];
  /** The same model fitted without the lift tests: its lifts appear beside the calibrated ones. */
  liftBefore?: LiftCheckedFit;
  /** Geo models: small multiples per row (default 4). */
  columns?: number;
}

/** Every plot of the report, as Vega-Lite specs with their headings and captions. */
export function reportPlots(fit: FittedMMM, o: PlotOptions & { allocation?: BudgetAllocation } = {}): ReportPlot[] {
  const kpi = kpiName(fit);
  const words = periodWords(fit);
  const plots: ReportPlot[] = [
    {
      id: "model-fit",
      title: "How well the model fits",
      caption: `The black line is actual ${kpi}; the blue line is what the model predicts from media, season, trend and controls, and the band is the range it considers plausible. The closer they agree, the more the channel estimates can be trusted.`,
      spec: modelFitSpec(fit, o),
    },
    {
      id: "contributions-over-time",
      title: `What drove ${kpi}, ${words.one} by ${words.one}`,
      caption: `Each coloured layer is the ${kpi} a channel added; the grey bottom layer is the baseline, the ${kpi} the model expects without any media.`,
      spec: contributionsOverTimeSpec(fit, o),
    },
    {
      id: "contribution-totals",
      title: `Total ${kpi} by source`,
      caption: `${capitalise(kpi)} attributed to each source over the fitted period. The thin black lines show the uncertainty.`,
      spec: contributionTotalsSpec(fit, o),
    },
    {
      id: "roi",
      title: "Return on investment",
      caption: `ROI is ${kpi} per unit of spend. Marginal ROI is what the next unit of spend would bring; when it is well below the ROI, the channel is saturating. Wide curves mean the data cannot pin the return down.`,
      spec: roiDistributionSpec(fit, o),
    },
    {
      id: "response-curves",
      title: "Response curves",
      caption: `How much extra ${kpi} each channel brings as its spend changes. Where a curve flattens, more spend adds little.`,
      spec: responseCurvesSpec(fit, o),
    },
    {
      id: "saturation",
      title: "Diminishing returns",
      caption: `The shape of each channel's saturation: extra ${kpi} per ${words.one} at a steady spend per ${words.one}. The dashed line marks today's average spend: the steeper the curve there, the more room to grow.`,
      spec: saturationCurvesSpec(fit, o),
    },
    {
      id: "adstock",
      title: "How long the effect lasts",
      caption: `Media keeps working after it runs (adstock). Each bar is the share of a ${words.one}'s effect that arrives that many ${words.many} later.`,
      spec: adstockDecaySpec(fit, o),
    },
  ];
  if (o.allocation) {
    plots.push({
      id: "budget",
      title: "Suggested budget",
      caption: `Spend per channel now and as the optimizer suggests, and the ${kpi} expected from each.`,
      spec: budgetAllocationSpec(o.allocation, { ...o, kpi, channelOrder: fit.channelNames, periodsWord: words.many }),
    });
  }
  plots.push(
    {
      id: "prior-posterior",
      title: "Prior vs posterior",
      caption: "For analysts: how far the data moved each media parameter away from the model's starting assumptions (the priors).",
      spec: priorPosteriorSpec(fit, o),
    },
    {
      id: "diagnostics",
      title: "Sampler diagnostics",
      caption: "For analysts: whether the independent runs of the fitting algorithm agree, shown for the parameters where they agree least.",
      spec: samplerDiagnosticsSpec(fit, o),
    },
  );
  return plots;
}

/** Renders every plot of the report to SVG. */
export async function renderReportPlots(
  fit: FittedMMM,
  o: PlotOptions & { allocation?: BudgetAllocation } = {},
): Promise<(ReportPlot & { svg: string; heading?: PlotHeading })[]> {
  const plots = reportPlots(fit, o);
  const out: (ReportPlot & { svg: string; heading?: PlotHeading })[] = [];
  for (const p of plots) out.push({ ...p, ...(await renderPlot(p.spec)) });
  return out;
}

function figure(p: ReportPlot & { svg: string; heading?: PlotHeading }): string {
  return (
    `<figure class="plot" id="plot-${p.id}">\n${plotHeadingHtml(p.heading)}<div class="svg">${inlineSvg(p.svg, p.id, p.title)}</div>\n` +
    `<figcaption>${escapeHtml(p.caption)}</figcaption>\n</figure>`
  );
}

/** The whole report as one HTML document. */
export async function buildReportHtml(fit: FittedMMM | FittedGeoMMM, o: ReportOptions = {}): Promise<string> {
  return (await buildReport(fit, o)).html;
}

/** The report as one HTML document, with what the optimizer answered when a budget was given. */
export async function buildReport(fit: FittedMMM | FittedGeoMMM, o: ReportOptions = {}): Promise<{ html: string; optimizer?: OptimizerOutcome }> {
  if (fit.kind === "national") return nationalReport(fit, o);
  const { outcome, allocation } = await reportBudget(fit, o);
  return { html: reportDocument(await geoReportParts(fit, { ...o, outcome, allocation })), optimizer: outcome };
}

async function nationalReport(fit: FittedMMM, o: ReportOptions): Promise<{ html: string; optimizer?: OptimizerOutcome }> {
  const { outcome, allocation } = await reportBudget(fit, o);
  const plots = await renderReportPlots(fit, { ...o, allocation });
  const byId = new Map(plots.map((p) => [p.id, p]));
  const fig = (id: PlotId) => {
    const p = byId.get(id);
    return p ? figure(p) : "";
  };
  const kpi = kpiName(fit);
  const words = periodWords(fit);
  const rec = fit.record;
  const dates = rec.dataset.dates;
  const span = dates?.length ? `${dates[0]} to ${dates[dates.length - 1]}` : `${rec.dataset.T} ${words.many}`;
  const generated = (o.generatedAt ?? new Date()).toISOString().slice(0, 16).replace("T", " ");
  const title = o.title ?? "Marketing mix report";
  const meta =
    `${capitalise(kpi)} · ${fit.channelNames.length} channels (${escapeHtml(fit.channelNames.join(", "))}) · ${rec.dataset.T} ${words.many} (${span})` +
    (rec.trainRows < rec.dataset.T ? `, the last ${rec.dataset.T - rec.trainRows} held out` : "") +
    ` · ${rec.structure.model} model${rec.config.roiPrior ? " with ROI priors" : ""} · generated ${generated} UTC`;
  const body = `${summarySection(fit)}
<section id="fit">
<h2>${escapeHtml(byId.get("model-fit")!.title)}</h2>
${fig("model-fit")}
</section>
<section id="contributions">
<h2>What drove ${escapeHtml(kpi)}</h2>
${fig("contributions-over-time")}
${fig("contribution-totals")}
</section>
<section id="returns">
<h2>Return on investment</h2>
${fig("roi")}
${channelTable(fit)}
${fig("response-curves")}
${liftTestSection(fit, o.liftTests, o.liftBefore)}
</section>
${budgetSection(fit, outcome, allocation, byId.has("budget") ? fig("budget") : undefined)}
<section id="media-effects">
<h2>How media works over time and spend</h2>
${fig("saturation")}
${fig("adstock")}
</section>
<section id="appendix">
<h2>For analysts</h2>
${fig("prior-posterior")}
${fig("diagnostics")}
<h3>Sampler</h3>
${samplerSentence(fit)}
<h3>Posterior summary</h3>
<p>Every model parameter on the model's internal scale (${escapeHtml(kpi)} and media divided by their means): mean, standard deviation, 94% highest-density interval, Monte Carlo error, effective sample sizes and R-hat.</p>
${parameterTable(fit)}
</section>`;
  return { html: reportDocument({ title, kpi, meta, body }), optimizer: outcome };
}

/**
 * Writes the report to `path` (a file ending in .html, or a folder that gets
 * report.html); returns the file written and the optimizer's outcome.
 */
export async function writeReport(fit: FittedMMM | FittedGeoMMM, path: string, o: ReportOptions = {}): Promise<{ path: string; optimizer?: OptimizerOutcome }> {
  const report = await buildReport(fit, o);
  const file = await writeReportHtml(path, report.html);
  return { path: file, optimizer: report.optimizer };
}
