// Runs one chain job and reports through `post`: the same code in a worker
// and in the calling thread, so both give identical draws.

import { sampleChain } from "../sampler/index.js";
import { createDensity } from "./densitySpec.js";
import type { ChainJob, FromWorker } from "./protocol.js";

export function runChainJob(
  job: ChainJob,
  post: (m: FromWorker) => void,
  module?: WebAssembly.Module,
  shouldStop?: () => boolean,
): void {
  const start = performance.now();
  try {
    const density = createDensity(job.density, module);
    const result = sampleChain(
      density,
      { ...job.options, chainId: job.chainId },
      {
        onProgress: (iteration, phase, divergences) =>
          post({ type: "progress", chainId: job.chainId, iteration, phase, divergences }),
        shouldStop,
      },
    );
    post({ type: "done", chainId: job.chainId, result, seconds: (performance.now() - start) / 1000 });
  } catch (e) {
    const err = e as Error;
    post({ type: "error", chainId: job.chainId, message: err?.message ?? String(e), stack: err?.stack });
  }
}
