// Programs are keyed by model structure only: densities of one structure but
// different sizes share the compiled pipelines; buffers go back to the
// device's pool and are reused.
import { describe, expect, it } from "vitest";
import { sharedGpuDevice } from "../../src/gpu/device.js";
import { bufferPoolOf } from "../../src/gpu/bufferPool.js";
import { WebGpuMmmDensity } from "../../src/gpu/webGpuMmmDensity.js";
import { programKeyOf, programKeyString } from "../../src/gpu/programKey.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { gpuProbe, noGpuMessage } from "./gpuFixtures.js";

describe("program keys", () => {
  it("depend on structure, not on sizes", () => {
    const a = makeFixture({ model: "adstock", T: 30, C: 2, F: 1, degrees: 2, seed: 1 });
    const b = makeFixture({ model: "adstock", T: 90, C: 5, F: 3, degrees: 1, seed: 2 });
    const c = makeFixture({ model: "adstock", T: 30, C: 2, F: 0, degrees: 2, seed: 3 });
    const d = makeFixture({ model: "carryover", T: 30, C: 2, F: 1, degrees: 2, seed: 4 });
    const k = (f: typeof a) => programKeyString(programKeyOf([f.layout]));
    expect(k(a)).toBe(k(b));
    expect(k(a)).not.toBe(k(c));
    expect(k(a)).not.toBe(k(d));
  });
});

describe.skipIf(!gpuProbe.available)("WebGPU pipeline cache and buffer pool", () => {
  it("reuses the pipelines of a structure and the pooled buffers of a disposed density", async () => {
    const { device } = await sharedGpuDevice();
    const small = makeFixture({ model: "adstock", T: 30, C: 2, F: 1, degrees: 2, seed: 1 });
    const large = makeFixture({ model: "adstock", T: 90, C: 5, F: 3, degrees: 1, seed: 2 });
    const other = makeFixture({ model: "adstock", T: 30, C: 2, F: 0, degrees: 2, seed: 3 });
    const d1 = await WebGpuMmmDensity.create(small, { device });
    const d2 = await WebGpuMmmDensity.create(large, { device });
    const d3 = await WebGpuMmmDensity.create(other, { device });
    expect(d2.kernel.pipelines).toBe(d1.kernel.pipelines);
    expect(d2.kernel.pipelines.evaluate).toBe(d1.kernel.pipelines.evaluate);
    expect(d3.kernel.pipelines).not.toBe(d1.kernel.pipelines);
    // Both densities of the shared program give correct, distinct results.
    const rand = mulberry32(4);
    for (const [d, f] of [[d1, small], [d2, large]] as const) {
      const u = randomPoint(d.dim, rand, 1);
      const g = new Float64Array(d.dim);
      const lp = new Float64Array(1);
      await d.logpGradBatch(u, g, lp, 1);
      const { referenceLogDensity } = await import("../../src/density/reference.js");
      const ref = referenceLogDensity(f.layout, f.data, u).lpJacobian;
      expect(Math.abs(lp[0] - ref) / Math.max(1, Math.abs(ref))).toBeLessThan(1e-5);
    }
    const pool = bufferPoolOf(device);
    const u = randomPoint(d1.dim, rand, 1);
    await d1.logpGradBatch(u, new Float64Array(d1.dim), new Float64Array(1), 1);
    await d1.dispose();
    const idle = pool.idleCount;
    expect(idle).toBeGreaterThan(0);
    const d4 = await WebGpuMmmDensity.create(small, { device });
    await d4.logpGradBatch(u, new Float64Array(d4.dim), new Float64Array(1), 1);
    expect(pool.idleCount).toBeLessThan(idle);
    for (const d of [d2, d3, d4]) d.dispose();
  });
});

describe.skipIf(gpuProbe.available)("WebGPU pipeline cache", () => {
  it.skip(noGpuMessage, () => {});
});
