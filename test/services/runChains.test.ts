import { afterEach, describe, expect, it, vi } from "vitest";
import { ChainFailure, runChains, type ChainProgress } from "../../src/services/runChains.js";
import { nodeWorkerFactory } from "../../src/services/workerHost.js";
import { factoryWithDyingWorker } from "../helpers/dyingWorker.js";
import type { DensitySpec } from "../../src/services/densitySpec.js";
import { makeFixture } from "../helpers/mmmFixtures.js";

function spec(): { density: DensitySpec; init: Float64Array } {
  const { layout, data } = makeFixture({ model: "hill_adstock", T: 40, C: 2, F: 1, degrees: 1, seed: 3 });
  return { density: { kind: "mmm", structure: layout.structure, data }, init: layout.medianPoint() };
}

const short = { numWarmup: 60, numDraws: 40, initRadius: 0.5 };

describe("runChains", () => {
  it("gives bit-identical draws with 0 (in-thread), 1, 2 and 4 threads", async () => {
    const { density, init } = spec();
    const runs = [];
    for (const threads of [0, 1, 2, 4]) {
      runs.push(await runChains({ density, chains: 4, seed: 42, threads, initialPosition: () => init, chainOptions: short }));
    }
    for (const run of runs.slice(1)) {
      for (let c = 0; c < 4; c++) {
        expect(run.chains[c].chainId).toBe(c);
        expect(Buffer.from(run.chains[c].draws.buffer).equals(Buffer.from(runs[0].chains[c].draws.buffer))).toBe(true);
        expect(Array.from(run.chains[c].stats.nLeapfrog)).toEqual(Array.from(runs[0].chains[c].stats.nLeapfrog));
      }
    }
    // Chains differ from each other, and another seed gives other draws.
    expect(Array.from(runs[0].chains[0].draws)).not.toEqual(Array.from(runs[0].chains[1].draws));
    const other = await runChains({ density, chains: 1, seed: 43, threads: 1, initialPosition: () => init, chainOptions: short });
    expect(Array.from(other.chains[0].draws)).not.toEqual(Array.from(runs[0].chains[0].draws));
  });

  it("lowrank (low-rank plus diagonal metric) gives bit-identical draws with 0, 1, 2 and 4 threads", async () => {
    const { density, init } = spec();
    const opts = { ...short, adaptation: "lowrank" as const };
    const runs = [];
    for (const threads of [0, 1, 2, 4]) {
      runs.push(await runChains({ density, chains: 4, seed: 42, threads, initialPosition: () => init, chainOptions: opts }));
    }
    for (const run of runs.slice(1)) {
      for (let c = 0; c < 4; c++) {
        expect(Buffer.from(run.chains[c].draws.buffer).equals(Buffer.from(runs[0].chains[c].draws.buffer))).toBe(true);
        expect(Buffer.from(run.chains[c].metric.inverseMetric.buffer).equals(Buffer.from(runs[0].chains[c].metric.inverseMetric.buffer))).toBe(true);
      }
    }
    // The adapted metric is the dense M^-1 of a low-rank plus diagonal metric.
    const dim = runs[0].chains[0].dim;
    expect(runs[0].chains[0].metric.kind).toBe("dense");
    expect(runs[0].chains[0].metric.inverseMetric.length).toBe(dim * dim);
  });

  it("pooled-diag (chains meeting at window ends) gives bit-identical draws with 0, 1, 2 and 4 threads", async () => {
    const { density, init } = spec();
    const opts = { numWarmup: 100, numDraws: 10, initRadius: 0.5, adaptation: "pooled-diag" as const };
    const runs = [];
    for (const threads of [0, 1, 2, 4]) {
      runs.push(await runChains({ density, chains: 4, seed: 42, threads, initialPosition: () => init, chainOptions: opts }));
    }
    for (const run of runs.slice(1)) {
      for (let c = 0; c < 4; c++) {
        expect(Buffer.from(run.chains[c].draws.buffer).equals(Buffer.from(runs[0].chains[c].draws.buffer))).toBe(true);
        expect(run.chains[c].stepSize).toBe(runs[0].chains[c].stepSize);
      }
    }
    // The chains share one metric, unlike stan-diag's.
    expect(Array.from(runs[0].chains[1].metric.inverseMetric)).toEqual(Array.from(runs[0].chains[0].metric.inverseMetric));
    const alone = await runChains({ density, chains: 4, seed: 42, threads: 0, initialPosition: () => init, chainOptions: { ...opts, adaptation: "stan-diag" } });
    expect(Array.from(alone.chains[1].metric.inverseMetric)).not.toEqual(Array.from(alone.chains[0].metric.inverseMetric));
  });

  it("tempering (ladders of replicas swapping every iteration) gives bit-identical draws with 0, 1, 2 and 4 threads, progress for the chains alone", async () => {
    const { density, init } = spec();
    const runs = [];
    const events: ChainProgress[] = [];
    for (const threads of [0, 1, 2, 4]) {
      runs.push(
        await runChains({
          density,
          chains: 2,
          seed: 42,
          threads,
          initialPosition: () => init,
          chainOptions: short,
          tempering: { replicas: 3 },
          ...(threads === 2 ? { onProgress: (p: ChainProgress) => events.push(p) } : {}),
        }),
      );
    }
    for (const run of runs.slice(1)) {
      expect(run.tempering).toEqual(runs[0].tempering);
      for (let c = 0; c < 2; c++) {
        expect(run.chains[c].chainId).toBe(c);
        expect(Buffer.from(run.chains[c].draws.buffer).equals(Buffer.from(runs[0].chains[c].draws.buffer))).toBe(true);
      }
    }
    expect(runs[0].tempering!.betas).toEqual([1, Math.SQRT1_2, 0.5]);
    expect(runs[0].tempering!.swapRates.length).toBe(2);
    expect(runs[0].tempering!.swapRates.flat().some((r) => r > 0)).toBe(true);
    expect(new Set(events.map((e) => e.chainId))).toEqual(new Set([0, 1]));
    // Swaps change the chain: the same seed without tempering gives other draws; its gradients count the ladder's.
    const plain = await runChains({ density, chains: 2, seed: 42, threads: 0, initialPosition: () => init, chainOptions: short });
    expect(Array.from(plain.chains[0].draws)).not.toEqual(Array.from(runs[0].chains[0].draws));
    const grads = (r: typeof plain) => r.chains[0].gradientEvaluations.warmup + r.chains[0].gradientEvaluations.sampling;
    expect(grads(runs[0])).toBeGreaterThan(2 * grads(plain));
    // One replica is no tempering at all: the plain run's draws.
    const one = await runChains({ density, chains: 2, seed: 42, threads: 0, initialPosition: () => init, chainOptions: short, tempering: { replicas: 1 } });
    expect(Array.from(one.chains[1].draws)).toEqual(Array.from(plain.chains[1].draws));
    expect(one.tempering).toBeUndefined();
  });

  it("moreDraws: chains extended after their draws are the chains that asked for all of them at the start, in workers, in-thread and pooled", async () => {
    const { density, init } = spec();
    for (const [threads, adaptation] of [[0, "stan-diag"], [2, "stan-diag"], [3, "lowrank"], [2, "pooled-diag"], [0, "pooled-diag"]] as const) {
      const options = { ...short, adaptation };
      const whole = await runChains({ density, chains: 3, seed: 7, threads, initialPosition: () => init, chainOptions: { ...options, numDraws: 40 + 25 + 10 } });
      const asked: number[] = [];
      const events: ChainProgress[] = [];
      const extended = await runChains({
        density,
        chains: 3,
        seed: 7,
        threads,
        initialPosition: () => init,
        chainOptions: options,
        onProgress: (p) => events.push(p),
        moreDraws: (chains) => {
          asked.push(chains[0]!.numDraws);
          return [25, 10, 0][asked.length - 1]!;
        },
      });
      expect(asked).toEqual([40, 65, 75]);
      for (let c = 0; c < 3; c++) {
        const [a, b] = [extended.chains[c]!, whole.chains[c]!];
        expect(a.numDraws).toBe(75);
        expect(Buffer.from(a.draws.buffer).equals(Buffer.from(b.draws.buffer))).toBe(true);
        for (const key of Object.keys(b.stats) as (keyof typeof b.stats)[]) expect(Array.from(a.stats[key]), key).toEqual(Array.from(b.stats[key]));
        expect(a.gradientEvaluations).toEqual(b.gradientEvaluations);
        expect(a.divergences).toEqual(b.divergences);
        expect(a.stepSize).toBe(b.stepSize);
        expect(Array.from(a.initialPosition)).toEqual(Array.from(b.initialPosition));
        expect(events.filter((e) => e.chainId === c).at(-1)).toMatchObject({ phase: "sampling", iteration: 60 + 75, total: 60 + 75 });
      }
      expect(extended.chainSeconds.every((t) => t > 0)).toBe(true);
    }
  });

  it("moreDraws: a chain stopped during an extension comes back interrupted with its draws so far, and no more are asked", async () => {
    const { density, init } = spec();
    const controller = new AbortController();
    let asked = 0;
    const run = await runChains({
      density,
      chains: 2,
      seed: 5,
      threads: 2,
      initialPosition: () => init,
      chainOptions: { numWarmup: 50, numDraws: 50 },
      onProgress: (p) => {
        if (p.iteration > 300) controller.abort();
      },
      signal: controller.signal,
      moreDraws: () => (asked++, 100000),
    });
    expect(asked).toBe(1);
    for (const c of run.chains) {
      expect(c.interrupted).toBe(true);
      expect(c.numDraws).toBeGreaterThan(50);
      expect(c.numDraws).toBeLessThan(100050);
      expect(c.draws.length).toBe(c.numDraws * c.dim);
    }
  });

  it("reports progress for every chain in both phases", async () => {
    const { density, init } = spec();
    const events: ChainProgress[] = [];
    await runChains({ density, chains: 3, seed: 1, threads: 2, initialPosition: () => init, chainOptions: short, onProgress: (p) => events.push(p) });
    for (let c = 0; c < 3; c++) {
      const mine = events.filter((e) => e.chainId === c);
      expect(mine.some((e) => e.phase === "warmup")).toBe(true);
      expect(mine.at(-1)).toMatchObject({ phase: "sampling", iteration: 100, total: 100 });
    }
  });

  // Chains run each alone (queued) or meeting at window ends (pooled-diag, staged).
  for (const [name, options] of [
    ["queued", { ...short, initRadius: 0 }],
    ["pooled-diag", { numWarmup: 200, numDraws: 10, initRadius: 0, adaptation: "pooled-diag" as const }],
  ] as const) {
    it(`${name}: reports a chain that cannot start, with its number and cause, in workers and in-thread`, async () => {
      const { density, init } = spec();
      const bad = Float64Array.from(init);
      bad[1] = -800; // sigma underflows: the density is zero there
      for (const threads of [0, 2]) {
        const run = runChains({ density, chains: 3, seed: 1, threads, initialPosition: (c) => (c === 2 ? bad : init), chainOptions: options });
        await expect(run).rejects.toBeInstanceOf(ChainFailure);
        await expect(run).rejects.toThrow(/chain 2 failed: .*(finite|log-density)/i);
      }
    });
  }

  it("reports a worker that dies instead of hanging", async () => {
    const { density, init } = spec();
    const factory = await nodeWorkerFactory({ resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
    const run = runChains({
      density,
      chains: 2,
      seed: 1,
      threads: 2,
      initialPosition: () => init,
      chainOptions: { numWarmup: 2000, numDraws: 20000, keepWarmup: true },
      workerFactory: factory,
    });
    await expect(run).rejects.toThrow(/chain \d failed: worker (exited|error)/);
  });

  it("names the chains a worker held when it dies while none of them runs", async () => {
    const { density, init } = spec();
    // The first worker "dies" right after its first chain's result: before it is given the next.
    const factory = await factoryWithDyingWorker(0, (m) => m.type === "done");
    const run = runChains({ density, chains: 3, seed: 1, threads: 2, initialPosition: () => init, chainOptions: short, workerFactory: factory });
    await expect(run).rejects.toBeInstanceOf(ChainFailure);
    await expect(run).rejects.toThrow(/^a worker thread failed while none of its chains was running: worker exited unexpectedly with code 1 \(it held chain 0\)$/);
  });

  it("stops every chain when aborted and returns the partial chains", async () => {
    const { density, init } = spec();
    const controller = new AbortController();
    const run = await runChains({
      density,
      chains: 2,
      seed: 5,
      threads: 2,
      initialPosition: () => init,
      chainOptions: { numWarmup: 200, numDraws: 100000 },
      onProgress: (p) => {
        if (p.phase === "sampling" && p.iteration > 400) controller.abort();
      },
      signal: controller.signal,
    });
    for (const c of run.chains) {
      expect(c.interrupted).toBe(true);
      expect(c.numDraws).toBeLessThan(100000);
    }
  });

  // Chains that meet while they run: at window ends (pooled-diag), or every iteration (tempering's replicas).
  for (const [name, staged] of [
    ["pooled-diag", { chains: 3, adaptation: "pooled-diag" as const }],
    ["tempering", { chains: 2, tempering: { replicas: 2 } }],
  ] as const) {
    it(`${name}: stops every chain when aborted during warm-up, in workers and in-thread, returning the partial chains`, async () => {
      const { density, init } = spec();
      for (const threads of [2, 0]) {
        const controller = new AbortController();
        const run = await runChains({
          density,
          chains: staged.chains,
          seed: 5,
          threads,
          initialPosition: () => init,
          chainOptions: { numWarmup: 2000, numDraws: 100, ...("adaptation" in staged ? { adaptation: staged.adaptation } : {}) },
          ...("tempering" in staged ? { tempering: staged.tempering } : {}),
          onProgress: (p) => {
            if (p.iteration > 150) controller.abort();
          },
          signal: controller.signal,
        });
        for (const c of run.chains) {
          expect(c.interrupted).toBe(true);
          expect(c.numWarmup).toBeLessThan(2000);
          expect(c.numDraws).toBe(0);
        }
      }
    });
  }

  describe("without SharedArrayBuffer (a page that is not cross-origin isolated)", () => {
    afterEach(() => vi.unstubAllGlobals());

    it("ends the workers on abort and rejects with an AbortError instead of hanging", async () => {
      vi.stubGlobal("SharedArrayBuffer", undefined);
      const { density, init } = spec();
      const controller = new AbortController();
      let lastIteration = 0;
      const run = runChains({
        density,
        chains: 2,
        seed: 5,
        threads: 2,
        initialPosition: () => init,
        chainOptions: { numWarmup: 200, numDraws: 100000 },
        onProgress: (p) => {
          lastIteration = Math.max(lastIteration, p.iteration);
          if (p.phase === "sampling" && p.iteration > 400) controller.abort();
        },
        signal: controller.signal,
      });
      await expect(run).rejects.toMatchObject({ name: "AbortError", message: expect.stringMatching(/cross-origin isolated/) });
      expect(lastIteration).toBeLessThan(100200);
    });

    it("still runs to the end when not aborted, with the same draws as with the shared flag", async () => {
      const { density, init } = spec();
      const options = { density, chains: 2, seed: 9, threads: 2, initialPosition: () => init, chainOptions: short };
      const withFlag = await runChains(options);
      vi.stubGlobal("SharedArrayBuffer", undefined);
      const without = await runChains(options);
      expect(without.chains.map((c) => Array.from(c.draws))).toEqual(withFlag.chains.map((c) => Array.from(c.draws)));
    });
  });
});
