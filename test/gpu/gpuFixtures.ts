// Shared pieces of the WebGPU tests: whether an adapter exists (tests skip
// with the probe's reason when not), realistic model/data pairs, and points
// near their posterior.
import { probeWebGpu, type WebGpuProbe } from "../../src/gpu/device.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { fitScalers, scaleRows } from "../../src/model/scaling.js";
import type { ModelName } from "../../src/model/structure.js";
import type { GpuModelData } from "../../src/gpu/datasetPack.js";
import { mulberry32 } from "../helpers/random.js";
import { expect } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import type { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";

export const gpuProbe: WebGpuProbe = await probeWebGpu();
export const noGpuMessage = `skipped: no WebGPU adapter (${gpuProbe.reason}); CI installs Debian's chromium, whose SwiftShader driver provides one`;

export interface Simulated extends GpuModelData {
  /** True parameters, unconstrained. */
  truth: Float64Array;
}

/** Simulated data with known parameters (the scale a fit sees). */
export function simulated(model: ModelName, seed: number, T = 104, channels = 3, extras = 1, degreesSeasonality = 2): Simulated {
  const sim = simulateDataset({ seed, T, channels, extras, model, degreesSeasonality });
  const layout = new ParameterLayout(sim.structure);
  const data = scaleRows(sim.dataset, fitScalers(sim.dataset, T));
  return { layout, data, truth: layout.unconstrainFlat(layout.readValues(sim.truth)) };
}

/** `count` points around `center`: each coordinate moved by up to +-spread (uniform). */
export function pointsNear(center: Float64Array, count: number, spread: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const dim = center.length;
  const out = new Float64Array(count * dim);
  for (let b = 0; b < count; b++) for (let i = 0; i < dim; i++) out[b * dim + i] = center[i] + spread * (2 * rand() - 1);
  return out;
}

interface Errors {
  value: number;
  grad: number;
}

/** Worst errors over a batch: value relative to max(1, |lp|), gradient relative to max(1, max |g|) of that position. */
export async function batchErrors(gpu: WebGpuMmmDensity, models: GpuModelData[], positions: Float64Array, count: number, modelOf: (b: number) => number): Promise<Errors> {
  const dim = gpu.dim;
  const grads = new Float64Array(count * dim);
  const lps = new Float64Array(count);
  await gpu.logpGradBatch(positions, grads, lps, count);
  const cpu = models.map((m) => new MmmDensity(m.layout, m.data));
  const g = new Float64Array(dim);
  let value = 0;
  let grad = 0;
  for (let b = 0; b < count; b++) {
    const m = modelOf(b);
    const u = positions.subarray(b * dim, (b + 1) * dim);
    const ref = referenceLogDensity(models[m].layout, models[m].data, u).lpJacobian;
    const lp = cpu[m].logpGrad(u, g);
    expect(Number.isFinite(lps[b]), `position ${b}: GPU logp ${lps[b]}, reference ${ref}`).toBe(true);
    value = Math.max(value, Math.abs(lps[b] - ref) / Math.max(1, Math.abs(ref)));
    expect(Math.abs(lp - ref) / Math.max(1, Math.abs(ref))).toBeLessThan(1e-10);
    let scale = 1;
    for (let i = 0; i < dim; i++) scale = Math.max(scale, Math.abs(g[i]));
    for (let i = 0; i < dim; i++) grad = Math.max(grad, Math.abs(grads[b * dim + i] - g[i]) / scale);
  }
  return { value, grad };
}
