/**
 * Lockstep chains that go on while they disagree (CheesOptions.moreDraws):
 * going on makes exactly the draws a run asked for that many from the start
 * makes, bit for bit; the decision sees every draw so far; progress totals
 * grow; a bad answer is an error. And the fit-level rule
 * (api/drawsUntilAgreement.ts lockstepDrawsUntilAgreement): more draws while
 * nested R-hat or the R-hat guard fail, none once they pass or at the cap.
 */
import { describe, expect, it } from "vitest";
import { lockstepDrawsUntilAgreement } from "../../src/api/drawsUntilAgreement.js";
import { LOCKSTEP_MAX_STORED_VALUES, lockstepMostDraws } from "../../src/fit/config.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure } from "../../src/model/structure.js";
import { PhiloxRng } from "../../src/rng/random.js";
import { cpuLockstepIntegrator } from "../../src/sampler/lockstep/index.js";
import { sampleChees } from "../../src/services/lockstepChains.js";
import { diagonalNormal, logSpacedScales } from "../sampler/models/gaussians.js";

const density = diagonalNormal(logSpacedScales(5, 0.1, 10));
const run = (draws: number, extra: Partial<Parameters<typeof sampleChees>[1]> = {}) =>
  sampleChees(cpuLockstepIntegrator(density, 16), { seed: 7, warmup: 150, draws, superchains: 4, ...extra });

describe("lockstep chains going on (moreDraws)", () => {
  it("makes the draws of a run asked for as many from the start, bit for bit", async () => {
    const asked: number[] = [];
    const seen: number[] = [];
    const totals = new Set<number>();
    const wentOn = await run(60, {
      moreDraws: (draws, n) => {
        asked.push(n);
        seen.push(draws[3]!.length / density.dim);
        return n < 100 ? 20 : 0;
      },
      onProgress: (p) => totals.add(p.total),
    });
    const direct = await run(100);
    expect(asked).toEqual([60, 80, 100]);
    expect(seen).toEqual([60, 80, 100]);
    expect(wentOn.numDraws).toBe(100);
    expect([...totals].sort((a, b) => a - b)).toEqual([210, 230, 250]);
    for (let c = 0; c < 16; c++) {
      expect(wentOn.draws[c]).toEqual(direct.draws[c]);
      expect(wentOn.acceptProb[c]).toEqual(direct.acceptProb[c]);
      expect(wentOn.logp[c]).toEqual(direct.logp[c]);
    }
    expect(wentOn.iterations.sampling.steps).toEqual(direct.iterations.sampling.steps);
    expect(wentOn.gradientEvaluations).toEqual(direct.gradientEvaluations);
    expect(Array.from(wentOn.divergences.sampling)).toEqual(Array.from(direct.divergences.sampling));
  });

  it("refuses an answer that is not a non-negative integer", async () => {
    await expect(run(20, { moreDraws: () => 1.5 })).rejects.toThrow(/moreDraws must return a non-negative integer, got 1.5/);
  });

  it("stops going on when stopped, keeping the draws made", async () => {
    const stop = new AbortController();
    let stoppedAt = 0;
    const r = await run(20, {
      // Would go on for ever if a stop did not end it.
      moreDraws: () => 30,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.iteration >= 150 + 35 && !stop.signal.aborted) {
          stop.abort();
          stoppedAt = p.iteration - 150;
        }
      },
    });
    expect(r.interrupted).toBe(true);
    expect(stoppedAt).toBeGreaterThan(20);
    expect(r.numDraws).toBe(stoppedAt);
    expect(r.draws[0]!.length).toBe(stoppedAt * density.dim);
  });
});

describe("the lockstep rule of going on (lockstepDrawsUntilAgreement)", () => {
  // A model's layout (the rule reads the model's parameters): chains whose draws are the prior median plus noise.
  const layout = new ParameterLayout(makeStructure({ model: "hill_adstock", nChannels: 1, mediaPrior: [0.2] }));
  const dim = layout.dim;
  /** 8 chains in 4 superchains, n draws each; chain c of superchain k offset by shift(k, c) on every parameter. */
  const chainsOf = (n: number, shift: (k: number, c: number) => number, seed = 3) =>
    Array.from({ length: 8 }, (_, c) => {
      const rng = new PhiloxRng(seed, c);
      const centre = layout.medianPoint();
      const d = new Float64Array(n * dim);
      for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) d[i * dim + j] = centre[j]! + 0.1 * rng.normal() + shift(Math.floor(c / 2), c);
      return d;
    });

  it("asks for a block while superchains disagree, and records each check", () => {
    const history = { rHat: [] as number[], ess: [] as number[], nestedRHat: [] as number[] };
    const decide = lockstepDrawsUntilAgreement(layout, undefined, 4, 100, 1000, history);
    expect(decide(chainsOf(100, (k) => 0.5 * k), 100)).toBe(100);
    expect(history.nestedRHat[0]).toBeGreaterThan(1.1);
    expect(history.rHat[0]).toBeGreaterThan(1.1);
  });

  it("stops once nested R-hat and the R-hat guard pass", () => {
    const history = { rHat: [] as number[], ess: [] as number[], nestedRHat: [] as number[] };
    const decide = lockstepDrawsUntilAgreement(layout, undefined, 4, 100, 1000, history);
    expect(decide(chainsOf(400, () => 0), 400)).toBe(0);
    expect(history.nestedRHat[0]).toBeLessThan(1.01);
  });

  it("goes on for the R-hat guard alone: superchains that agree, chains that do not", () => {
    // Within each superchain one chain high and one low: superchains agree, chains do not.
    const history = { rHat: [] as number[], ess: [] as number[], nestedRHat: [] as number[] };
    const decide = lockstepDrawsUntilAgreement(layout, undefined, 4, 100, 1000, history);
    expect(decide(chainsOf(400, (_k, c) => (c % 2 === 0 ? 0.05 : -0.05)), 400)).toBe(100);
    expect(history.nestedRHat[0]).toBeLessThan(1.01);
    expect(history.rHat[0]).toBeGreaterThanOrEqual(1.05);
  });

  it("never past the most draws", () => {
    const history = { rHat: [] as number[], ess: [] as number[], nestedRHat: [] as number[] };
    const decide = lockstepDrawsUntilAgreement(layout, undefined, 4, 100, 250, history);
    expect(decide(chainsOf(200, (k) => 0.5 * k), 200)).toBe(50);
    expect(decide(chainsOf(250, (k) => 0.5 * k), 250)).toBe(0);
  });

  it("keeps many chains' draws within the memory bound", () => {
    expect(lockstepMostDraws({ samples: 1000, maxSamples: 10000, chains: 64 }, 25)).toBe(10000);
    // The figures fit/config.ts and docs/lockstep.md give: 256 geo chains (74 parameters), 1024 national ones (25).
    expect(LOCKSTEP_MAX_STORED_VALUES).toBe(2 ** 26);
    expect(lockstepMostDraws({ samples: 1000, maxSamples: 10000, chains: 256 }, 74)).toBe(3542);
    expect(lockstepMostDraws({ samples: 1000, maxSamples: 10000, chains: 1024 }, 25)).toBe(2621);
    // Never fewer than the draws asked for.
    expect(lockstepMostDraws({ samples: 1000, maxSamples: 10000, chains: 1024 }, 74)).toBe(1000);
    expect(lockstepMostDraws({ samples: 500, chains: 8 }, 10)).toBe(500);
  });
});
