import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { resolveConfig } from "../../src/fit/config.js";

describe("sampler configuration: warm-up", () => {
  it("accepts every warm-up the sampler has, Stan's by default", () => {
    expect(resolveConfig().sampler.adaptation).toBe("stan-diag");
    for (const adaptation of ["stan-diag", "pooled-diag", "pooled-dense", "nutpie-diag", "dense"] as const) {
      expect(resolveConfig({ sampler: { adaptation } }).sampler.adaptation).toBe(adaptation);
    }
  });

  it("names the options when given an unknown one", () => {
    const bad = () => resolveConfig({ sampler: { adaptation: "pooled" as never } });
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(/adaptation must be one of stan-diag, pooled-diag, pooled-dense, nutpie-diag, dense, lowrank, fisher-dense, got "pooled"/);
  });
});

describe("sampler configuration: tempering", () => {
  it("is off unless asked for, and takes replicas and the hottest power", () => {
    expect(resolveConfig().sampler.tempering).toBeUndefined();
    const s = resolveConfig({ sampler: { tempering: 4, temperingMinBeta: 0.3 } }).sampler;
    expect([s.tempering, s.temperingMinBeta]).toEqual([4, 0.3]);
    expect(resolveConfig({ sampler: { tempering: 1, method: "chees" } }).sampler.tempering).toBe(1);
  });
  it("names what is wrong", () => {
    const bad = (sampler: object, message: RegExp) => {
      expect(() => resolveConfig({ sampler })).toThrow(InputError);
      expect(() => resolveConfig({ sampler })).toThrow(message);
    };
    bad({ tempering: 0 }, /tempering \(replicas per chain\) must be an integer >= 1, got 0/);
    bad({ tempering: 2.5 }, /tempering \(replicas per chain\)/);
    bad({ tempering: 65 }, /at most 64/);
    bad({ tempering: 4, temperingMinBeta: 1 }, /tempering min beta must lie strictly between 0 and 1, got 1/);
    bad({ tempering: 4, method: "chees" }, /tempering runs NUTS chains on the CPU/);
    bad({ tempering: 4, backend: "webgpu" }, /tempering runs NUTS chains on the CPU/);
    bad({ tempering: 4, adaptation: "pooled-diag" }, /does not combine with adaptation pooled-diag/);
  });
});

describe("sampler configuration: draws until the chains agree", () => {
  it("lets the default draws go on to 10 x them, and takes draws asked for as exactly those unless max samples is given", () => {
    expect(resolveConfig().sampler).toMatchObject({ samples: 1000, maxSamples: 10000 });
    expect(resolveConfig({ sampler: { samples: 500 } }).sampler).toMatchObject({ samples: 500, maxSamples: 500 });
    expect(resolveConfig({ sampler: { samples: 500, maxSamples: 2000 } }).sampler).toMatchObject({ samples: 500, maxSamples: 2000 });
    expect(resolveConfig({ sampler: { maxSamples: 1000 } }).sampler).toMatchObject({ samples: 1000, maxSamples: 1000 });
    // A resolved configuration resolves to itself (saved fits are read back through it).
    const resolved = resolveConfig({ sampler: { samples: 300, maxSamples: 900 } });
    expect(resolveConfig(resolved).sampler).toMatchObject({ samples: 300, maxSamples: 900 });
  });
  it("names what is wrong", () => {
    expect(() => resolveConfig({ sampler: { samples: 500, maxSamples: 400 } })).toThrow(InputError);
    expect(() => resolveConfig({ sampler: { samples: 500, maxSamples: 400 } })).toThrow(/max samples \(400\) must be at least samples \(500\)/);
    expect(() => resolveConfig({ sampler: { maxSamples: 2.5 } })).toThrow(/max samples must be an integer >= 1, got 2.5/);
  });
});

describe("sampler configuration: GPU lanes", () => {
  it("leaves them unset (one invocation per chain) unless given, and takes powers of two up to 256", () => {
    expect(resolveConfig({}).sampler.gpuLanes).toBeUndefined();
    for (const gpuLanes of [2, 32, 256]) expect(resolveConfig({ sampler: { gpuLanes, backend: "webgpu" } }).sampler.gpuLanes).toBe(gpuLanes);
    expect(resolveConfig({ sampler: { gpuLanes: 8, method: "chees" } }).sampler.gpuLanes).toBe(8);
    expect(resolveConfig({ sampler: { gpuLanes: 1 } }).sampler.gpuLanes).toBe(1);
  });

  it("refuses lanes where no WebGPU lockstep chains run (NUTS, or the CPU backend)", () => {
    for (const sampler of [{ gpuLanes: 32 }, { gpuLanes: 32, backend: "cpu" as const, method: "chees" as const }]) {
      expect(() => resolveConfig({ sampler })).toThrow(/gpu lanes apply to lockstep chains on WebGPU/);
    }
  });

  it("names what is wrong", () => {
    for (const gpuLanes of [0, 3, 48, 512, 1.5]) {
      expect(() => resolveConfig({ sampler: { gpuLanes, backend: "webgpu" } })).toThrow(new RegExp(`gpu lanes must be a power of two from 1 to 256, got ${gpuLanes}`));
    }
  });
});
