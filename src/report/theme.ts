// The look shared by every plot: system fonts only (a report must open
// without network access), quiet axes, one colour per channel that stays the
// same from plot to plot.

/** A Vega-Lite specification as plain JSON (see https://vega.github.io/vega-lite/). */
import { wrapText } from "./textMetrics.js";

export type VegaLiteSpec = { [key: string]: unknown };

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

// Helvetica and its metric twins first: text widths are computed from Helvetica's (textMetrics.ts).
export const FONT = 'Helvetica, Arial, "Liberation Sans", "Nimbus Sans", "Nimbus Sans L", sans-serif';

/** Axis labels for amounts: 1.5M, 250k, 2B; plain numbers below 1,000 (and 0 as "0", never "0M"). */
export const AMOUNT_LABELS = {
  labelExpr: "abs(datum.value) >= 1000 ? replace(format(datum.value, '.3~s'), 'G', 'B') : format(datum.value, ',.3~r')",
};

/** Tableau 10 without its grey, which marks the baseline. */
export const CHANNEL_PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#17becf", "#8c564b", "#1f77b4"];
export const BASELINE_COLOR = "#bab0ac";
export const INK = "#222222";
export const MUTED = "#666666";
export const ACCENT = "#4c78a8";
export const WARN = "#d62728";

export function channelColors(channels: string[]): string[] {
  return channels.map((_, i) => CHANNEL_PALETTE[i % CHANNEL_PALETTE.length]);
}

export const CONFIG = {
  background: "white",
  // No ARIA attributes per mark (they would make up a third of the SVG); the report labels each plot as a whole.
  aria: false,
  font: FONT,
  padding: 8,
  view: { stroke: null, continuousWidth: 640, continuousHeight: 280 },
  title: { fontSize: 16, fontWeight: 600, subtitleFontSize: 12, subtitleColor: MUTED, anchor: "start", offset: 12, color: INK, subtitlePadding: 4 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 500,
    labelColor: "#333333",
    titleColor: "#333333",
    gridColor: "#ececec",
    domainColor: "#999999",
    tickColor: "#999999",
    labelLimit: 180,
  },
  // Keeps the top label inside the plot, so facet headers line up whatever the scales.
  axisY: { labelFlush: true },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 500, symbolSize: 120, labelLimit: 220 },
  header: { labelFontSize: 12, titleFontSize: 12, labelColor: INK, labelFontWeight: 600 },
  facet: { spacing: 22 },
  concat: { spacing: 28 },
  text: { fontSize: 11 },
};

/** The title and subtitle paragraphs of a plot, as given (unwrapped), kept in the spec's usermeta. */
export interface PlotHeading {
  title: string;
  subtitle: string[];
}

/**
 * Top-level fields every spec starts with; title and subtitle wrapped to
 * `width` pixels for a standalone SVG. The report and the demo show them as
 * HTML instead (see renderPlot), where the browser wraps them with the fonts
 * it has: measured widths cannot know the reader's fonts.
 */
export function baseSpec(title: string, subtitle: string | string[] | undefined, width = 700): VegaLiteSpec {
  const text = wrapText(title, width, CONFIG.title.fontSize, true);
  const paragraphs = subtitle === undefined ? [] : Array.isArray(subtitle) ? subtitle : [subtitle];
  const sub = subtitle === undefined ? undefined : paragraphs.flatMap((s) => wrapText(s, width, CONFIG.title.subtitleFontSize));
  const heading: PlotHeading = { title, subtitle: paragraphs };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: sub === undefined ? { text } : { text, subtitle: sub },
    usermeta: { heading },
    config: CONFIG,
  };
}
