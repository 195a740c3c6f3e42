// The plots of a fitted model as declarative Vega-Lite specs. Each builder
// returns plain JSON (with its data inline, summarised so it stays small);
// renderSvg (render.ts) turns any of them into SVG.

export type { PlotOptions } from "./plots/common.js";
export * from "./plots/modelFit.js";
export * from "./plots/contributions.js";
export * from "./plots/responseCurves.js";
export * from "./plots/roi.js";
export * from "./plots/transforms.js";
export * from "./plots/priorPosterior.js";
export * from "./plots/budget.js";
export * from "./plots/samplerDiagnostics.js";
