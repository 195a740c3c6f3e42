// Runs chains that meet at every warm-up window end ("pooled-diag"): each
// chain advances to the window end and reports; the reports, in chain order,
// decide the shared metric and any restarts (adaptation/chainSync.ts); each
// chain takes its directive at the start of its next stage. Where a chain runs
// (this thread or a worker) does not change a single draw.

import { planWindowEnd, type ChainSyncOptions } from "../adaptation/chainSync.js";
import { StanWindowSchedule } from "../adaptation/windows.js";
import type { LogDensity } from "../density/types.js";
import { ChainRunner, type WindowDirective, type WindowReport } from "./chainRunner.js";
import type { ChainCallbacks, ChainOptions, ChainResult } from "../sampler/chain.js";

/** A chain that advances in stages, wherever it runs. */
export interface StagedChain {
  /** Takes `directive` (if any), runs to `until` completed iterations, and reports on the draws from `collectFrom` on. */
  advance(until: number, collectFrom: number, directive?: WindowDirective): Promise<WindowReport>;
  /** Takes `directive` (if any), runs to the end, and returns the chain. */
  finish(directive?: WindowDirective): Promise<ChainResult>;
  /** After finish: `draws` more draws from where the chain is; returns those alone (ChainRunner.extend). */
  extend(draws: number): Promise<ChainResult>;
}

/** Whether a run with these options has chains meeting at window ends. */
export function isStaged(options: Pick<ChainOptions, "adaptation" | "numWarmup">, chains: number): boolean {
  return (options.adaptation === "pooled-diag" || options.adaptation === "pooled-dense") && chains > 1 && StanWindowSchedule.windows(options.numWarmup ?? 1000).length > 0;
}

/** Drives staged chains through the window ends of `numWarmup` warm-up iterations, then to the end. */
export async function runStaged(
  chains: StagedChain[],
  numWarmup: number,
  seed: number,
  sync: ChainSyncOptions = {},
): Promise<ChainResult[]> {
  const windows = StanWindowSchedule.windows(numWarmup);
  let pending: WindowDirective[] = chains.map(() => ({}));
  for (let w = 0; w < windows.length; w++) {
    const [start, end] = windows[w]!;
    const reports = await Promise.all(chains.map((c, k) => c.advance(end + 1, start, pending[k])));
    // A stopped chain ends the meetings; the others run on alone.
    if (reports.some((r) => r.iteration < end + 1)) {
      pending = chains.map(() => ({}));
      break;
    }
    // No restarts at the last window end: too little warm-up would be left to settle.
    pending = planWindowEnd(reports, seed, w, w < windows.length - 1 ? sync : { ...sync, restart: false });
  }
  return Promise.all(chains.map((c, k) => c.finish(pending[k])));
}

/**
 * The stages on a chain held in this thread, run at once: what a ChainHost
 * (services/chainHost.ts) does for a message and localStagedChain for a call.
 */
export const stageSteps = {
  /** Takes `directive` (if any), runs to `until` completed iterations, and reports on the draws from `collectFrom` on. */
  advance(runner: ChainRunner, until: number, collectFrom: number, directive?: WindowDirective): WindowReport {
    if (directive) runner.adopt(directive);
    runner.advance(until, collectFrom);
    return runner.windowReport();
  },
  /** Takes `directive` (if any), runs to the end, and returns the chain. */
  finish(runner: ChainRunner, directive?: WindowDirective): ChainResult {
    if (directive) runner.adopt(directive);
    runner.advance(runner.total);
    return runner.result();
  },
  /** `draws` more draws from where the chain is; returns those alone. */
  extend(runner: ChainRunner, draws: number): ChainResult {
    runner.extend(draws);
    runner.advance(runner.total);
    return runner.result();
  },
};

/** `step`'s value, or its error, as a settled promise. */
function settled<T>(step: () => T): Promise<T> {
  try {
    return Promise.resolve(step());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** A staged chain in this thread. */
export function localStagedChain(density: LogDensity, options: ChainOptions, callbacks: ChainCallbacks = {}): StagedChain {
  const runner = new ChainRunner(density, options, callbacks);
  return {
    advance: (until, collectFrom, directive) => settled(() => stageSteps.advance(runner, until, collectFrom, directive)),
    finish: (directive) => settled(() => stageSteps.finish(runner, directive)),
    extend: (draws) => settled(() => stageSteps.extend(runner, draws)),
  };
}

/**
 * Runs `chains` chains of one density in this thread, meeting at window ends
 * (chainId 0..chains-1); `initialPositions[c]`, if given, replaces chain c's
 * initialPosition.
 */
export async function sampleChainsStaged(
  density: LogDensity,
  options: Omit<ChainOptions, "chainId">,
  chains: number,
  sync: ChainSyncOptions = {},
  initialPositions?: Float64Array[],
): Promise<ChainResult[]> {
  const staged = Array.from({ length: chains }, (_, chainId) =>
    localStagedChain(density, { ...options, chainId, initialPosition: initialPositions?.[chainId] ?? options.initialPosition }),
  );
  return runStaged(staged, options.numWarmup ?? 1000, options.seed, sync);
}
