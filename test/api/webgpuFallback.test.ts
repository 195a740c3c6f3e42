import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { fitGeoMMM } from "../../src/api/fitGeoMMM.js";
import { NotConvergedError } from "../../src/errors.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";

// What the WebGPU kernels lack (a lift-test term; geo ROI priors) runs on the
// CPU with the same ChEES sampler, and the fit says why (docs/transforms.md).
// Whether or not this machine has a GPU: the reason is decided before any probe.
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
    expect(fit.record.sampling?.fallback).toMatch(/no geo ROI priors/);
    expect(fit.diagnostics().warnings.join(" ")).toMatch(/no geo ROI priors/);
  });
});
