// What a stopped run keeps. Chains stop at different iterations (and queued
// chains may not start at all), but every diagnostic needs chains of equal
// length: keep every chain with enough draws for a summary, all cut to the
// shortest of them (more chains rather than more draws: R-hat compares
// chains). Too few draws for a summary is a FitStopped.

import { FitStopped } from "../errors.js";
import type { DrawStats } from "../sampler/index.js";
import type { StoredChain } from "../fit/record.js";

/** Fewest draws per chain the posterior summary accepts (split R-hat and ESS need split halves of at least 4). */
export const MIN_DRAWS_PER_CHAIN = 8;

function truncate(c: StoredChain, n: number, dim: number): StoredChain {
  if (c.numDraws === n) return c;
  const s = c.stats;
  const stats: DrawStats = {
    treeDepth: s.treeDepth.slice(0, n),
    nLeapfrog: s.nLeapfrog.slice(0, n),
    divergent: s.divergent.slice(0, n),
    energy: s.energy.slice(0, n),
    acceptStat: s.acceptStat.slice(0, n),
    stepSize: s.stepSize.slice(0, n),
    logp: s.logp.slice(0, n),
  };
  const divergent = stats.divergent.reduce((a, d) => a + (d !== 0 ? 1 : 0), 0);
  return { ...c, draws: c.draws.slice(0, n * dim), stats, numDraws: n, divergences: { ...c.divergences, sampling: divergent } };
}

/**
 * The chains of a finished or stopped run, ready for a fitted model: all of
 * them when none was interrupted, else those with at least MIN_DRAWS_PER_CHAIN draws cut to one length
 * (marked interrupted). Throws FitStopped when nothing usable is left.
 */
export function keepChains(chains: StoredChain[], dim: number, asked: { warmup: number; samples: number }): StoredChain[] {
  if (!chains.some((c) => c.interrupted)) return chains;
  const order = chains.map((c, i) => i).sort((a, b) => chains[b].numDraws - chains[a].numDraws || a - b);
  const usable = order.filter((i) => chains[i].numDraws >= MIN_DRAWS_PER_CHAIN);
  const bestLength = usable.length > 0 ? Math.min(...usable.map((i) => chains[i].numDraws)) : chains[order[0]].numDraws;
  if (bestLength === 0) {
    const warm = Math.max(0, ...chains.map((c) => c.numWarmup));
    throw new FitStopped(
      "warmup",
      asked.warmup > 0
        ? `stopped during warm-up (at most ${warm} of ${asked.warmup} warm-up iterations done): no draws yet, nothing to keep`
        : "stopped before the first draw: nothing to keep",
    );
  }
  if (bestLength < MIN_DRAWS_PER_CHAIN) {
    throw new FitStopped(
      "sampling",
      `stopped at the start of sampling (${bestLength} of ${asked.samples} draws per chain): a posterior summary needs at least ${MIN_DRAWS_PER_CHAIN} per chain, nothing to keep`,
    );
  }
  const kept = usable.sort((a, b) => a - b);
  return kept.map((i) => ({ ...truncate(chains[i], bestLength, dim), interrupted: true }));
}
