// The browser side of test/gpu/browser.test.ts: bundled with esbuild and
// served to headless Chromium, where the density runs on navigator.gpu.
import { probeWebGpu } from "../../src/gpu/device.js";
import { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";
import { ParameterLayout } from "../../src/model/layout.js";
import type { ModelStructure } from "../../src/model/structure.js";

export interface BrowserCase {
  structure: ModelStructure;
  data: { T: number; media: number[]; extra: number[]; target: number[] };
  positions: number[];
  count: number;
}

async function run(c: BrowserCase): Promise<{ adapter?: string; reason?: string; lps?: number[]; grads?: number[] }> {
  const probe = await probeWebGpu();
  if (!probe.available) return { reason: probe.reason };
  const layout = new ParameterLayout(c.structure);
  const data = { T: c.data.T, media: Float64Array.from(c.data.media), extra: Float64Array.from(c.data.extra), target: Float64Array.from(c.data.target) };
  const density = await WebGpuMmmDensity.create({ layout, data });
  const grads = new Float64Array(c.count * layout.dim);
  const lps = new Float64Array(c.count);
  await density.logpGradBatch(Float64Array.from(c.positions), grads, lps, c.count);
  await density.dispose();
  return { adapter: probe.adapter, lps: Array.from(lps), grads: Array.from(grads) };
}

(globalThis as unknown as { runGpuCase: typeof run }).runGpuCase = run;
