// The WebGPU density with ROI priors (wgsl/roi.ts: the coefficients derived
// from the sampled ROIs on the GPU, the chain rule through the calibration
// sums) against the WebAssembly core's float64 density (checked against the
// float64 reference and finite differences in test/density/roiPrior.test.ts),
// with the calibration period the whole data or a part of it.
import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { roiCalibration } from "../../src/model/roiCalibration.js";
import type { ModelName } from "../../src/model/structure.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { NotConvergedError } from "../../src/errors.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { gpuProbe, noGpuMessage } from "./gpuFixtures.js";

const VALUE_TOL = 1e-5;
const GRAD_TOL = 5e-5;
const report = process.env.GPU_REPORT !== undefined;

/** The model with ROI priors on data `data`: calibration over [start, end), scalers of the same order as a fit's. */
function withRoi(model: ModelName, layout: ParameterLayout, data: Parameters<typeof roiCalibration>[0]["data"], part: boolean) {
  const C = layout.structure.nChannels;
  const cal = roiCalibration({
    data,
    nChannels: C,
    channelNames: Array.from({ length: C }, (_, c) => `ch${c}`),
    mediaScale: (c) => 1000 * (1 + c),
    targetScale: () => 50000,
    rows: part ? [Math.floor(data.T / 4), data.T - 3] : [0, data.T],
  });
  return { layout: new ParameterLayout({ ...layout.structure, model, roiPrior: true }), data: { ...data, roiCalibration: cal } };
}

describe.skipIf(!gpuProbe.available)("WebGPU density with ROI priors against the float64 core", () => {
  for (const [k, model] of (["hill_adstock", "carryover", "geometric+logistic", "weibull_cdf+hill", "delayed+michaelis_menten", "weibull_pdf+root"] as ModelName[]).entries()) {
    it(`${model}: random points, calibration ${k % 2 === 0 ? "the whole data" : "a part"}`, async () => {
      const fx = makeFixture({ model, T: 48, C: 3, F: 1, degrees: 1, seed: 40 + k });
      const m = withRoi(model, fx.layout, fx.data, k % 2 === 1);
      const dim = m.layout.dim;
      const count = 16;
      const rand = mulberry32(50 + k);
      const positions = new Float64Array(count * dim);
      for (let b = 0; b < count; b++) positions.set(randomPoint(dim, rand, 1), b * dim);
      const gpu = await WebGpuMmmDensity.create([m]);
      try {
        const grads = new Float64Array(count * dim);
        const lps = new Float64Array(count);
        await gpu.logpGradBatch(positions, grads, lps, count);
        const cpu = new MmmDensity(m.layout, m.data);
        const g = new Float64Array(dim);
        let value = 0;
        let grad = 0;
        for (let b = 0; b < count; b++) {
          const lp = cpu.logpGrad(positions.subarray(b * dim, (b + 1) * dim), g);
          expect(Number.isFinite(lps[b]), `position ${b}: GPU ${lps[b]}, CPU ${lp}`).toBe(true);
          value = Math.max(value, Math.abs(lps[b] - lp) / Math.max(1, Math.abs(lp)));
          const scale = Math.max(1, ...Array.from(g, Math.abs));
          for (let i = 0; i < dim; i++) grad = Math.max(grad, Math.abs(grads[b * dim + i] - g[i]) / scale);
        }
        if (report) console.log(model, "roi", { value, grad });
        expect(value).toBeLessThan(VALUE_TOL);
        expect(grad).toBeLessThan(GRAD_TOL);
      } finally {
        gpu.dispose();
      }
    });
  }
});

describe.skipIf(!gpuProbe.available)("a fit with ROI priors on WebGPU", () => {
  it("runs on the GPU (no fallback) and reports the derived coefficients and finite ROIs", async () => {
    const sim = simulateDataset({ seed: 8, T: 26, channels: 2, extras: 0 });
    const sampler = { chains: 8, warmup: 60, samples: 20, seed: 9, maxTreeDepth: 5, method: "chees" as const, backend: "webgpu" as const };
    const fit = await fitMMM(sim.dataset, { degreesSeasonality: 1, roiPrior: true, sampler }).catch((e: unknown) => {
      if (e instanceof NotConvergedError) return e.fit as FittedMMM;
      throw e;
    });
    expect(fit.diagnostics().backend).toBe("webgpu");
    expect(fit.summary().some((r) => r.name === "coef_media[1]")).toBe(true);
    for (const r of fit.roi()) expect(Number.isFinite(r.mean) && r.mean! > 0).toBe(true);
  }, 300_000);
});

describe.skipIf(gpuProbe.available)("WebGPU density with ROI priors", () => {
  it.skip(noGpuMessage, () => {});
});
