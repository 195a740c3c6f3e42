import { describe, expect, it } from "vitest";
import { maxStandardisedGap } from "../helpers/posteriorGap.js";
import { FittedMMM, NotConvergedError, fitMMM, simulateDataset } from "../../src/index.js";
import { planSampling } from "../../src/services/backend.js";
import { probeWebGpu } from "../../src/gpu/device.js";

const yes = async () => ({ available: true });
const no = async () => ({ available: false, reason: "no adapter found" });

describe("choosing the sampling backend", () => {
  it("keeps NUTS on the CPU for a handful of chains, whatever the GPU", async () => {
    expect(await planSampling("auto", undefined, 4, yes)).toEqual({ method: "nuts", backend: "cpu" });
    expect(await planSampling("cpu", undefined, 4096, yes)).toEqual({ method: "nuts", backend: "cpu" });
  });

  it("auto runs NUTS at any chain count; lockstep only when asked for, on the GPU when there is one", async () => {
    for (const chains of [64, 256, 1024, 16384]) {
      expect(await planSampling("auto", undefined, chains, yes)).toEqual({ method: "nuts", backend: "cpu" });
    }
    expect(await planSampling("auto", "chees", 256, yes)).toEqual({ method: "chees", backend: "webgpu" });
    expect(await planSampling("auto", "chees", 256, no)).toEqual({ method: "chees", backend: "cpu" });
    expect(await planSampling("webgpu", undefined, 256, yes)).toEqual({ method: "chees", backend: "webgpu" });
  });

  it("never picks a software adapter on its own, but uses it when asked", async () => {
    const swift = async () => ({ available: true, adapter: "google swiftshader SwiftShader driver 5.0.0" });
    expect(await planSampling("auto", "chees", 1024, swift)).toEqual({ method: "chees", backend: "cpu" });
    expect(await planSampling("webgpu", undefined, 1024, swift)).toEqual({ method: "chees", backend: "webgpu" });
  });

  it("falls back to the CPU with a message naming the reason when WebGPU is asked for but absent", async () => {
    const plan = await planSampling("webgpu", undefined, 8, no);
    expect(plan.backend).toBe("cpu");
    expect(plan.method).toBe("chees");
    expect(plan.fallback).toMatch(/WebGPU is not available \(no adapter found\)/);
  });

  it("refuses NUTS on the GPU and ChEES with one chain", async () => {
    await expect(planSampling("webgpu", "nuts", 8, yes)).rejects.toThrow(/runs ChEES-HMC/);
    await expect(planSampling("cpu", "chees", 1, yes)).resolves.toEqual({ method: "chees", backend: "cpu" });
    await expect(planSampling("auto", "chees", 1, yes)).rejects.toThrow(/at least 2 chains/);
  });

  it("rejects unknown settings naming the option", async () => {
    const sim = simulateDataset({ seed: 3, T: 30, channels: 2, extras: 0 });
    await expect(fitMMM(sim.dataset, { sampler: { backend: "gpu" as never } })).rejects.toThrow(/backend must be one of auto, cpu, webgpu/);
    await expect(fitMMM(sim.dataset, { sampler: { method: "hmc" as never } })).rejects.toThrow(/method must be nuts or chees/);
  });
});


describe("ChEES-HMC through fitMMM", () => {
  const sim = simulateDataset({ seed: 8, T: 52, channels: 2, extras: 1 });

  it("on the CPU gives NUTS's posterior, with nested R-hat in the diagnostics and a saved-model round trip", async () => {
    const chees = await fitMMM(sim.dataset, { sampler: { chains: 32, warmup: 400, samples: 100, seed: 5, backend: "cpu", method: "chees" } });
    const nuts = await fitMMM(sim.dataset, { sampler: { chains: 4, warmup: 500, samples: 500, seed: 5, backend: "cpu", threads: 2 } });
    const d = chees.diagnostics();
    expect(d.method).toBe("chees");
    expect(d.backend).toBe("cpu");
    expect(d.superchains).toBe(16);
    expect(d.nested_r_hat).toBeLessThan(1.05);
    expect(nuts.diagnostics().method).toBe("nuts");
    const { gap, name } = maxStandardisedGap(chees, nuts);
    expect(gap, `largest gap at ${name}`).toBeLessThan(0.35);
    const again = FittedMMM.fromBytes(chees.toBytes());
    expect(again.diagnostics().nested_r_hat).toBe(d.nested_r_hat);
    expect(again.record.sampling).toEqual(chees.record.sampling);
  }, 480_000);

  it("on WebGPU (software adapter) agrees with the CPU lockstep run", async (ctx) => {
    const probe = await probeWebGpu();
    if (!probe.available) {
      console.warn(`skipping the WebGPU fit: ${probe.reason}`);
      ctx.skip();
    }
    // A small problem: the software adapter runs ~5k gradients per second.
    const small = simulateDataset({ seed: 8, T: 26, channels: 1, extras: 0 });
    // Steps per iteration capped at 127 (max tree depth 7), so the software adapter's run stays a few minutes.
    const sampler = { chains: 16, warmup: 400, samples: 100, seed: 9, maxTreeDepth: 7, method: "chees" as const };
    // The comparison is of the two backends, so a fit is compared even if it narrowly misses agreement.
    const fitOn = (backend: "webgpu" | "cpu") =>
      fitMMM(small.dataset, { degreesSeasonality: 1, sampler: { ...sampler, backend } }).catch((e: unknown) => {
        if (e instanceof NotConvergedError) return e.fit as FittedMMM;
        throw e;
      });
    const gpu = await fitOn("webgpu");
    const cpu = await fitOn("cpu");
    expect(gpu.diagnostics().backend).toBe("webgpu");
    expect(gpu.record.sampling?.adapter).toBeTruthy();
    // 16 chains x (400 + 100) on this problem give nested R-hat 1.03-1.06 on the CPU (seeds 9, 10, 11:
    // 1.043, 1.034, 1.060; the scheme before the final-window restart fix: 1.044, 1.262, 1.063), so 1.05
    // passed or failed by the seed: the bound here guards against gross failure, the gap below is the test.
    expect(gpu.diagnostics().nested_r_hat!).toBeLessThan(1.1);
    expect(cpu.diagnostics().nested_r_hat!).toBeLessThan(1.1);
    const { gap, name } = maxStandardisedGap(gpu, cpu);
    expect(gap, `largest gap at ${name}`).toBeLessThan(0.35);
  }, 900_000);
});
