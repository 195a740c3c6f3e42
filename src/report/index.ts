// Plots (Vega-Lite specs, rendered to SVG) and the self-contained HTML report
// (writeReport, which writes a file, is exported by the Node entry only).
export { renderSvg, renderPlot, plotHeadingHtml, compileToVega, type RenderOptions } from "./render.js";
export {
  modelFitSpec,
  contributionsOverTimeSpec,
  contributionTotalsSpec,
  responseCurvesSpec,
  roiDistributionSpec,
  adstockDecaySpec,
  saturationCurvesSpec,
  priorPosteriorSpec,
  budgetAllocationSpec,
  samplerDiagnosticsSpec,
  worstMixingParameters,
  priorInterval,
  labelWithChannel,
  type PlotOptions,
  type BudgetAllocation,
  type KpiInterval,
} from "./plots.js";
export { reportPlots, renderReportPlots, buildReport, buildReportHtml, type ReportPlot, type PlotId, type ReportOptions } from "./report.js";
export { inlineSvg } from "./document.js";
export { optimizeForReport, toBudgetAllocation, type OptimizerOutcome, type ReportOptimizerOptions } from "./budget.js";
export { narrative, type Narrative } from "./narrative.js";
export { type VegaLiteSpec, VEGA_LITE_SCHEMA } from "./theme.js";
