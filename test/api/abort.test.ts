// Stopping a fit through its AbortSignal, in every phase, gives a clean
// outcome: before or during warm-up (and in the first few draws) a FitStopped
// that says so; later in sampling a model marked interrupted whose summary,
// diagnostics and analyses work on the draws so far.
import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { FitStopped } from "../../src/errors.js";
import { MIN_DRAWS_PER_CHAIN } from "../../src/api/interruptedChains.js";
import { FittedMMM } from "../../src/api/fittedMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import type { ChainProgress } from "../../src/services/runChains.js";
import type { FitConfigInput } from "../../src/fit/config.js";

const sim = simulateDataset({ seed: 5, T: 60, channels: 2, extras: 0 });

/** Fits with a controller that aborts when `when` first holds for a progress report. */
async function fitStoppedWhen(sampler: FitConfigInput["sampler"], when: (p: ChainProgress) => boolean) {
  const controller = new AbortController();
  return fitMMM(sim.dataset, { sampler }, {
    signal: controller.signal,
    onProgress: (p) => {
      if (!controller.signal.aborted && when(p)) controller.abort();
    },
  });
}

async function stopped(p: Promise<unknown>): Promise<FitStopped> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FitStopped);
    return e as FitStopped;
  }
  throw new Error("the fit was not stopped");
}

function expectUsable(fit: FittedMMM, chains: number, maxDraws: number): void {
  const d = fit.diagnostics();
  expect(d.interrupted).toBe(true);
  expect(d.chains).toBe(chains);
  expect(d.draws).toBeGreaterThanOrEqual(MIN_DRAWS_PER_CHAIN);
  expect(d.draws).toBeLessThan(maxDraws);
  expect(d.warnings.join(" ")).toMatch(/stopped during sampling: kept \d+ chains? x \d+ draws/);
  for (const row of fit.summary()) {
    expect(Number.isFinite(row.mean)).toBe(true);
    expect(Number.isFinite(row["hdi_3%"])).toBe(true);
  }
  for (const r of fit.roi()) expect(Number.isFinite(r.mean)).toBe(true);
  const again = FittedMMM.fromBytes(fit.toBytes());
  expect(again.diagnostics().interrupted).toBe(true);
  expect(again.diagnostics().draws).toBe(d.draws);
}

describe("stopping a fit in the calling thread (threads 0)", () => {
  const sampler = { chains: 2, warmup: 100, samples: 100, seed: 2, threads: 0 };

  it("before it starts: stopped during warm-up, nothing kept", async () => {
    const c = new AbortController();
    c.abort();
    const e = await stopped(fitMMM(sim.dataset, { sampler }, { signal: c.signal }));
    expect(e.phase).toBe("warmup");
    expect(e.message).toMatch(/stopped during warm-up \(at most 0 of 100 warm-up iterations done\)/);
  });

  it("during warm-up: stopped during warm-up", async () => {
    const e = await stopped(fitStoppedWhen(sampler, (p) => p.phase === "warmup" && p.iteration >= 30));
    expect(e.phase).toBe("warmup");
    expect(e.message).toMatch(/at most 30 of 100 warm-up iterations/);
  });

  it("in the first draws: too few to summarise, says so", async () => {
    const e = await stopped(fitStoppedWhen(sampler, (p) => p.phase === "sampling"));
    expect(e.phase).toBe("sampling");
    expect(e.message).toMatch(new RegExp(`at least ${MIN_DRAWS_PER_CHAIN} per chain`));
  });

  it("during sampling: an interrupted model with the draws so far (chain 1 never started, so chain 0 alone)", async () => {
    const fit = await fitStoppedWhen(sampler, (p) => p.phase === "sampling" && p.iteration >= 140);
    expectUsable(fit, 1, 100);
    expect(fit.diagnostics().draws).toBe(40);
  });
});

describe("stopping a fit in worker threads", () => {
  // Many draws asked for: the stop flag reaches the workers long before they could finish.
  const sampler = { chains: 2, warmup: 200, samples: 20_000, seed: 4, threads: 2 };

  it("during warm-up: stopped during warm-up", async () => {
    const e = await stopped(fitStoppedWhen({ ...sampler, warmup: 20_000 }, (p) => p.phase === "warmup" && p.iteration >= 400));
    expect(e.phase).toBe("warmup");
  });

  it("during sampling: both chains kept, cut to one length", async () => {
    // Stopped once both chains have draws: workers on a busy machine progress unevenly.
    const reached = new Map<number, number>();
    const fit = await fitStoppedWhen(sampler, (p) => {
      reached.set(p.chainId, p.iteration);
      return p.phase === "sampling" && reached.size === 2 && Math.min(...reached.values()) >= 200 + 50;
    });
    expectUsable(fit, 2, 20_000);
  });
});

describe("stopping a lockstep (ChEES) fit", () => {
  const sampler = { chains: 4, warmup: 100, samples: 5_000, seed: 6, method: "chees" as const, backend: "cpu" as const };

  it("during warm-up: stopped during warm-up", async () => {
    const e = await stopped(fitStoppedWhen(sampler, (p) => p.phase === "warmup" && p.iteration >= 20));
    expect(e.phase).toBe("warmup");
  });

  it("during sampling: every chain kept, marked interrupted", async () => {
    const fit = await fitStoppedWhen(sampler, (p) => p.phase === "sampling" && p.iteration >= 100 + 50);
    expectUsable(fit, 4, 5_000);
  });
});
