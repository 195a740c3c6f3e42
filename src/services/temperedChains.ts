// Parallel tempering over NUTS chains: each chain of the run is a ladder of
// K replicas at inverse temperatures 1 = beta_0 > ... > beta_{K-1}
// (sampler/tempering.ts), each replica a NUTS chain with its own warm-up on
// p(x)^beta_k. After every iteration the replicas of a ladder report their
// state and neighbours swap states (even pairs on even iterations, odd
// pairs on odd ones). The chain's draws are its beta = 1 replica's. Swaps
// start with warm-up, so each replica adapts to the states it will see.
// Decisions come from the reports in ladder order and one random stream per
// ladder, so where a replica runs does not change a draw.

import { PhiloxRng } from "../rng/random.js";
import { planSwaps } from "../sampler/tempering.js";
import type { ChainResult } from "../sampler/index.js";
import type { WindowDirective } from "./chainRunner.js";
import type { ChainJob } from "./protocol.js";
import type { StagedChain } from "./stagedChains.js";

export interface TemperingOptions {
  /** Replicas per chain, the chain's own (beta = 1) included; 1 turns tempering off. */
  replicas: number;
  /** The hottest replica's inverse temperature, in (0, 1) (default 0.5). */
  minBeta?: number;
}

export const DEFAULT_MIN_BETA = 0.5;
/** Random streams of the hotter replicas (chain c's replica k >= 1: base + c (K - 1) + k - 1), disjoint from the chains' 0..chains-1. */
export const REPLICA_STREAM_BASE = 2 ** 42;
/** The swap decisions of ladder c: stream base + c. */
export const SWAP_STREAM_BASE = 2 ** 43;

export interface TemperingSummary {
  replicas: number;
  betas: number[];
  /** Per ladder (chain), the fraction of tried swaps accepted between replicas k and k+1. */
  swapRates: number[][];
}

export function isTempered(t: TemperingOptions | undefined): t is TemperingOptions {
  return t !== undefined && t.replicas > 1;
}

/**
 * The replicas of every chain, ladder after ladder (chain c's at c K ... c K + K - 1):
 * replica 0 is the chain's own job; the others sample the same density at
 * their inverse temperatures, from the chain's starting point, on their own streams.
 */
export function replicaJobs(jobs: ChainJob[], betas: number[]): ChainJob[] {
  const K = betas.length;
  return jobs.flatMap((job) =>
    betas.map((beta, k) => {
      if (k === 0) return job;
      const chainId = REPLICA_STREAM_BASE + job.chainId * (K - 1) + (k - 1);
      return { chainId, density: { ...job.density, inverseTemperature: beta }, options: { ...job.options, chainId } };
    }),
  );
}

/** Drives the ladders iteration by iteration to `total` iterations; returns every replica's result (in `staged`'s order) and the swap rates. */
export async function runLadders(
  staged: StagedChain[],
  betas: number[],
  total: number,
  seed: number,
): Promise<{ results: ChainResult[]; summary: TemperingSummary }> {
  const K = betas.length;
  const ladders = staged.length / K;
  const rngs = Array.from({ length: ladders }, (_, c) => new PhiloxRng(seed, SWAP_STREAM_BASE + c));
  const tried = Array.from({ length: ladders }, () => new Array<number>(K - 1).fill(0));
  const accepted = Array.from({ length: ladders }, () => new Array<number>(K - 1).fill(0));
  let pending: (WindowDirective | undefined)[] = staged.map(() => undefined);
  for (let it = 1; it <= total; it++) {
    // collectFrom = it: no warm-up draws are summarised (nothing but the state is needed).
    const reports = await Promise.all(staged.map((s, i) => s.advance(it, it, pending[i])));
    pending = staged.map(() => undefined);
    // A stopped replica ends the swaps; every replica then stops where it is.
    if (reports.some((r) => r.iteration < it)) break;
    if (it === total) break;
    for (let c = 0; c < ladders; c++) {
      const ladder = reports.slice(c * K, (c + 1) * K);
      const plan = planSwaps(
        ladder.map((r) => r.logp),
        betas,
        it - 1,
        rngs[c]!,
      );
      for (let k = 0; k + 1 < K; k++) {
        if (plan.tried[k]) tried[c]![k]! += 1;
        if (!plan.accepted[k]) continue;
        accepted[c]![k]! += 1;
        pending[c * K + k] = { move: ladder[k + 1]!.position };
        pending[c * K + k + 1] = { move: ladder[k]!.position };
      }
    }
  }
  const results = await Promise.all(staged.map((s) => s.finish()));
  const swapRates = accepted.map((a, c) => a.map((n, k) => (tried[c]![k]! > 0 ? n / tried[c]![k]! : 0)));
  return { results, summary: { replicas: K, betas, swapRates } };
}

/**
 * Each chain's result: its beta = 1 replica's draws, with what its whole
 * ladder cost (the replicas' gradients and, given per replica, seconds).
 */
export function coldChains(results: ChainResult[], K: number, seconds: number[] = []): { chains: ChainResult[]; seconds: number[] } {
  const chains: ChainResult[] = [];
  const ladderSeconds: number[] = [];
  for (let c = 0; c * K < results.length; c++) {
    const ladder = results.slice(c * K, (c + 1) * K);
    chains.push({
      ...ladder[0]!,
      gradientEvaluations: {
        warmup: ladder.reduce((a, r) => a + r.gradientEvaluations.warmup, 0),
        sampling: ladder.reduce((a, r) => a + r.gradientEvaluations.sampling, 0),
      },
    });
    ladderSeconds.push(seconds.slice(c * K, (c + 1) * K).reduce((a, b) => a + b, 0));
  }
  return { chains, seconds: ladderSeconds };
}
