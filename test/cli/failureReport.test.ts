// What the CLI prints when a command fails, and its exit code. A chain or
// worker thread that fails during a real fit (NUTS or lockstep chains) is
// reported by its message alone, naming the chains, with exit code 1: no
// stack trace, which would be the main thread's and say nothing of the
// chain. Anything else keeps its stack, as a bug report needs it.
import { describe, expect, it } from "vitest";
import { CommanderError } from "commander";
import { fitMMM } from "../../src/api/fitMMM.js";
import { reportFailure } from "../../src/cli/failureReport.js";
import { InputError, NotConvergedError, SamplerFailure } from "../../src/errors.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { factoryWithDyingWorker } from "../helpers/dyingWorker.js";

const sim = simulateDataset({ seed: 5, T: 40, channels: 2, extras: 0 });

function reported(e: unknown): { code: number; text: string } {
  let text = "";
  const code = reportFailure(e, (t) => (text += t));
  return { code, text };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("the fit did not fail");
}

describe("the CLI's report of a failed command", () => {
  it("reports a NUTS chain whose worker dies by its message alone, exit code 1", async () => {
    // The second worker "dies" after its first progress report.
    const factory = await factoryWithDyingWorker(1, (m) => m.type === "progress");
    const e = await failure(fitMMM(sim.dataset, { sampler: { chains: 2, threads: 2, warmup: 100, samples: 100 } }, { workerFactory: factory }));
    expect(e).toBeInstanceOf(SamplerFailure);
    const { code, text } = reported(e);
    expect(code).toBe(1);
    expect(text).toBe("error: chain 1 failed: worker exited unexpectedly with code 1\n");
  });

  it("reports a lockstep worker that dies by its message alone, naming its chains", async () => {
    let answers = 0;
    const factory = await factoryWithDyingWorker(1, (m) => m.type === "lockstep-done" && ++answers === 3);
    const e = await failure(
      fitMMM(sim.dataset, { sampler: { chains: 6, threads: 2, warmup: 40, samples: 20, method: "chees", backend: "cpu" } }, { workerFactory: factory }),
    );
    expect(e).toBeInstanceOf(SamplerFailure);
    const { code, text } = reported(e);
    expect(code).toBe(1);
    expect(text).toBe("error: the lockstep worker of chains 3-5 failed: worker exited unexpectedly with code 1\n");
  });

  it("keeps the stack of anything else, which is a bug", () => {
    const { code, text } = reported(new TypeError("x is undefined"));
    expect(code).toBe(1);
    expect(text).toMatch(/^internal error: TypeError: x is undefined\n\s+at /);
  });

  it("maps bad input to 2, chains that disagree to 3, help to 0", () => {
    expect(reported(new InputError("--chains must be a positive integer, got 0"))).toEqual({ code: 2, text: "error: --chains must be a positive integer, got 0\n" });
    expect(reported(new NotConvergedError("NOT CONVERGED: nested R-hat 1.09", null, 1.09, 1.2))).toEqual({ code: 3, text: "error: NOT CONVERGED: nested R-hat 1.09\n" });
    expect(reported(new CommanderError(0, "commander.helpDisplayed", "")).code).toBe(0);
    expect(reported(new CommanderError(1, "commander.unknownOption", "unknown option")).code).toBe(2);
  });
});
