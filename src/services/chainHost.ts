// The chains a thread holds, and the messages that drive them: the same code
// in a worker and in the calling thread, so both give identical draws.

import { ChainRunner } from "./chainRunner.js";
import { createDensity } from "./densitySpec.js";
import type { ChainJob, ChainMessage, ChainReply } from "./protocol.js";
import { stageSteps } from "./stagedChains.js";

/**
 * The chains a thread holds: a chain run to its end in one go ("run"), or
 * staged (chains meeting at window ends: "open", "advance", "finish"), and
 * kept on request for more draws ("extend"). Messages for one chain arrive
 * in order; a failure is reported as that chain's error.
 */
export class ChainHost {
  private readonly chains = new Map<number, { runner: ChainRunner; seconds: number }>();
  /** Why a chain could not be opened, told at its first request. */
  private readonly openFailures = new Map<number, string>();

  constructor(
    private readonly post: (m: ChainReply) => void,
    private readonly module?: WebAssembly.Module,
    private readonly shouldStop?: () => boolean,
  ) {}

  private open(job: ChainJob): void {
    const chainId = job.chainId;
    const started = performance.now();
    const density = createDensity(job.density, this.module);
    // The runner builds the warm-up its options name.
    const runner = new ChainRunner(density, { ...job.options, chainId }, {
      onProgress: (iteration, phase, divergences) => this.post({ type: "progress", chainId, iteration, phase, divergences }),
      ...(this.shouldStop ? { shouldStop: this.shouldStop } : {}),
    });
    this.chains.set(chainId, { runner, seconds: (performance.now() - started) / 1000 });
  }

  handle(msg: ChainMessage): void {
    const chainId = msg.type === "open" || msg.type === "run" ? msg.job.chainId : msg.chainId;
    try {
      if (msg.type === "open" || msg.type === "run") {
        this.open(msg.job);
        if (msg.type === "open") return;
      }
      const entry = this.chains.get(chainId);
      if (!entry) throw new Error(this.openFailures.get(chainId) ?? `no open chain ${chainId}`);
      const began = performance.now();
      const { runner } = entry;
      if (msg.type === "advance") {
        const report = stageSteps.advance(runner, msg.until, msg.collectFrom, msg.directive);
        entry.seconds += (performance.now() - began) / 1000;
        this.post({ type: "report", chainId, report });
        return;
      }
      const result = msg.type === "extend" ? stageSteps.extend(runner, msg.draws) : stageSteps.finish(runner, msg.type === "finish" ? msg.directive : undefined);
      entry.seconds += (performance.now() - began) / 1000;
      if (msg.type !== "extend" && !msg.keep) this.chains.delete(chainId);
      this.post({ type: "done", chainId, result, seconds: entry.seconds });
    } catch (e) {
      const err = e as Error;
      this.chains.delete(chainId);
      if (msg.type === "open") {
        this.openFailures.set(chainId, err?.message ?? String(e));
        return;
      }
      this.post({ type: "error", chainId, message: err?.message ?? String(e), stack: err?.stack });
    }
  }
}
