import { describe, expect, it } from "vitest";
import { rankNormalize, splitChains } from "../../src/diagnostics/chains.js";
import { rhat, rhatBasic, rhatBulk, rhatTail, potentialScaleReduction } from "../../src/diagnostics/rhat.js";
import { iidNormalChains } from "./random.js";

const f64 = (values: number[]) => new Float64Array(values);

/** R-hat written straight from the formula, for plain number arrays. */
function rhatByHand(chains: number[][]): number {
  const m = chains.length;
  const n = chains[0].length;
  const means = chains.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const variances = chains.map((c, j) => c.reduce((a, x) => a + (x - means[j]) ** 2, 0) / (n - 1));
  const grand = means.reduce((a, b) => a + b, 0) / m;
  const B = (n / (m - 1)) * means.reduce((a, mu) => a + (mu - grand) ** 2, 0);
  const W = variances.reduce((a, b) => a + b, 0) / m;
  const varPlus = ((n - 1) / n) * W + B / n;
  return Math.sqrt(varPlus / W);
}

describe("split R-hat on a small case worked by hand", () => {
  it("2 chains x 4 draws", () => {
    // Split halves: [1, 3], [2, 6], [0, 2], [5, 5] (n = 2, m = 4).
    // Means 2, 4, 1, 5 -> grand mean 3, B = 2 * ((1 + 1 + 4 + 4) / 3) = 20/3.
    // Variances 2, 8, 2, 0 -> W = 3. R-hat = sqrt((W/2 + B/2) / W) = sqrt(29/18).
    const chains = [f64([1, 3, 2, 6]), f64([0, 2, 5, 5])];
    expect(rhatBasic(chains)).toBeCloseTo(Math.sqrt(29 / 18), 14);
    expect(rhatBasic(chains)).toBeCloseTo(
      rhatByHand([
        [1, 3],
        [2, 6],
        [0, 2],
        [5, 5],
      ]),
      14,
    );
  });

  it("odd length drops the middle draw; unsplit uses whole chains", () => {
    const a = [0.5, 1.5, 9, -1, 2];
    const b = [3, 1, -4, 2, 2.5];
    const chains = [f64(a), f64(b)];
    const halves = [
      [0.5, 1.5],
      [-1, 2],
      [3, 1],
      [2, 2.5],
    ];
    expect(rhatBasic(chains)).toBeCloseTo(rhatByHand(halves), 14);
    expect(rhatBasic(chains, false)).toBeCloseTo(rhatByHand([a, b]), 14);
  });

  it("bulk R-hat is split R-hat of the rank-normalised draws", () => {
    const chains = [f64([0.2, 5, -3, 1.1, 0.7, 8]), f64([2.2, -0.5, 0.9, 4, 3.3, -1])];
    const z = rankNormalize(splitChains(chains)).map((c) => Array.from(c));
    expect(rhatBulk(chains)).toBeCloseTo(rhatByHand(z), 14);
  });
});

describe("R-hat on simulated chains", () => {
  it("is within 1.005 of 1 for iid normal chains", () => {
    const chains = iidNormalChains(11, 4, 1000);
    for (const value of [rhat(chains), rhatBasic(chains), rhatBulk(chains), rhatTail(chains)]) {
      expect(Math.abs(value - 1)).toBeLessThan(0.005);
    }
  });

  it("is clearly above 1.1 when chains have shifted means", () => {
    const chains = [...iidNormalChains(12, 2, 500), ...iidNormalChains(13, 2, 500, 1.5)];
    expect(rhat(chains)).toBeGreaterThan(1.2);
    expect(rhatBasic(chains)).toBeGreaterThan(1.2);
  });

  it("detects different scales through the tail (folded) R-hat only", () => {
    const chains = [...iidNormalChains(14, 2, 1000), ...iidNormalChains(15, 2, 1000, 0, 3)];
    expect(rhatTail(chains)).toBeGreaterThan(1.05);
    expect(rhat(chains)).toBeGreaterThan(1.05);
    expect(Math.abs(rhatBasic(chains) - 1)).toBeLessThan(0.01);
    expect(Math.abs(rhatBulk(chains) - 1)).toBeLessThan(0.01);
  });

  it("detects a trend within a single chain thanks to splitting", () => {
    const [noise] = iidNormalChains(16, 1, 1000);
    const trending = noise.map((x, i) => x + (3 * i) / 1000);
    expect(rhat([trending])).toBeGreaterThan(1.1);
    expect(Math.abs(rhat([noise]) - 1)).toBeLessThan(0.01);
  });
});

describe("undefined cases", () => {
  it("returns NaN for constant draws (as posterior returns NA)", () => {
    const constant = [new Float64Array(50).fill(1.5), new Float64Array(50).fill(1.5)];
    expect(rhat(constant)).toBeNaN();
    expect(rhatBasic(constant)).toBeNaN();
  });

  it("returns NaN for non-finite draws and for one unsplit chain", () => {
    const [chain] = iidNormalChains(17, 1, 100);
    expect(potentialScaleReduction([chain])).toBeNaN();
    const withNaN = chain.slice();
    withNaN[3] = NaN;
    expect(rhat([withNaN])).toBeNaN();
    withNaN[3] = Infinity;
    expect(rhatBasic([withNaN])).toBeNaN();
  });
});
