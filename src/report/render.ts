// Vega-Lite spec -> SVG text, in Node or a browser, without a browser's
// canvas (vega's "none" renderer lays out the scene; toSVG serialises it).
// vega and vega-lite are imported on first use so that loading the library
// does not load them.

import { vegaTextWidth } from "./textMetrics.js";
import type { PlotHeading, VegaLiteSpec } from "./theme.js";
import { escapeHtml } from "./format.js";

export interface RenderOptions {
  /** Called with each warning of the Vega-Lite compiler and the Vega runtime (default: ignored). */
  onWarning?: (message: string) => void;
}

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");
let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

function load(): Promise<[VegaModule, VegaLiteModule]> {
  modules ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => {
    // Without a canvas vega guesses text widths generously; measure with the fonts' real widths instead.
    const metrics = (vega as unknown as { textMetrics: { width: unknown; estimateWidth: unknown } }).textMetrics;
    if (metrics.width === metrics.estimateWidth) metrics.width = vegaTextWidth;
    return [vega, vl];
  });
  return modules;
}

function collectingLogger(level: number, onWarning?: (message: string) => void) {
  let current = level;
  const say = (...args: unknown[]) => onWarning?.(args.map(String).join(" "));
  const logger = {
    level(l?: number) {
      if (l === undefined) return current;
      current = l;
      return logger;
    },
    error(...args: unknown[]) {
      throw new Error(args.map(String).join(" "));
    },
    warn(...args: unknown[]) {
      say(...args);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** Compiles a Vega-Lite spec to a Vega spec (plain JSON). */
export async function compileToVega(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<object> {
  const [vega, vl] = await load();
  const logger = collectingLogger(vega.Warn, options.onWarning);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return vl.compile(spec as any, { logger: logger as any }).spec;
}

/** Renders a Vega-Lite spec to a standalone SVG document (a string starting with "<svg"). */
export async function renderSvg(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<string> {
  const [vega] = await load();
  const compiled = await compileToVega(spec, options);
  const logger = collectingLogger(vega.Warn, options.onWarning);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const view = new vega.View(vega.parse(compiled as any), { renderer: "none", logger: logger as any, logLevel: vega.Warn });
  try {
    return compactSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}

const GEOMETRY = /\b(d|transform|points|x|y|x1|x2|y1|y2|width|height|cx|cy|r)="([^"]*)"/g;

/** Rounds coordinates to 1/100 px (invisible) and drops empty backgrounds: SVGs a third smaller. */
export function compactSvg(svg: string): string {
  return svg
    .replace(GEOMETRY, (_m, name: string, value: string) => `${name}="${value.replace(/(\d*\.\d\d)\d+/g, "$1")}"`)
    .replace(/<path class="background" aria-hidden="true" d="M0,0h0v0h0Z" pointer-events="none"\/>/g, "");
}

/**
 * Renders a plot for a page: the SVG without its title, and the title and
 * subtitle to show as HTML above it (the browser wraps them with the fonts it
 * has, so they are never clipped). Specs without a heading render as is.
 */
export async function renderPlot(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<{ svg: string; heading?: PlotHeading }> {
  const heading = (spec.usermeta as { heading?: PlotHeading } | undefined)?.heading;
  if (!heading) return { svg: await renderSvg(spec, options) };
  const { title: _title, ...untitled } = spec;
  return { svg: await renderSvg(untitled, options), heading };
}

/** A plot's heading as HTML: the title, then each subtitle paragraph. */
export function plotHeadingHtml(heading: PlotHeading | undefined): string {
  if (!heading) return "";
  return `<p class="plot-title">${escapeHtml(heading.title)}</p>` + heading.subtitle.map((s) => `<p class="plot-subtitle">${escapeHtml(s)}</p>`).join("");
}
