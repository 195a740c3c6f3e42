import { describe, expect, it } from "vitest";
import { nestedRhat, nestedRhatPerParameter, potentialScaleReduction } from "../../src/diagnostics/index.js";
import { ar1Chains, iidNormalChains, normalGenerator } from "./random.js";

const f64 = (values: number[]) => new Float64Array(values);

describe("nested R-hat: the formula on a case worked by hand", () => {
  it("K = 2 superchains of M = 2 chains x N = 2 draws", () => {
    // Chains [0,2], [2,4] | [4,6], [6,8]: chain means 1, 3 | 5, 7; chain variances all 2.
    // Superchain means 2, 6 -> overall 4, B_nu = (4 + 4) / 1 = 8.
    // B_k = ((1-2)^2 + (3-2)^2) / 1 = 2 for both; W_k = 2 -> W_nu = 4.
    // nested R-hat = sqrt(1 + 8 / 4) = sqrt(3).
    const chains = [f64([0, 2]), f64([2, 4]), f64([4, 6]), f64([6, 8])];
    expect(nestedRhat(chains, 2)).toBeCloseTo(Math.sqrt(3), 14);
    // The same grouping by explicit ids, in any order of labels.
    expect(nestedRhat(chains, [7, 7, 3, 3])).toBeCloseTo(Math.sqrt(3), 14);
    // Regrouped so each superchain spans both ends: superchain means 4 and 4 -> B_nu = 0.
    expect(nestedRhat(chains, [1, 2, 2, 1])).toBe(1);
  });
});

describe("nested R-hat on synthetic chains", () => {
  it("well-mixed chains: close to 1 (about sqrt(1 + 1/(M (N + 1))) for iid draws)", () => {
    const chains = iidNormalChains(11, 256, 10, 3, 2); // K = 16, M = 16, N = 10
    const value = nestedRhat(chains, 16);
    expect(value).toBeGreaterThanOrEqual(1);
    expect(value).toBeLessThan(1.01);
  });

  it("well-mixed autocorrelated short chains: still close to 1", () => {
    const chains = ar1Chains(12, 512, 20, 0.5); // K = 32, M = 16
    expect(nestedRhat(chains, 32)).toBeLessThan(1.01);
  });

  it("one draw per chain works when M > 1", () => {
    const chains = iidNormalChains(13, 1024, 1); // K = 32, M = 32, N = 1
    const value = nestedRhat(chains, 32);
    expect(value).toBeGreaterThanOrEqual(1);
    expect(value).toBeLessThan(1.05); // about sqrt(1 + 1/32) = 1.016
  });

  it("superchains stuck at different modes: well above 1", () => {
    const normal = normalGenerator(14);
    const K = 8;
    const M = 16;
    // Superchains alternate between modes at -3 and +3; every chain mixes locally.
    const chains = Array.from({ length: K * M }, (_, c) => {
      const mode = Math.floor(c / M) % 2 === 0 ? -3 : 3;
      return Float64Array.from({ length: 20 }, () => mode + normal());
    });
    expect(nestedRhat(chains, K)).toBeGreaterThan(2);
  });

  it("superchains that have not forgotten their starting points: above 1.1", () => {
    // AR(1) chains with phi = 0.98 started at their superchain's common point.
    const normal = normalGenerator(15);
    const K = 16;
    const M = 8;
    const starts = Array.from({ length: K }, () => 4 * normal());
    const chains = Array.from({ length: K * M }, (_, c) => {
      let x = starts[Math.floor(c / M)]!;
      return Float64Array.from({ length: 20 }, () => (x = 0.98 * x + Math.sqrt(1 - 0.98 * 0.98) * normal()));
    });
    expect(nestedRhat(chains, K)).toBeGreaterThan(1.1);
  });

  it("chains within a superchain may disagree: that is within-superchain variance", () => {
    // Every superchain holds one chain near each of two modes; superchains agree.
    const normal = normalGenerator(16);
    const chains = Array.from({ length: 64 }, (_, c) => {
      const mode = c % 2 === 0 ? -3 : 3;
      return Float64Array.from({ length: 20 }, () => mode + 0.1 * normal());
    });
    expect(nestedRhat(chains, 32)).toBeLessThan(1.01); // M = 2: one chain per mode in each superchain
  });

  it("M = 1 is the classic unsplit R-hat with nested R-hat^2 = R-hat^2 + 1/N (the paper's footnote)", () => {
    for (const [seed, n] of [
      [21, 5],
      [22, 50],
    ] as const) {
      const chains = ar1Chains(seed, 12, n, 0.7);
      const classic = potentialScaleReduction(chains);
      expect(nestedRhat(chains, 12) ** 2).toBeCloseTo(classic ** 2 + 1 / n, 12);
    }
  });
});

describe("nested R-hat: edge cases", () => {
  it("NaN for non-finite or constant draws and for a single superchain", () => {
    const good = iidNormalChains(31, 8, 10);
    expect(nestedRhat([...good.slice(0, 7), f64([...good[7]!.slice(0, 9), Number.NaN])], 4)).toBeNaN();
    expect(nestedRhat([...good.slice(0, 7), f64([...good[7]!.slice(0, 9), Infinity])], 4)).toBeNaN();
    expect(nestedRhat(Array.from({ length: 4 }, () => f64([2, 2, 2])), 2)).toBeNaN();
    expect(nestedRhat(good, 1)).toBeNaN();
  });

  it("rejects groupings that are not equal-sized superchains", () => {
    const good = iidNormalChains(32, 6, 10);
    expect(() => nestedRhat(good, 4)).toThrow(/do not divide/);
    expect(() => nestedRhat(good, [0, 0, 0, 1, 1, 2])).toThrow(/differ in size/);
    expect(() => nestedRhat(good, [0, 1])).toThrow(/superchain ids for 6 chains/);
  });

  it("per parameter of a row-major trace", () => {
    const normal = normalGenerator(33);
    // dim 2: column 0 well mixed, column 1 stuck per superchain (K = 4, M = 4).
    const draws = Array.from({ length: 16 }, (_, c) =>
      Float64Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? normal() : 5 * Math.floor(c / 4) + normal())),
    );
    const values = nestedRhatPerParameter(draws, 2, 4);
    expect(values[0]!).toBeLessThan(1.05);
    expect(values[1]!).toBeGreaterThan(2);
  });
});
