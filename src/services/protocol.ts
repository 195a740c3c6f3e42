// The one message protocol between the chain pool and its workers.

import type { ChainOptions, ChainResult } from "../sampler/index.js";
import type { DensitySpec } from "./densitySpec.js";

/** Everything a worker needs to run one chain. */
export interface ChainJob {
  chainId: number;
  density: DensitySpec;
  options: ChainOptions;
}

export type ToWorker =
  | { type: "init"; module?: WebAssembly.Module; stopFlag?: SharedArrayBuffer }
  | { type: "run"; job: ChainJob };

export type FromWorker =
  | { type: "progress"; chainId: number; iteration: number; phase: "warmup" | "sampling"; divergences: number }
  | { type: "done"; chainId: number; result: ChainResult; seconds: number }
  | { type: "error"; chainId: number; message: string; stack?: string };

/** Typed arrays of a result, for zero-copy transfer. */
export function resultBuffers(r: ChainResult): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [r.draws, r.initialPosition, r.metric.inverseMetric, ...Object.values(r.stats)];
  if (r.warmupDraws) arrays.push(r.warmupDraws);
  if (r.warmupStats) arrays.push(...Object.values(r.warmupStats));
  const seen = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) seen.add(a.buffer);
  return [...seen];
}
