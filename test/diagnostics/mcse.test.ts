import { describe, expect, it } from "vitest";
import { betaQuantile } from "../../src/math/beta.js";
import { essMean, essQuantile } from "../../src/diagnostics/ess.js";
import { mcseMean, mcseQuantile, mcseSd } from "../../src/diagnostics/mcse.js";
import { ar1Chains, iidNormalChains, mulberry32 } from "./random.js";

const pool = (chains: Float64Array[]) => chains.flatMap((c) => Array.from(c));

function sampleSd(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (values.length - 1));
}

function exponentialChains(seed: number, chains: number, draws: number): Float64Array[] {
  const uniform = mulberry32(seed);
  return Array.from({ length: chains }, () => Float64Array.from({ length: draws }, () => -Math.log(1 - uniform())));
}

describe("mcseMean", () => {
  it("is sd / sqrt(ESS of the mean)", () => {
    const chains = ar1Chains(81, 4, 300, 0.6);
    expect(mcseMean(chains)).toBeCloseTo(sampleSd(pool(chains)) / Math.sqrt(essMean(chains)), 12);
  });

  it("is close to 1/sqrt(S) for iid standard normal draws and to sqrt(tau/S) for AR(1)", () => {
    const iid = iidNormalChains(82, 4, 2500);
    expect(Math.abs(mcseMean(iid) * Math.sqrt(10000) - 1)).toBeLessThan(0.15);
    // AR(1) with phi = 0.5: tau = (1 + phi) / (1 - phi) = 3.
    const ar = ar1Chains(83, 4, 5000, 0.5);
    expect(Math.abs(mcseMean(ar) / Math.sqrt(3 / 20000) - 1)).toBeLessThan(0.15);
  });
});

describe("mcseSd", () => {
  it("follows the moment formula with the ESS of the squared centred draws", () => {
    const chains = ar1Chains(84, 3, 400, 0.4);
    const draws = pool(chains);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const m2 = draws.reduce((a, x) => a + (x - mean) ** 2, 0) / draws.length;
    const m4 = draws.reduce((a, x) => a + (x - mean) ** 4, 0) / draws.length;
    const ess = essMean(chains.map((c) => c.map((x) => (x - mean) ** 2)));
    const expected = Math.sqrt((m4 - m2 * m2) / ess / (4 * m2));
    expect(mcseSd(chains)).toBeCloseTo(expected, 12);
  });

  it("is close to sigma / sqrt(2 S) for iid normal draws", () => {
    const chains = iidNormalChains(85, 4, 2500, 0, 2);
    expect(Math.abs(mcseSd(chains) / (2 / Math.sqrt(2 * 10000)) - 1)).toBeLessThan(0.15);
  });

  it("does not assume normality: sqrt((mu4 - sigma^4) / (4 sigma^2 S)) = sqrt(2/S) for Exp(1)", () => {
    let ratio = 0;
    for (const seed of [86, 87, 88, 89]) ratio += mcseSd(exponentialChains(seed, 4, 2500)) / Math.sqrt(2 / 10000) / 4;
    expect(Math.abs(ratio - 1)).toBeLessThan(0.15);
  });
});

describe("mcseQuantile", () => {
  it("is half the distance between the order statistics at the Beta(E p + 1, E (1-p) + 1) bounds", () => {
    // posterior's construction, with E the quantile ESS: lower rank floor(a1 S),
    // upper rank ceil(a2 S), both clamped to 1..S (1-based).
    const chains = ar1Chains(90, 4, 250, 0.5);
    const sorted = pool(chains).sort((a, b) => a - b);
    const S = sorted.length;
    for (const p of [0.05, 0.3, 0.5, 0.95]) {
      const ess = essQuantile(chains, p);
      const a1 = betaQuantile(0.1586553, ess * p + 1, ess * (1 - p) + 1);
      const a2 = betaQuantile(0.8413447, ess * p + 1, ess * (1 - p) + 1);
      const low = sorted[Math.max(Math.floor(a1 * S), 1) - 1];
      const high = sorted[Math.min(Math.ceil(a2 * S), S) - 1];
      expect(mcseQuantile(chains, p)).toBe((high - low) / 2);
    }
  });


  // Asymptotic sd of the sample p-quantile of iid N(0,1): sqrt(p(1-p)/S) / phi(q_p).
  const density = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  it.each([
    [0.5, 0],
    [0.05, -1.6448536269514722],
  ])("averages to the asymptotic value for iid normal draws at p = %d", (p, q) => {
    const S = 10000;
    const asymptotic = Math.sqrt((p * (1 - p)) / S) / density(q);
    let ratio = 0;
    const seeds = [91, 92, 93, 94, 95, 96, 97, 98];
    for (const seed of seeds) ratio += mcseQuantile(iidNormalChains(seed, 4, 2500), p) / asymptotic / seeds.length;
    expect(Math.abs(ratio - 1)).toBeLessThan(0.15);
  });

  it("grows with autocorrelation", () => {
    const iid = mcseQuantile(ar1Chains(99, 4, 2500, 0), 0.5);
    const correlated = mcseQuantile(ar1Chains(99, 4, 2500, 0.9), 0.5);
    expect(correlated / iid).toBeGreaterThan(2.5); // sqrt(19) ~ 4.4 in theory
  });
});

describe("undefined cases", () => {
  it("returns NaN for constant draws", () => {
    const constant = [new Float64Array(40).fill(2), new Float64Array(40).fill(2)];
    expect(mcseMean(constant)).toBeNaN();
    expect(mcseSd(constant)).toBeNaN();
    expect(mcseQuantile(constant, 0.5)).toBeNaN();
  });
});
