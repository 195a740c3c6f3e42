import { describe, expect, it } from "vitest";
import { autocovarianceNaive } from "../../src/diagnostics/autocovariance.js";
import { splitChains } from "../../src/diagnostics/chains.js";
import {
  effectiveSampleSize,
  essBasic,
  essBulk,
  essMean,
  essQuantile,
  essSd,
  essTail,
} from "../../src/diagnostics/ess.js";
import { ar1Chains, iidNormalChains, mulberry32 } from "./random.js";

const totalDraws = (chains: Float64Array[]) => chains.length * chains[0].length;

/**
 * ESS written independently from the paper's description, in terms of lag
 * pairs P_k = rho_{2k} + rho_{2k+1}, with O(n^2) autocovariances:
 *  - k* is the first pair that is not positive, or the first with 2k >= n - 5;
 *  - pairs before k* are made non-increasing (initial monotone sequence);
 *  - tau = -1 + 2 sum_{k < k*} P_k + (rho_{2k*} if the sequence kept it),
 *    where for k* = 0 the sum is rho_0 = 1 (posterior / Stan);
 *  - ESS = S / max(tau, 1/log10 S).
 */
function referenceEss(chains: Float64Array[]): number {
  const m = chains.length;
  const n = chains[0].length;
  if (n < 3) return NaN;
  const acovs = chains.map((c) => autocovarianceNaive(c));
  const meanAcov = (t: number) => acovs.reduce((a, acov) => a + acov[t], 0) / m;
  const means = chains.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const grand = means.reduce((a, b) => a + b, 0) / m;
  const W = (meanAcov(0) * n) / (n - 1);
  const between = m > 1 ? means.reduce((a, mu) => a + (mu - grand) ** 2, 0) / (m - 1) : 0;
  const varPlus = ((n - 1) / n) * W + between;
  // rho_0 is 1 by definition (the formula would give 1 - (W - acov_0)/var_plus).
  const rho = (t: number) => (t === 0 ? 1 : 1 - (W - meanAcov(t)) / varPlus);
  const pair = (k: number) => rho(2 * k) + rho(2 * k + 1);

  let kStar = 0;
  while (!(2 * kStar >= n - 5) && pair(kStar) > 0) kStar++;
  const pairs: number[] = [];
  for (let k = 0; k < kStar; k++) pairs.push(k === 0 ? pair(0) : Math.min(pair(k), pairs[k - 1]));
  const lastEven = rho(2 * kStar);
  const lastTerm = kStar === 0 ? 1 : lastEven > 0 || pair(kStar) >= 0 ? lastEven : 0;
  const sum = kStar === 0 ? 1 : pairs.reduce((a, b) => a + b, 0);
  const S = m * n;
  const tau = Math.max(-1 + 2 * sum + lastTerm, 1 / Math.log10(S));
  return S / tau;
}

function expectSameEss(actual: number, expected: number): void {
  if (Number.isNaN(expected)) expect(actual).toBeNaN();
  else expect(actual).toBeCloseTo(expected, 8);
}

describe("effectiveSampleSize against an independent pair-based computation", () => {
  const cases: [string, Float64Array[]][] = [
    ["iid, 4 x 50", iidNormalChains(21, 4, 50)],
    ["AR(0.7), 3 x 80", ar1Chains(22, 3, 80, 0.7)],
    ["AR(-0.6), 2 x 61", ar1Chains(23, 2, 61, -0.6)],
    ["AR(0.95), 1 x 200", ar1Chains(24, 1, 200, 0.95)],
    ["short chains, 4 x 7", iidNormalChains(25, 4, 7)],
    ["very short chains, 3 x 4 (split: too short)", iidNormalChains(26, 3, 4)],
    ["shifted means, 4 x 40", [...iidNormalChains(27, 2, 40), ...iidNormalChains(28, 2, 40, 2)]],
  ];
  it.each(cases)("%s", (_, chains) => {
    expectSameEss(effectiveSampleSize(chains), referenceEss(chains));
    expectSameEss(essBasic(chains), referenceEss(splitChains(chains)));
  });
});

describe("ESS on simulated chains", () => {
  it("is within 15% of S for iid normal draws (bulk, tail, mean, sd)", () => {
    const chains = iidNormalChains(31, 4, 2500);
    const S = totalDraws(chains);
    for (const ess of [essBulk(chains), essTail(chains), essMean(chains), essSd(chains)]) {
      expect(Math.abs(ess / S - 1)).toBeLessThan(0.15);
    }
  });

  it("is close to S (1 - phi) / (1 + phi) for AR(1) chains with phi = 0.9", () => {
    // The estimator itself has ~7% relative noise at this size, so average
    // the ratio over four independent data sets.
    const phi = 0.9;
    let ratioBasic = 0;
    let ratioBulk = 0;
    for (const seed of [41, 42, 43, 44]) {
      const chains = ar1Chains(seed, 8, 4000, phi);
      const theoretical = (totalDraws(chains) * (1 - phi)) / (1 + phi);
      ratioBasic += essBasic(chains) / theoretical / 4;
      ratioBulk += essBulk(chains) / theoretical / 4;
    }
    expect(Math.abs(ratioBasic - 1)).toBeLessThan(0.2);
    expect(Math.abs(ratioBulk - 1)).toBeLessThan(0.2);
  });

  it("exceeds S for anticorrelated AR(1) chains (phi = -0.5) but stays within the cap", () => {
    const chains = ar1Chains(51, 4, 2500, -0.5);
    const S = totalDraws(chains);
    for (const ess of [essBasic(chains), essBulk(chains)]) {
      expect(ess).toBeGreaterThan(1.5 * S); // theory: 3 S
      expect(ess).toBeLessThanOrEqual(S * Math.log10(S));
    }
  });

  it("is capped at S log10(S) for strongly anticorrelated chains", () => {
    // Theoretical ESS for phi = -0.9 is 19 S, far above the cap.
    const chains = ar1Chains(52, 4, 1000, -0.9);
    const S = totalDraws(chains);
    expect(essBasic(chains)).toBeCloseTo(S * Math.log10(S), 8);
  });

  it("bulk ESS is invariant to monotone transformations, basic ESS is not", () => {
    const chains = ar1Chains(53, 4, 500, 0.5);
    const transformed = chains.map((c) => c.map((x) => Math.exp(2 * x)));
    expect(essBulk(transformed)).toBeCloseTo(essBulk(chains), 9);
    expect(Math.abs(essBasic(transformed) - essBasic(chains))).toBeGreaterThan(1);
  });

  it("is low when chains disagree", () => {
    const chains = [...iidNormalChains(54, 2, 500), ...iidNormalChains(55, 2, 500, 1.5)];
    expect(essBulk(chains)).toBeLessThan(0.2 * totalDraws(chains));
  });
});

describe("quantile ESS", () => {
  it("is the ESS of the split indicator x <= q_p", () => {
    const chains = ar1Chains(61, 3, 301, 0.6);
    const pooled = Float64Array.from(chains.flatMap((c) => Array.from(c))).sort();
    // type-7 quantile at p = 0.3 of 903 draws: h = 902 * 0.3 = 270.6
    const q = 0.4 * pooled[270] + 0.6 * pooled[271];
    const indicator = chains.map((c) => c.map((x) => (x <= q ? 1 : 0)));
    expect(essQuantile(chains, 0.3)).toBeCloseTo(referenceEss(splitChains(indicator)), 8);
  });

  it("counts draws equal to the quantile as below it (x <= q) for tied draws", () => {
    // Discrete AR-like chains on {0, 1, 2, 3}; the pooled median is a draw value.
    const uniform = mulberry32(64);
    const chains = Array.from({ length: 3 }, () => {
      const chain = new Float64Array(200);
      for (let i = 1; i < 200; i++) chain[i] = uniform() < 0.7 ? chain[i - 1] : Math.floor(uniform() * 4);
      return chain;
    });
    const q = Float64Array.from(chains.flatMap((c) => Array.from(c))).sort()[299]; // h = 599 * 0.5 = 299.5
    expect(Number.isInteger(q)).toBe(true);
    const indicator = chains.map((c) => c.map((x) => (x <= q ? 1 : 0)));
    expect(essQuantile(chains, 0.5)).toBeCloseTo(referenceEss(splitChains(indicator)), 8);
  });

  it("handles p = 1 by moving to (S - 1/2)/S, and tail ESS is the smaller tail", () => {
    const chains = iidNormalChains(62, 4, 400);
    expect(Number.isFinite(essQuantile(chains, 1))).toBe(true);
    expect(essTail(chains)).toBe(Math.min(essQuantile(chains, 0.05), essQuantile(chains, 0.95)));
    expect(() => essQuantile(chains, 1.5)).toThrow(RangeError);
  });

  it("counts tied discrete draws correctly", () => {
    const uniform = mulberry32(63);
    const chains = Array.from({ length: 4 }, () => Float64Array.from({ length: 1000 }, () => Math.floor(uniform() * 5)));
    const S = totalDraws(chains);
    expect(Math.abs(essBulk(chains) / S - 1)).toBeLessThan(0.15);
    expect(Math.abs(essQuantile(chains, 0.5) / S - 1)).toBeLessThan(0.15);
  });
});

describe("undefined cases", () => {
  it("returns NaN for constant draws (as posterior returns NA)", () => {
    const constant = [new Float64Array(100).fill(3), new Float64Array(100).fill(3)];
    for (const ess of [essBasic(constant), essBulk(constant), essTail(constant), essMean(constant), essSd(constant)]) {
      expect(ess).toBeNaN();
    }
  });

  it("returns NaN for non-finite draws and for fewer than 3 draws per split chain", () => {
    const chains = iidNormalChains(71, 2, 100);
    chains[1][7] = NaN;
    expect(essBulk(chains)).toBeNaN();
    expect(essTail(chains)).toBeNaN();
    expect(essBasic(iidNormalChains(72, 2, 5))).toBeNaN(); // halves of 2 draws
    expect(Number.isFinite(essBasic(iidNormalChains(72, 2, 6)))).toBe(true);
  });

  it("works for a single chain via its split halves", () => {
    const [chain] = iidNormalChains(73, 1, 4000);
    expect(Math.abs(essBulk([chain]) / 4000 - 1)).toBeLessThan(0.15);
  });
});
