import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { resolveConfig } from "../../src/fit/config.js";
import { FitStopped, InputError } from "../../src/errors.js";

describe("init: pathfinder", () => {
  const sim = simulateDataset({ seed: 7, T: 60, channels: 2, extras: 1 });
  const short = { chains: 4, warmup: 20, samples: 10, seed: 3, init: "pathfinder" as const };

  it("starts the chains at distinct Pathfinder draws, the same at 1, 2 and 4 threads, and counts its gradients", async () => {
    const fits = [];
    for (const threads of [0, 2, 4]) fits.push(await fitMMM(sim.dataset, { sampler: { ...short, threads } }));
    const [one, ...more] = fits;
    const starts = one!.record.chains.map((c) => Array.from(c.initialPosition));
    expect(new Set(starts.map((s) => s.join(","))).size).toBe(4);
    for (const f of more) {
      expect(f.record.chains.map((c) => Array.from(c.initialPosition))).toEqual(starts);
      for (let k = 0; k < 4; k++) expect(Array.from(f.record.chains[k]!.draws)).toEqual(Array.from(one!.record.chains[k]!.draws));
    }
    const start = one!.record.sampling?.start;
    expect(start?.method).toBe("pathfinder");
    if (start?.method !== "pathfinder") return;
    expect(start.paths).toBe(4);
    expect(start.used.length + start.dropped.length).toBe(4);
    const g = one!.diagnostics().gradient_evaluations;
    expect(g.initialisation).toBe(start.gradientEvaluations);
    expect(g.initialisation).toBeGreaterThan(0);
    expect(g.total).toBe(g.initialisation + g.warmup + g.sampling);
  });

  it("hears a Stop while Pathfinder runs (between paths) and rejects with FitStopped, before warm-up", async () => {
    const stop = new AbortController();
    stop.abort();
    const fit = fitMMM(sim.dataset, { sampler: { ...short, threads: 0 } }, { signal: stop.signal });
    await expect(fit).rejects.toThrow(FitStopped);
    await expect(fit).rejects.toThrow(/while Pathfinder was choosing the chains' starting points/);
  });

  it("records the other starts too, with nothing spent", async () => {
    const fit = await fitMMM(sim.dataset, { sampler: { ...short, init: "random", chains: 2, threads: 0 } });
    expect(fit.record.sampling?.start).toEqual({ method: "random" });
    expect(fit.diagnostics().gradient_evaluations.initialisation).toBe(0);
  });

  it("refuses an unknown init and init values with pathfinder, naming the option", async () => {
    expect(() => resolveConfig({ sampler: { init: "lbfgs" as never } })).toThrow(/init must be one of jitter, median, random, pathfinder/);
    await expect(fitMMM(sim.dataset, { sampler: { ...short, initValues: { sigma: 1 } } })).rejects.toThrow(InputError);
  });
});
