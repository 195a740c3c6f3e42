/**
 * Simulation-based calibration (Talts et al. 2018): draw parameters from
 * the prior, data given them, sample the posterior, and rank the true value
 * among thinned posterior draws. A correct sampler gives uniform ranks.
 */
import { describe, expect, it } from "vitest";
import { PhiloxRng } from "../../src/rng/index.js";
import { sampleChain } from "../../src/samplerApi.js";
import { chiSquareCritical, chiSquareUniform } from "./helpers/stats.js";
import { normalUnknownMeanSd } from "./models/normalUnknown.js";

const REPLICATIONS = 200;
const N_OBS = 10;
const THIN = 3;
const L = 99; // thinned draws per replication: ranks 0..99
const BINS = 10;

function sbcRanks(likelihoodScale: number, seed: number): { mu: number[]; sigma: number[] } {
  const ranks = { mu: [] as number[], sigma: [] as number[] };
  for (let r = 0; r < REPLICATIONS; r++) {
    const gen = new PhiloxRng(seed, r);
    const mu = gen.normal();
    const sigma = Math.abs(gen.normal());
    const y = Float64Array.from({ length: N_OBS }, () => mu + sigma * gen.normal());
    const res = sampleChain(normalUnknownMeanSd(y, likelihoodScale), {
      seed: seed + 1,
      chainId: r,
      numWarmup: 200,
      numDraws: L * THIN,
      initialPosition: new Float64Array(2),
      initRadius: 2,
    });
    let rankMu = 0;
    let rankSigma = 0;
    for (let i = THIN - 1; i < res.numDraws; i += THIN) {
      if (res.draws[2 * i]! < mu) rankMu++;
      if (Math.exp(res.draws[2 * i + 1]!) < sigma) rankSigma++;
    }
    ranks.mu.push(rankMu);
    ranks.sigma.push(rankSigma);
  }
  return ranks;
}

function binned(ranks: number[]): number[] {
  const counts = new Array<number>(BINS).fill(0);
  for (const k of ranks) counts[Math.floor((k * BINS) / (L + 1))]!++;
  return counts;
}

describe("simulation-based calibration: normal with unknown mean and sd", () => {
  it("gives uniform ranks for mu and sigma", () => {
    const ranks = sbcRanks(1, 9001);
    const critical = chiSquareCritical(BINS - 1); // p = 0.001
    const chiMu = chiSquareUniform(binned(ranks.mu));
    const chiSigma = chiSquareUniform(binned(ranks.sigma));
    console.log(`[SBC] chi-square (df ${BINS - 1}, critical ${critical.toFixed(1)}): mu ${chiMu.toFixed(1)}, sigma ${chiSigma.toFixed(1)}`);
    expect(chiMu).toBeLessThan(critical);
    expect(chiSigma).toBeLessThan(critical);
  });

  it("detects a wrong posterior (the check has power)", () => {
    // Sampling a posterior whose likelihood sd is inflated 1.5x: sigma's ranks pile up.
    const ranks = sbcRanks(1.5, 9001);
    expect(chiSquareUniform(binned(ranks.sigma))).toBeGreaterThan(chiSquareCritical(BINS - 1));
  });
});
