import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { fitGeoMMM } from "../../src/api/fitGeoMMM.js";
import { gpuProbeFor } from "../../src/api/fitMMM.js";
import { makeStructure } from "../../src/model/structure.js";
import { planSampling } from "../../src/services/backend.js";
import { NotConvergedError } from "../../src/errors.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";
import { gpuProbe } from "../gpu/gpuFixtures.js";

// What the WebGPU kernels lack (a lift-test term; geo ROI priors; sampling
// coordinates other than the trend's or the model's, and for geo models other
// than the model's) runs on the CPU with the same ChEES sampler, and the fit says why
// (docs/gpu.md). Whether or not this machine has a GPU: the reason is decided
// before any probe, so the reason text (not "no adapter") shows which path ran.
const sampler = { backend: "webgpu" as const, chains: 4, warmup: 40, samples: 20, seed: 3 };

/** The fit, converged or not: chains this short need not agree, and only where they ran is checked. */
async function anyway<F>(p: Promise<F>): Promise<F> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof NotConvergedError) return e.fit as F;
    throw e;
  }
}

describe("WebGPU requests the kernels cannot serve fall back to the CPU with a reason", () => {
  it("a national fit with a lift test", async () => {
    const d = simulateDataset({ seed: 4, T: 40, channels: 2, extras: 0, model: "geometric+logistic" }).dataset;
    const liftTests = [{ channel: d.channelNames[0], x: 1, deltaX: 0.5, deltaY: 0.1, sigma: 0.05 }];
    const fit = await anyway(fitMMM(d, { model: "geometric+logistic", liftTests, sampler }));
    expect(fit.record.sampling).toMatchObject({ method: "chees", backend: "cpu" });
    expect(fit.record.sampling?.fallback).toMatch(/no lift-test term/);
    expect(fit.diagnostics().warnings.join(" ")).toMatch(/no lift-test term/);
  });

  it("a geo fit with ROI priors", async () => {
    const { dataset } = makeGeoTestData({ G: 2, T: 40, C: 2, seed: 6 });
    const fit = await anyway(fitGeoMMM(dataset, { model: "weibull_cdf+hill", roiPrior: true, sampler }));
    expect(fit.record.sampling).toMatchObject({ method: "chees", backend: "cpu" });
    expect(fit.record.sampling?.fallback).toMatch(/the WebGPU geo kernel has no ROI priors/);
    expect(fit.diagnostics().warnings.join(" ")).toMatch(/geo kernel has no ROI priors/);
  });

  it("a national fit in the baseline coordinates", async () => {
    const d = simulateDataset({ seed: 4, T: 40, channels: 2, extras: 1 }).dataset;
    const fit = await anyway(fitMMM(d, { sampler: { ...sampler, parameterisation: "trend+baseline" } }));
    expect(fit.record.sampling).toMatchObject({ method: "chees", backend: "cpu" });
    expect(fit.record.sampling?.fallback).toMatch(/not "trend\+baseline" \(baseline\)/);
  });

  it("a geo fit in the noncentred coordinates", async () => {
    const { dataset } = makeGeoTestData({ G: 2, T: 40, C: 2, seed: 6 });
    const fit = await anyway(fitGeoMMM(dataset, { model: "geometric+logistic", sampler: { ...sampler, parameterisation: "noncentred" } }));
    expect(fit.record.sampling).toMatchObject({ method: "chees", backend: "cpu" });
    expect(fit.record.sampling?.fallback).toMatch(/^WebGPU is not available \(the WebGPU geo kernel integrates in the model's coordinates, not "noncentred"\): ran the same ChEES-HMC sampler on the CPU instead\.$/);
  });
});

describe("a plain geo fit with --backend webgpu runs the WGSL geo kernel", () => {
  it.skipIf(!gpuProbe.available)("on this machine's adapter, in the model's coordinates (the geo default)", async () => {
    const { dataset } = makeGeoTestData({ G: 2, T: 40, C: 2, seed: 6 });
    const fit = await anyway(fitGeoMMM(dataset, { model: "geometric+logistic", sampler }));
    expect(fit.record.sampling).toMatchObject({ method: "chees", backend: "webgpu" });
    expect(fit.record.sampling?.fallback).toBeUndefined();
    expect(fit.record.sampling?.adapter).toBe(gpuProbe.adapter);
    // Every draw a finite value of the model's parameters, per geo where the model has them.
    const draws = fit.record.chains.flatMap((c) => Array.from(c.draws));
    expect(draws.length).toBeGreaterThan(0);
    expect(draws.every(Number.isFinite)).toBe(true);
  });
});

describe("the WebGPU plan is decided before any probe for what the kernels lack", () => {
  const national = makeStructure({ model: "geometric+logistic", nChannels: 2, nExtra: 0, mediaPrior: [1, 1] });
  const geo = makeStructure({ model: "geometric+logistic", nChannels: 2, nExtra: 0, nGeos: 3, mediaPrior: [1, 1] });
  const lift = { liftTests: [{ channel: 0, geo: 1, x: 1, deltaX: 0.5, deltaY: 0.1, sigma: 0.05 }] };

  it("a plain national model keeps the machine's own probe", () => {
    expect(gpuProbeFor(national, {})).toBeUndefined();
  });

  it("a geo model in the model's coordinates keeps the machine's own probe; other coordinates and ROI priors plan the CPU", async () => {
    expect(gpuProbeFor(geo, {})).toBeUndefined();
    expect(gpuProbeFor(geo, {}, "model")).toBeUndefined();
    for (const parameterisation of ["trend", "noncentred", "season"]) {
      const plan = await planSampling("webgpu", undefined, 4, gpuProbeFor(geo, {}, parameterisation));
      expect(plan).toMatchObject({ method: "chees", backend: "cpu" });
      expect(plan.fallback).toContain(`the WebGPU geo kernel integrates in the model's coordinates, not "${parameterisation}"`);
    }
    const roi = await planSampling("webgpu", undefined, 4, gpuProbeFor({ ...geo, roiPrior: true }, {}));
    expect(roi.fallback).toMatch(/the WebGPU geo kernel has no ROI priors/);
  });

  it("a national model in coordinates the kernels lack plans the CPU; trend and the model's own keep the probe", async () => {
    expect(gpuProbeFor(national, {}, "trend")).toBeUndefined();
    expect(gpuProbeFor(national, {}, "model")).toBeUndefined();
    for (const parameterisation of ["trend+baseline", "hill"]) {
      const plan = await planSampling("webgpu", undefined, 4, gpuProbeFor(national, {}, parameterisation));
      expect(plan).toMatchObject({ method: "chees", backend: "cpu" });
      expect(plan.fallback).toContain(`integrate in the model's coordinates or the trend coordinates, not "${parameterisation}"`);
    }
  });

  it("a geo model with lift tests and ROI priors names both reasons", async () => {
    const plan = await planSampling("webgpu", "chees", 4, gpuProbeFor({ ...geo, roiPrior: true }, lift));
    expect(plan.backend).toBe("cpu");
    expect(plan.fallback).toMatch(/geo kernel has no ROI priors; the WebGPU kernels have no lift-test term/);
  });
});

describe("mmm fit --geo --backend webgpu", () => {
  it.skipIf(!gpuProbe.available)("runs the geo kernel on the adapter, whether or not the short chains converge", () => {
    const out = join(mkdtempSync(join(tmpdir(), "mmm-geo-webgpu-")), "fit");
    const args = ["fit", join("test", "fixtures", "geo_weekly.csv"), "--geo", "region", "--date", "week", "--target", "sales", "--media", "tv,search", "--extra", "price"];
    // 32 invocations share each chain (--gpu-lanes), as a GPU whose chains' latency bounds a step would run it.
    const sampling = ["--degrees-seasonality", "0", "--chains", "4", "--warmup", "60", "--samples", "30", "--seed", "3", "--backend", "webgpu", "--gpu-lanes", "32", "--no-report", "--out", out];
    const r = spawnSync(process.execPath, [join("bin", "mmm.js"), ...args, ...sampling], { encoding: "utf8" });
    // Not a refusal (2) nor a crash (1): a fit (0) or chains too short to agree (3), either way naming the reason.
    expect([0, 3]).toContain(r.status);
    expect(r.stderr).toMatch(/\(WebGPU, 32 lanes a chain, lockstep\)/);
    expect(r.stderr).not.toMatch(/WebGPU is not available/);
  }, 60_000);
});
