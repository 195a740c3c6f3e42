// Lockstep chains on the CPU shared among worker threads: the same draws, bit
// for bit, in this thread and at any thread count (shards of unequal size
// included), in the sampling coordinates the fit uses; and a worker that dies
// or fails is reported naming its chains, never a hang.
import { describe, expect, it } from "vitest";
import { ParameterLayout } from "../../src/model/layout.js";
import { fitScalers, scaleRows } from "../../src/model/scaling.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { runLockstep } from "../../src/services/runLockstep.js";
import { shardsOf } from "../../src/services/threadedLockstep.js";
import type { DensitySpec } from "../../src/services/densitySpec.js";
import { factoryWithDyingWorker } from "../helpers/dyingWorker.js";

function spec(): { density: DensitySpec; init: Float64Array } {
  const sim = simulateDataset({ seed: 12, T: 40, channels: 2, extras: 1 });
  const layout = new ParameterLayout(sim.structure);
  const data = scaleRows(sim.dataset, fitScalers(sim.dataset, 40));
  return { density: { kind: "mmm", structure: sim.structure, data, parameterisation: "trend" }, init: layout.medianPoint() };
}

const settings = { chains: 7, seed: 5, backend: "cpu" as const, initRadius: 0.5, warmup: 60, draws: 30, maxSteps: 63 };

describe("lockstep chains in worker threads", () => {
  it("cuts the chains into contiguous shards of near-equal size", () => {
    expect(shardsOf(7, 3)).toEqual([
      { first: 0, count: 3 },
      { first: 3, count: 2 },
      { first: 5, count: 2 },
    ]);
    expect(shardsOf(2, 8)).toEqual([
      { first: 0, count: 1 },
      { first: 1, count: 1 },
    ]);
    expect(shardsOf(4, 1)).toEqual([{ first: 0, count: 4 }]);
  });

  it("gives the same draws, bit for bit, in this thread and at 1, 2 and 3 threads", async () => {
    const { density, init } = spec();
    const runs = [];
    for (const threads of [0, 1, 2, 3]) runs.push(await runLockstep({ ...settings, density, initialPosition: init, threads }));
    expect(runs.map((r) => r.threads)).toEqual([0, 1, 2, 3]);
    const first = runs[0]!;
    // The run moved (a real comparison): accepted proposals in every chain.
    for (const c of first.chains) expect(new Set(c.draws).size).toBeGreaterThan(c.draws.length / 4);
    for (const r of runs.slice(1)) {
      expect(r.raw.stepSizes).toEqual(first.raw.stepSizes);
      r.chains.forEach((c, k) => {
        expect(c.draws).toEqual(first.chains[k]!.draws);
        expect(c.stats.logp).toEqual(first.chains[k]!.stats.logp);
      });
    }
  });

  it("reports a worker that dies mid-run, naming its chains", async () => {
    const { density, init } = spec();
    // The second worker "dies" after its fifth answer.
    let answers = 0;
    const factory = await factoryWithDyingWorker(1, (m) => m.type === "lockstep-done" && ++answers === 5);
    const run = runLockstep({ ...settings, density, initialPosition: init, threads: 2, workerFactory: factory });
    await expect(run).rejects.toThrow(/^the lockstep worker of chains 4-6 failed: worker exited unexpectedly with code 1$/);
  });

  it("reports a density a worker cannot build, naming its chains", async () => {
    const { density, init } = spec();
    const broken = { ...density, kind: "nonsense" } as unknown as DensitySpec;
    // This thread's density is built only for other starts: the workers meet the bad spec first (whichever answers first is named).
    const run = runLockstep({ ...settings, density: broken, initialPosition: init, threads: 2 });
    await expect(run).rejects.toThrow(/^the lockstep worker of chains (0-3|4-6) failed: unknown density kind "nonsense"$/);
  });
});
