import { describe, expect, it } from "vitest";
import { chainsBehind, planWindowEnd, pooledInverseMetric } from "../../src/adaptation/chainSync.js";
import { WelfordCovariance, WelfordVariance } from "../../src/adaptation/welford.js";
import { PhiloxRng } from "../../src/rng/index.js";
import { ChainRunner, sampleChain, type WindowReport } from "../../src/samplerApi.js";
import { sampleChainsStaged } from "../../src/services/stagedChains.js";

function report(chainId: number, draws: number[][], logp: number[]): WindowReport {
  const w = new WelfordVariance(draws[0]!.length);
  for (const d of draws) w.add(Float64Array.from(d));
  const m = logp.reduce((a, b) => a + b, 0) / logp.length;
  const v = logp.reduce((a, b) => a + (b - m) ** 2, 0) / (logp.length - 1);
  return { chainId, iteration: 100, count: w.count, mean: w.sampleMean(), m2: w.sumSquares(), logpMean: m, logpVar: v, logStepSizeMean: 0, divergences: 0, position: Float64Array.from(draws.at(-1)!), logp: logp.at(-1)! };
}

describe("chains meeting at window ends", () => {
  it("a chain advanced in stages, reporting but taking no directive, gives sampleChain's draws", () => {
    const options = { seed: 3, chainId: 2, numWarmup: 200, numDraws: 50, initRadius: 1, initialPosition: new Float64Array(dim) };
    const whole = sampleChain(density, options);
    const runner = new ChainRunner(density, options);
    for (const [start, end] of [[75, 99], [100, 149]]) {
      runner.advance(end! + 1, start);
      const r = runner.windowReport();
      expect(r.count).toBe(end! - start! + 1);
      expect(r.iteration).toBe(end! + 1);
    }
    runner.advance(runner.total);
    const staged = runner.result();
    expect(Buffer.from(staged.draws.buffer).equals(Buffer.from(whole.draws.buffer))).toBe(true);
    expect(staged.gradientEvaluations).toEqual(whole.gradientEvaluations);
  });

  it("pooled-diag: every chain samples with the last window's pooled metric, each with its own step size", async () => {
    const results = await sampleChainsStaged(density, { seed: 8, numWarmup: 300, numDraws: 20, initRadius: 1, initialPosition: new Float64Array(dim), adaptation: "pooled-diag" }, 4);
    const m0 = Array.from(results[0]!.metric.inverseMetric);
    for (const r of results.slice(1)) expect(Array.from(r.metric.inverseMetric)).toEqual(m0);
    expect(new Set(results.map((r) => r.stepSize)).size).toBeGreaterThan(1);
  });

  it("pool the window draws into Stan's regularised variance of all draws together", () => {
    const rng = new PhiloxRng(3);
    const chains = [0, 1, 2].map((c) => Array.from({ length: 20 + 5 * c }, () => [rng.normal() + c, 3 * rng.normal()]));
    const pooled = pooledInverseMetric(chains.map((d, c) => report(c, d, d.map(() => rng.normal()))))!;
    const all = chains.flat();
    const n = all.length;
    for (let j = 0; j < 2; j++) {
      const mean = all.reduce((a, d) => a + d[j]!, 0) / n;
      const variance = all.reduce((a, d) => a + (d[j]! - mean) ** 2, 0) / (n - 1);
      expect(pooled[j]!).toBeCloseTo((n / (n + 5)) * variance + 1e-3 * (5 / (n + 5)), 12);
    }
  });

  it("pool dense window summaries into Stan's regularised covariance of all draws together", () => {
    const rng = new PhiloxRng(8);
    const chains = [0, 1, 2, 3].map((c) => Array.from({ length: 15 + c }, () => { const z = rng.normal(); return [z + c, 0.5 * z + rng.normal(), 2 * rng.normal()]; }));
    const reports = chains.map((draws, c) => {
      const w = new WelfordCovariance(3);
      for (const d of draws) w.add(Float64Array.from(d));
      return { ...report(c, draws, [0, 1]), m2: w.sumSquares(), mean: w.sampleMean() };
    });
    const pooled = pooledInverseMetric(reports)!;
    const all = chains.flat();
    const n = all.length;
    const mean = [0, 1, 2].map((j) => all.reduce((a, d) => a + d[j]!, 0) / n);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const cov = all.reduce((a, d) => a + (d[i]! - mean[i]!) * (d[j]! - mean[j]!), 0) / (n - 1);
        expect(pooled[i * 3 + j]!).toBeCloseTo((n / (n + 5)) * cov + (i === j ? 1e-3 * (5 / (n + 5)) : 0), 12);
      }
    }
  });

  it("flag a chain whose log-density is far below the others', never a majority or noise", () => {
    const rng = new PhiloxRng(4);
    const lp = (centre: number) => Array.from({ length: 50 }, () => centre + 2 * rng.normal());
    const pos = [[0, 0]];
    expect(chainsBehind([0, 1, 2, 3].map((c) => report(c, pos.concat(pos), lp(-10))))).toEqual([]);
    expect(chainsBehind([0, 1, 2, 3].map((c) => report(c, pos.concat(pos), lp(c === 2 ? -40 : -10))))).toEqual([2]);
    // Two of four behind: no majority agrees where the chains should be.
    expect(chainsBehind([0, 1, 2, 3].map((c) => report(c, pos.concat(pos), lp(c >= 2 ? -40 : -10))))).toEqual([]);
    const plan = planWindowEnd([0, 1, 2, 3].map((c) => report(c, [[c, c], [c + 1, c]], lp(c === 2 ? -40 : -10))), 9, 0);
    expect(plan[2]!.position).toBeDefined();
    expect([0, 1, 3].map((c) => c + 1)).toContain(plan[2]!.position![0]);
    expect(plan[0]!.position).toBeUndefined();
    // The shared metric comes from the healthy chains only.
    expect(Array.from(plan[0]!.inverseMetric!)).toEqual(Array.from(plan[2]!.inverseMetric!));
    expect(Array.from(plan[0]!.inverseMetric!)).toEqual(Array.from(pooledInverseMetric([0, 1, 3].map((c) => report(c, [[c, c], [c + 1, c]], [0, 1])))!));
  });

  // A chain started in a minor mode of 1e-9 mass, 10 sds away, never leaves it
  // with chains adapted alone ("stan-diag"); meeting at window ends, it restarts
  // from a healthy chain and all four sample the main mode.
  const dim = 4;
  const MINOR = 10;
  const logMinor = Math.log(1e-9);
  const density = {
    dim,
    logp: (x: Float64Array) => density.logpGrad(x, new Float64Array(dim)),
    logpGrad: (x: Float64Array, g: Float64Array) => {
      let a = 0;
      let b = 0;
      for (let i = 0; i < dim; i++) {
        a -= 0.5 * x[i]! ** 2;
        b -= 0.5 * ((x[i]! - MINOR) / 0.3) ** 2;
      }
      b += logMinor - dim * Math.log(0.3);
      const m = Math.max(a, b);
      const wa = Math.exp(a - m);
      const wb = Math.exp(b - m);
      for (let i = 0; i < dim; i++) g[i] = (wa * -x[i]! + wb * (-(x[i]! - MINOR) / 0.09)) / (wa + wb);
      return m + Math.log(wa + wb);
    },
  };
  const starts = [0, 1, 2, 3].map((c) => new Float64Array(dim).fill(c === 3 ? MINOR : 0));
  const options = { seed: 5, numWarmup: 300, numDraws: 200, initRadius: 0.1, initialPosition: new Float64Array(dim) };
  const chainMean = (draws: Float64Array) => draws.reduce((a, b) => a + b, 0) / draws.length;

  it("restart a chain stuck in a minor mode (chains adapted alone stay there)", async () => {
    const alone = starts.map((s, c) => sampleChain(density, { ...options, chainId: c, initialPosition: s, adaptation: "stan-diag" }));
    expect(chainMean(alone[3]!.draws)).toBeGreaterThan(MINOR - 1);
    const pooled = await sampleChainsStaged(density, { ...options, adaptation: "pooled-diag" }, 4, {}, starts);
    for (const c of pooled) expect(Math.abs(chainMean(c.draws))).toBeLessThan(0.5);
    // Chains 0-2 never fell behind, yet took the shared metric: their draws differ from the lone chains'.
    expect(Array.from(pooled[0]!.draws)).not.toEqual(Array.from(alone[0]!.draws));
  });
});
