// A geo fit on WebGPU (the software adapter here) against the same lockstep
// sampler on the CPU: the WGSL geo kernel (src/gpu/wgsl/geo.ts) must give the
// geo posterior the float64 core gives. The density itself is checked point
// by point in test/gpu/geoDensity.test.ts; this checks a whole fit.
import { describe, expect, it } from "vitest";
import { maxStandardisedGap } from "../helpers/posteriorGap.js";
import { NotConvergedError } from "../../src/errors.js";
import { fitGeoMMM } from "../../src/api/fitGeoMMM.js";
import type { FittedGeoMMM } from "../../src/api/fittedGeoMMM.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";
import { gpuProbe, noGpuMessage } from "../gpu/gpuFixtures.js";


describe.skipIf(!gpuProbe.available)("a geo fit on WebGPU", () => {
  it("agrees with the CPU lockstep run of the same settings", async () => {
    // Two small geos, one channel: the software adapter runs a few thousand gradients per second.
    const { dataset } = makeGeoTestData({ G: 2, T: 26, C: 1, seed: 8 });
    // Steps per iteration capped at 127 (max tree depth 7), as the national WebGPU test (backend.test.ts).
    const sampler = { chains: 16, warmup: 400, samples: 100, seed: 9, maxTreeDepth: 7, method: "chees" as const };
    // The comparison is of the two backends, so a fit is compared even if it narrowly misses agreement.
    const fitOn = (backend: "webgpu" | "cpu") =>
      fitGeoMMM(dataset, { degreesSeasonality: 1, sampler: { ...sampler, backend } }).catch((e: unknown) => {
        if (e instanceof NotConvergedError) return e.fit as FittedGeoMMM;
        throw e;
      });
    const gpu = await fitOn("webgpu");
    const cpu = await fitOn("cpu");
    expect(gpu.diagnostics().backend).toBe("webgpu");
    expect(gpu.record.sampling?.fallback).toBeUndefined();
    expect(cpu.diagnostics().backend).toBe("cpu");
    expect(gpu.diagnostics().nested_r_hat!).toBeLessThan(1.1);
    expect(cpu.diagnostics().nested_r_hat!).toBeLessThan(1.1);
    const { gap, name } = maxStandardisedGap(gpu, cpu);
    if (process.env.GPU_REPORT !== undefined) {
      console.log({ gap, name, nested: [gpu.diagnostics().nested_r_hat, cpu.diagnostics().nested_r_hat], seconds: [gpu.record.timing.wallSeconds, cpu.record.timing.wallSeconds] });
    }
    expect(gap, `largest gap at ${name}`).toBeLessThan(0.35);
  }, 900_000);
});

describe.skipIf(gpuProbe.available)("a geo fit on WebGPU", () => {
  it.skip(noGpuMessage, () => {});
});
