import { describe, expect, it } from "vitest";
import {
  foldAroundMedian,
  isConstant,
  pooledRanks,
  rankNormalize,
  splitChains,
} from "../../src/diagnostics/chains.js";
import { inverseNormalCdf } from "../../src/diagnostics/normal.js";

const f64 = (values: number[]) => new Float64Array(values);

describe("splitChains", () => {
  it("cuts even-length chains into halves", () => {
    const split = splitChains([f64([1, 2, 3, 4]), f64([5, 6, 7, 8])]);
    expect(split.map((c) => Array.from(c))).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
  });

  it("drops the middle draw of odd-length chains", () => {
    const split = splitChains([f64([1, 2, 3, 4, 5])]);
    expect(split.map((c) => Array.from(c))).toEqual([[1, 2], [4, 5]]);
  });

  it("rejects chains of unequal length or no chains", () => {
    expect(() => splitChains([f64([1, 2]), f64([1, 2, 3])])).toThrow(RangeError);
    expect(() => splitChains([])).toThrow(RangeError);
  });
});

describe("rank normalisation", () => {
  it("gives pooled 1-based ranks with ties averaged", () => {
    // pooled: 3, 1, 4, 1 | 5, 9, 2, 6 -> the two 1s share ranks 1 and 2.
    const ranks = pooledRanks([f64([3, 1, 4, 1]), f64([5, 9, 2, 6])]);
    expect(ranks.map((c) => Array.from(c))).toEqual([
      [4, 1.5, 5, 1.5],
      [6, 8, 3, 7],
    ]);
  });

  it("maps rank r to Phi^-1((r - 3/8) / (S + 1/4))", () => {
    const z = rankNormalize([f64([10, 30]), f64([20, 20])]);
    const S = 4;
    const expected = [
      [1, 4],
      [2.5, 2.5],
    ].map((chain) => chain.map((r) => inverseNormalCdf((r - 3 / 8) / (S + 1 / 4))));
    for (let c = 0; c < 2; c++) for (let i = 0; i < 2; i++) expect(z[c][i]).toBeCloseTo(expected[c][i], 14);
  });

  it("is invariant to monotone transformations of the draws", () => {
    const chains = [f64([0.3, -1.2, 2.5, 0.1]), f64([-0.4, 1.7, 0.9, -2.2])];
    const transformed = chains.map((c) => c.map((x) => Math.exp(3 * x) + 7));
    expect(rankNormalize(transformed)).toEqual(rankNormalize(chains));
  });
});

describe("folding and constancy", () => {
  it("folds around the pooled median", () => {
    // pooled median of {1, 2, 6, 10} is (2 + 6) / 2 = 4.
    const folded = foldAroundMedian([f64([1, 10]), f64([6, 2])]);
    expect(folded.map((c) => Array.from(c))).toEqual([
      [3, 6],
      [2, 2],
    ]);
  });

  it("detects constant draws over all chains only", () => {
    expect(isConstant([f64([2, 2]), f64([2, 2])])).toBe(true);
    expect(isConstant([f64([2, 2]), f64([3, 3])])).toBe(false);
  });
});
