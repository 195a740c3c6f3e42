import { describe, expect, it } from "vitest";
import { StanWarmup } from "../../src/adaptation/warmup.js";
import { createWarmupScheme } from "../../src/adaptation/warmupSchemes.js";
import { createNutsKernel } from "../../src/sampler/kernel.js";
import { findInitialState } from "../../src/sampler/init.js";
import { createRng } from "../../src/rng/random.js";
import { sampleChain } from "../../src/samplerApi.js";
import { resolveConfig } from "../../src/fit/config.js";
import { InputError } from "../../src/errors.js";
import { diagonalNormal } from "./models/gaussians.js";

// The Stan-style warm-ups start their metric at the identity (Stan's) or, with
// initialMetric "gradient", at 1 / |grad| per coordinate at the chain's start
// (nutpie's first guess); the first metric update replaces either.

const scales = [0.01, 0.1, 1, 10, 100];
const density = diagonalNormal(scales);

function startAt(x: number[]) {
  const rng = createRng(7, 0);
  const kernel = createNutsKernel(density);
  const state = findInitialState(density, { kind: "point", position: Float64Array.from(x) }, rng);
  return { rng, kernel, state };
}

describe("initial metric", () => {
  it("gradient: the diagonal 1 / |grad| at the start, diag and dense; unit: the identity", () => {
    const x = [0.02, -0.05, 0.5, 4, -30];
    const expected = x.map((xi, i) => 1 / Math.abs(xi / scales[i]! ** 2));
    const { rng, kernel, state } = startAt(x);
    const diag = new StanWarmup(5, 300, false, { initialMetric: "gradient" }).init(state, kernel, rng);
    expect(Array.from(diag.metric.inverseMetric())).toEqual(expected.map((v) => expect.closeTo(v, 12)));
    const dense = new StanWarmup(5, 300, true, { initialMetric: "gradient" }).init(state, kernel, rng);
    const m = dense.metric.inverseMetric();
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(m[i * 5 + j]).toBeCloseTo(i === j ? expected[i]! : 0, 12);
    const unit = new StanWarmup(5, 300, false).init(state, kernel, rng);
    expect(Array.from(unit.metric.inverseMetric())).toEqual([1, 1, 1, 1, 1]);
  });

  it("a coordinate with zero gradient gets 1; an explicit initial inverse metric wins over either", () => {
    const { rng, kernel, state } = startAt([0, 0.1, 1, 10, 100]);
    const t = new StanWarmup(5, 300, false, { initialMetric: "gradient" }).init(state, kernel, rng);
    expect(t.metric.inverseMetric()[0]).toBe(1);
    const given = Float64Array.of(2, 2, 2, 2, 2);
    const g = createWarmupScheme("stan-diag", 5, 300, { initialMetric: "gradient", initialInverseMetric: given }).init(state, kernel, rng);
    expect(Array.from(g.metric.inverseMetric())).toEqual([2, 2, 2, 2, 2]);
  });

  it("on coordinates four orders of magnitude apart, the first window costs far fewer gradients and the draws stay right", () => {
    const base = { seed: 11, numWarmup: 500, numDraws: 1000, initialPosition: Float64Array.from(scales), initRadius: 0.5, keepWarmup: true };
    const firstWindow = (r: ReturnType<typeof sampleChain>) => r.warmupStats!.nLeapfrog.subarray(0, 100).reduce((a, b) => a + b, 0);
    const unit = sampleChain(density, { ...base, initialMetric: "unit" });
    const gradient = sampleChain(density, { ...base, initialMetric: "gradient" });
    // The identity runs the first window's trajectories into the depth cap (1023 steps) to cross the widest coordinate.
    expect(firstWindow(gradient)).toBeLessThan(firstWindow(unit) / 3);
    for (let i = 0; i < 5; i++) {
      let s = 0;
      let ss = 0;
      for (let k = 0; k < 1000; k++) {
        const v = gradient.draws[k * 5 + i]!;
        s += v;
        ss += v * v;
      }
      const mean = s / 1000;
      const sd = Math.sqrt(ss / 1000 - mean * mean);
      // Loose bounds (a few MCSE at an ESS of a few hundred): the scale is right, not just finite.
      expect(Math.abs(mean)).toBeLessThan(0.25 * scales[i]!);
      expect(sd / scales[i]!).toBeGreaterThan(0.8);
      expect(sd / scales[i]!).toBeLessThan(1.2);
    }
  });

  it("the fit's setting is checked by name", () => {
    expect(resolveConfig({ sampler: { initialMetric: "gradient" } }).sampler.initialMetric).toBe("gradient");
    expect(() => resolveConfig({ sampler: { initialMetric: "fisher" as never } })).toThrow(InputError);
    expect(() => resolveConfig({ sampler: { initialMetric: "fisher" as never } })).toThrow(/initial metric must be one of unit, gradient, got "fisher"/);
  });
});
