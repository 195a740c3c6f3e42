// One small fitted model for the report tests: a simulated weekly dataset,
// 2 chains x 150 warm-up x 100 draws in the main thread, the last 8 weeks held out.
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";

export async function fitExample(): Promise<FittedMMM> {
  const sim = simulateDataset({ seed: 7, T: 78, channels: 3, extras: 1 });
  return fitMMM(sim.dataset, { sampler: { chains: 2, warmup: 150, samples: 100, seed: 5, threads: 0 } }, { trainRows: 70 });
}

/** Minimal checks that a string is a rendered SVG plot: root element, size, marks. */
export function svgFacts(svg: string): { width: number; height: number; marks: number } {
  const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const width = Number(/\bwidth="([\d.]+)"/.exec(root)?.[1] ?? NaN);
  const height = Number(/\bheight="([\d.]+)"/.exec(root)?.[1] ?? NaN);
  const marks = (svg.match(/class="mark-(?:area|line|rect|symbol|rule|text)[^"]*"/g) ?? []).length;
  return { width, height, marks };
}
