import { describe, expect, it } from "vitest";
import { planSwaps, temperatureLadder } from "../../src/sampler/tempering.js";
import { TemperedDensity } from "../../src/density/temperedDensity.js";
import { coldChains, replicaJobs, runLadders, REPLICA_STREAM_BASE } from "../../src/services/temperedChains.js";
import { localStagedChain } from "../../src/services/stagedChains.js";
import type { LogDensity } from "../../src/density/types.js";
import type { ChainJob } from "../../src/services/protocol.js";

/** A uniform source that returns the given values in turn and counts its draws. */
function fixedUniforms(values: number[]) {
  let i = 0;
  return { uniform: () => values[i++ % values.length]!, get drawn() { return i; } };
}

describe("temperature ladder", () => {
  it("is geometric from 1 down to the smallest power", () => {
    const b = temperatureLadder(5, 0.0625);
    expect(b[0]).toBe(1);
    expect(b[4]).toBeCloseTo(0.0625, 15);
    for (let k = 1; k < 5; k++) expect(b[k]! / b[k - 1]!).toBeCloseTo(0.5, 12);
    expect(temperatureLadder(1, 0.5)).toEqual([1]);
  });
  it("refuses a ladder that is not one", () => {
    expect(() => temperatureLadder(0, 0.5)).toThrow(/replicas/);
    expect(() => temperatureLadder(3, 1)).toThrow(/inverse temperature/);
    expect(() => temperatureLadder(3, 0)).toThrow(/inverse temperature/);
  });
});

describe("swap move", () => {
  const betas = [1, 0.5, 0.25, 0.125];
  it("tries the even pairs in even rounds and the odd pairs in odd rounds, one uniform per tried pair", () => {
    const rng = fixedUniforms([0.5]);
    const even = planSwaps([-1, -1, -1, -1], betas, 0, rng);
    expect(even.tried).toEqual([true, false, true]);
    expect(rng.drawn).toBe(2);
    const odd = planSwaps([-1, -1, -1, -1], betas, 1, rng);
    expect(odd.tried).toEqual([false, true, false]);
    expect(rng.drawn).toBe(3);
  });
  it("accepts with probability min(1, exp((beta_k - beta_k+1) (L_k+1 - L_k))), L untempered", () => {
    // Replica 0 at L = -10, replica 1 at L = -10 + 2 log(0.4) / ... : choose L1 so that the log ratio is log(0.4).
    const logRatio = Math.log(0.4);
    const L0 = -10;
    const L1 = L0 + logRatio / (betas[0]! - betas[1]!);
    const tempered = [betas[0]! * L0, betas[1]! * L1, 0, 0];
    expect(planSwaps(tempered, betas, 0, fixedUniforms([0.39, 0.5])).accepted[0]).toBe(true);
    expect(planSwaps(tempered, betas, 0, fixedUniforms([0.41, 0.5])).accepted[0]).toBe(false);
    // A hotter replica at a higher untempered density always moves down the ladder.
    const uphill = [betas[0]! * -10, betas[1]! * -5, 0, 0];
    expect(planSwaps(uphill, betas, 0, fixedUniforms([0.999999, 0.5])).accepted[0]).toBe(true);
    // An invalid state never moves.
    expect(planSwaps([-1, -Infinity, 0, 0], betas, 0, fixedUniforms([0, 0])).accepted[0]).toBe(false);
  });
});

describe("tempered density", () => {
  it("is the inner log-density and gradient times beta", () => {
    const inner: LogDensity = {
      dim: 2,
      logp: (x) => -0.5 * (x[0]! ** 2 + 4 * x[1]! ** 2),
      logpGrad: (x, g) => {
        g[0] = -x[0]!;
        g[1] = -4 * x[1]!;
        return -0.5 * (x[0]! ** 2 + 4 * x[1]! ** 2);
      },
    };
    const t = new TemperedDensity(inner, 0.3);
    const x = Float64Array.from([1.5, -0.5]);
    const g = new Float64Array(2);
    expect(t.logpGrad(x, g)).toBeCloseTo(0.3 * inner.logp(x), 15);
    expect(Array.from(g)).toEqual([0.3 * -1.5, 0.3 * 2]);
    expect(t.logp(x)).toBeCloseTo(0.3 * inner.logp(x), 15);
    expect(() => new TemperedDensity(inner, 0)).toThrow(/beta/);
    expect(() => new TemperedDensity(inner, 1.5)).toThrow(/beta/);
  });
});

/** 0.7 N(-4, 0.5^2) + 0.3 N(4, 0.5^2): at x = 0 the density is e^-32 of a peak's, so NUTS alone never crosses. */
const mixture: LogDensity = {
  dim: 1,
  logp(x) {
    return this.logpGrad(x, new Float64Array(1));
  },
  logpGrad(x, g) {
    const a = Math.log(0.7) - 2 * (x[0]! + 4) ** 2;
    const b = Math.log(0.3) - 2 * (x[0]! - 4) ** 2;
    const m = Math.max(a, b);
    const wa = Math.exp(a - m);
    const wb = Math.exp(b - m);
    g[0] = (wa * -4 * (x[0]! + 4) + wb * -4 * (x[0]! - 4)) / (wa + wb);
    return m + Math.log(wa + wb) - Math.log(0.5 * Math.sqrt(2 * Math.PI));
  },
};

async function ladders(replicas: number, seed: number) {
  const betas = temperatureLadder(replicas, 0.02);
  const jobs: ChainJob[] = [0, 1, 2, 3].map((chainId) => ({
    chainId,
    density: { kind: "mmm" } as never,
    options: { seed, chainId, numWarmup: 500, numDraws: 2000, initialPosition: Float64Array.from([-4]), initRadius: 0.5 },
  }));
  const staged = replicaJobs(jobs, betas).map((job, i) => localStagedChain(new TemperedDensity(mixture, betas[i % replicas]!), job.options));
  return runLadders(staged, betas, 2500, seed);
}

describe("parallel tempering over NUTS chains", () => {
  it("moves the chain between modes NUTS alone never leaves, in the right proportions", async () => {
    const minorShare = (draws: Float64Array) => draws.reduce((a, x) => a + (x > 0 ? 1 : 0), 0) / draws.length;
    const alone = coldChains((await ladders(1, 7)).results, 1).chains;
    // Started in the major mode, no chain ever visits the minor one.
    for (const c of alone) expect(minorShare(c.draws)).toBe(0);
    const run = await ladders(8, 7);
    const chains = coldChains(run.results, 8).chains;
    // Each chain's share of draws in the minor mode (true share 0.3); a chain that never crossed would give 0.
    for (const c of chains) {
      const share = minorShare(c.draws);
      expect(share).toBeGreaterThan(0.15);
      expect(share).toBeLessThan(0.45);
    }
    const pooled = minorShare(Float64Array.from(chains.flatMap((c) => Array.from(c.draws))));
    expect(Math.abs(pooled - 0.3)).toBeLessThan(0.06);
    // Every pair of neighbours swaps; the chains count their ladders' gradients.
    for (const rates of run.summary.swapRates) for (const r of rates) expect(r).toBeGreaterThan(0.2);
    const own = run.results[0]!.gradientEvaluations;
    expect(chains[0]!.gradientEvaluations.sampling).toBeGreaterThan(own.sampling);
    expect(run.results[1]!.chainId).toBe(REPLICA_STREAM_BASE);
  });
});
