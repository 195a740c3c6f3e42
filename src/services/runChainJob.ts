// Runs one chain job and reports through `post`: the same code in a worker
// and in the calling thread, so both give identical draws.

import { warmupSchemeFor } from "../adaptation/warmupSchemes.js";
import { sampleChain } from "./chainRunner.js";
import { createDensity } from "./densitySpec.js";
import type { ChainJob, FromWorker, ToWorker } from "./protocol.js";
import { localStagedChain } from "./stagedChains.js";

export function runChainJob(
  job: ChainJob,
  post: (m: FromWorker) => void,
  module?: WebAssembly.Module,
  shouldStop?: () => boolean,
): void {
  const start = performance.now();
  try {
    const density = createDensity(job.density, module);
    const options = { ...job.options, chainId: job.chainId };
    const result = sampleChain(
      density,
      options,
      {
        onProgress: (iteration, phase, divergences) =>
          post({ type: "progress", chainId: job.chainId, iteration, phase, divergences }),
        shouldStop,
      },
      warmupSchemeFor(options, density.dim),
    );
    post({ type: "done", chainId: job.chainId, result, seconds: (performance.now() - start) / 1000 });
  } catch (e) {
    const err = e as Error;
    post({ type: "error", chainId: job.chainId, message: err?.message ?? String(e), stack: err?.stack });
  }
}

/**
 * The staged chains a thread holds (chains meeting at window ends): the same
 * code in a worker and in the calling thread. Messages for one chain arrive
 * in order; a failure is reported as that chain's error.
 */
export class StagedChainHost {
  private readonly chains = new Map<number, { chain: ReturnType<typeof localStagedChain>; seconds: number }>();
  /** Why a chain could not be opened, told at its first request. */
  private readonly openFailures = new Map<number, string>();

  constructor(
    private readonly post: (m: FromWorker) => void,
    private readonly module?: WebAssembly.Module,
    private readonly shouldStop?: () => boolean,
  ) {}

  handle(msg: Extract<ToWorker, { type: "open" | "advance" | "finish" }>): void {
    const chainId = msg.type === "open" ? msg.job.chainId : msg.chainId;
    try {
      if (msg.type === "open") {
        const job = msg.job;
        const started = performance.now();
        const density = createDensity(job.density, this.module);
        const chain = localStagedChain(
          density,
          { ...job.options, chainId },
          {
            onProgress: (iteration, phase, divergences) => this.post({ type: "progress", chainId, iteration, phase, divergences }),
            ...(this.shouldStop ? { shouldStop: this.shouldStop } : {}),
          },
        );
        this.chains.set(chainId, { chain, seconds: (performance.now() - started) / 1000 });
        return;
      }
      const entry = this.chains.get(chainId);
      if (!entry) throw new Error(this.openFailures.get(chainId) ?? `no open chain ${chainId}`);
      const began = performance.now();
      const { runner } = entry.chain;
      if (msg.directive) runner.adopt(msg.directive);
      if (msg.type === "advance") {
        runner.advance(msg.until, msg.collectFrom);
        entry.seconds += (performance.now() - began) / 1000;
        this.post({ type: "report", chainId, report: runner.windowReport() });
      } else {
        runner.advance(runner.total);
        entry.seconds += (performance.now() - began) / 1000;
        this.chains.delete(chainId);
        this.post({ type: "done", chainId, result: runner.result(), seconds: entry.seconds });
      }
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
