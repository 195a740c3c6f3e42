import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LogDensity } from "../../src/density/types.js";
import { sampleChain, type AdaptationKind, type ChainResult } from "../../src/samplerApi.js";
import { diagonalNormal, standardNormal } from "./models/gaussians.js";

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function same(a: ChainResult, b: ChainResult): void {
  expect(bytes(a.draws).equals(bytes(b.draws))).toBe(true);
  for (const k of Object.keys(a.stats) as Array<keyof ChainResult["stats"]>) {
    expect(bytes(a.stats[k]).equals(bytes(b.stats[k]))).toBe(true);
  }
  expect(a.stepSize).toBe(b.stepSize);
  expect(bytes(a.metric.inverseMetric).equals(bytes(b.metric.inverseMetric))).toBe(true);
  expect(a.gradientEvaluations).toEqual(b.gradientEvaluations);
}

describe("sampleChain", () => {
  afterEach(() => vi.restoreAllMocks());

  const density = diagonalNormal([0.5, 1, 2, 4]);
  const base = { seed: 42, numWarmup: 300, numDraws: 200, initialPosition: new Float64Array(4), initRadius: 2 };

  it.each<AdaptationKind>(["stan-diag", "nutpie-diag", "dense"])("is bit-identical for the same seed and chain (%s)", (adaptation) => {
    const a = sampleChain(density, { ...base, adaptation, chainId: 3 });
    const b = sampleChain(density, { ...base, adaptation, chainId: 3 });
    same(a, b);
    expect(a.draws.length).toBe(200 * 4);
  });

  // sha256 of the draws as sampleChain gave them at commit 1b988f0, before
  // chains could run in stages (ChainRunner): running in one stage must not
  // move a bit. A deliberate change to the draws updates these, and says why.
  it.each<[AdaptationKind, string]>([
    ["stan-diag", "9f09736ecb273047"],
    ["nutpie-diag", "7741a4631e18963f"],
    ["dense", "20fbbad0782a281e"],
  ])("gives the draws it gave before staged running (%s)", (adaptation, digest) => {
    const r = sampleChain(density, { ...base, adaptation, chainId: 3 });
    expect(createHash("sha256").update(bytes(r.draws)).digest("hex").slice(0, 16)).toBe(digest);
  });

  it("gives different draws for different chain ids and seeds", () => {
    const a = sampleChain(density, { ...base, chainId: 0 });
    const b = sampleChain(density, { ...base, chainId: 1 });
    const c = sampleChain(density, { ...base, seed: 43, chainId: 0 });
    expect(bytes(a.draws).equals(bytes(b.draws))).toBe(false);
    expect(bytes(a.draws).equals(bytes(c.draws))).toBe(false);
    expect(bytes(a.initialPosition).equals(bytes(b.initialPosition))).toBe(false);
  });

  it("never calls Math.random", () => {
    const spy = vi.spyOn(Math, "random").mockImplementation(() => {
      throw new Error("Math.random called");
    });
    for (const adaptation of ["stan-diag", "nutpie-diag", "dense"] as const) {
      sampleChain(density, { ...base, adaptation, numWarmup: 100, numDraws: 20 });
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it("counts gradient evaluations per phase", () => {
    let calls = 0;
    const counting: LogDensity = {
      dim: 4,
      logp: (x) => density.logp(x),
      logpGrad: (x, g) => {
        calls++;
        return density.logpGrad(x, g);
      },
    };
    const r = sampleChain(counting, { ...base, keepWarmup: true });
    let sampling = 0;
    for (const n of r.stats.nLeapfrog) sampling += n;
    let warmupLeapfrog = 0;
    for (const n of r.warmupStats!.nLeapfrog) warmupLeapfrog += n;
    expect(r.gradientEvaluations.sampling).toBe(sampling);
    expect(r.gradientEvaluations.warmup + r.gradientEvaluations.sampling).toBe(calls);
    // Warm-up = transitions + initialisation + step-size heuristics.
    expect(r.gradientEvaluations.warmup).toBeGreaterThan(warmupLeapfrog);
    expect(r.warmupDraws!.length).toBe(300 * 4);
    expect(r.warmupStats!.stepSize.length).toBe(300);
  });

  it("records per-draw statistics consistently", () => {
    const r = sampleChain(density, { ...base, maxTreeDepth: 4 });
    for (let i = 0; i < r.numDraws; i++) {
      const depth = r.stats.treeDepth[i]!;
      const n = r.stats.nLeapfrog[i]!;
      expect(depth).toBeLessThanOrEqual(4);
      // depth accepted doublings take 2^depth - 1 steps, plus at most one
      // rejected (U-turning or divergent) subtree of up to 2^depth steps
      expect(n).toBeGreaterThanOrEqual(Math.max(1, 2 ** depth - 1));
      expect(n).toBeLessThanOrEqual(2 ** (depth + 1) - 1);
      expect(r.stats.acceptStat[i]!).toBeGreaterThanOrEqual(0);
      expect(r.stats.acceptStat[i]!).toBeLessThanOrEqual(1);
      expect(r.stats.stepSize[i]).toBe(r.stepSize);
      const x = r.draws.subarray(i * 4, i * 4 + 4);
      expect(r.stats.logp[i]).toBe(density.logp(x));
      // energy = -logp + kinetic >= -logp
      expect(r.stats.energy[i]!).toBeGreaterThanOrEqual(-r.stats.logp[i]!);
    }
  });

  it("reports progress about every 1% and stops when asked", () => {
    const calls: Array<[number, string, number]> = [];
    const r = sampleChain(standardNormal(3), { ...base, initialPosition: new Float64Array(3), numWarmup: 500, numDraws: 500 }, {
      onProgress: (it, phase, div) => calls.push([it, phase, div]),
    });
    expect(r.interrupted).toBe(false);
    expect(calls.length).toBeLessThanOrEqual(101);
    expect(calls.length).toBeGreaterThanOrEqual(99);
    expect(calls.at(-1)).toEqual([1000, "sampling", r.divergences.sampling]);
    expect(calls.filter((c) => c[1] === "warmup").every((c) => c[0] <= 500)).toBe(true);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThan(calls[i - 1]![0]);

    let polls = 0;
    const stopped = sampleChain(standardNormal(3), { ...base, initialPosition: new Float64Array(3) }, {
      shouldStop: () => ++polls > 350,
    });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.numWarmup).toBe(300);
    expect(stopped.numDraws).toBe(50);
    expect(stopped.draws.length).toBe(50 * 3);
    expect(stopped.stats.logp.length).toBe(50);

    const early = sampleChain(standardNormal(3), { ...base, initialPosition: new Float64Array(3) }, { shouldStop: () => true });
    expect(early.interrupted).toBe(true);
    expect(early.numWarmup).toBe(0);
    expect(early.numDraws).toBe(0);
  });

  it("samples with a fixed step size and metric when numWarmup = 0", () => {
    const r = sampleChain(density, {
      ...base,
      numWarmup: 0,
      initialStepSize: 0.3,
      initialInverseMetric: Float64Array.of(0.25, 1, 4, 16),
    });
    expect(r.stepSize).toBe(0.3);
    expect(Array.from(r.metric.inverseMetric)).toEqual([0.25, 1, 4, 16]);
    expect(r.gradientEvaluations.warmup).toBe(1);
  });

  it("validates its options", () => {
    expect(() => sampleChain(density, { ...base, initialPosition: new Float64Array(3) })).toThrow(/length 4/);
    expect(() => sampleChain(density, { ...base, targetAccept: 1 })).toThrow(/targetAccept/);
    expect(() => sampleChain(density, { ...base, numDraws: -1 })).toThrow(/numDraws/);
    expect(() => sampleChain(density, { ...base, adaptation: "bogus" as AdaptationKind })).toThrow(/adaptation/);
    expect(() => sampleChain(density, { ...base, seed: -3 })).toThrow(/seed/);
  });
});
