// The one message protocol between the chain pool and its workers.

import type { WindowDirective, WindowReport } from "../adaptation/chainSync.js";
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
  /** Runs a chain to its end; with `keep`, the thread holds it afterwards for "extend". */
  | { type: "run"; job: ChainJob; keep?: boolean }
  /** Staged chains (chains meeting at warm-up window ends): open one, then advance it stage by stage. */
  | { type: "open"; job: ChainJob }
  | { type: "advance"; chainId: number; until: number; collectFrom: number; directive?: WindowDirective }
  | { type: "finish"; chainId: number; directive?: WindowDirective; keep?: boolean }
  /** More draws from a finished chain the thread holds: answered by "done" with those draws alone (ChainRunner.extend). */
  | { type: "extend"; chainId: number; draws: number }
  | LockstepMessage;

/** The messages about one chain, which a ChainHost handles. */
export type ChainMessage = Exclude<ToWorker, { type: "init" } | LockstepMessage>;

/**
 * A worker's share of lockstep chains on the CPU (services/lockstepShard.ts):
 * "lockstep-open" sets it up; each "lockstep-evaluate" or "lockstep-leapfrog"
 * is answered by one "lockstep-done" (or "lockstep-error"), arrays [chains][dim].
 */
export type LockstepMessage =
  | { type: "lockstep-open"; density: DensitySpec; chains: number }
  | { type: "lockstep-evaluate"; positions: Float64Array }
  | {
      type: "lockstep-leapfrog";
      positions: Float64Array;
      momenta: Float64Array;
      gradients: Float64Array;
      logps: Float64Array;
      stepSize: number | Float64Array;
      steps: number;
      invMetric: Float64Array;
    };

/** A chain worker's messages about one chain. */
export type ChainReply =
  | { type: "progress"; chainId: number; iteration: number; phase: "warmup" | "sampling"; divergences: number }
  /** `seconds`: the chain's time in its thread so far, every block included. */
  | { type: "done"; chainId: number; result: ChainResult; seconds: number }
  | { type: "report"; chainId: number; report: WindowReport }
  | { type: "error"; chainId: number; message: string; stack?: string };

/** The answer to a lockstep request: the shard's state after it (momenta only after a leapfrog). */
export type LockstepReply =
  | { type: "lockstep-done"; positions: Float64Array; momenta?: Float64Array; gradients: Float64Array; logps: Float64Array }
  | { type: "lockstep-error"; message: string; stack?: string };

export type FromWorker = ChainReply | LockstepReply;

export function isLockstepMessage(m: ToWorker): m is LockstepMessage {
  return m.type === "lockstep-open" || m.type === "lockstep-evaluate" || m.type === "lockstep-leapfrog";
}

export function isLockstepReply(m: FromWorker): m is LockstepReply {
  return m.type === "lockstep-done" || m.type === "lockstep-error";
}

/** Typed arrays of a result, for zero-copy transfer. */
export function resultBuffers(r: ChainResult): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [r.draws, r.initialPosition, r.metric.inverseMetric, ...Object.values(r.stats)];
  if (r.warmupDraws) arrays.push(r.warmupDraws);
  if (r.warmupStats) arrays.push(...Object.values(r.warmupStats));
  const seen = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) seen.add(a.buffer);
  return [...seen];
}
