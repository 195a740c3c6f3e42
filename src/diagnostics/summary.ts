/**
 * One-row-per-quantity posterior summary in the spirit of ArviZ's
 * az.summary, with the diagnostics of Vehtari et al. (2021), and counters
 * for the sampler's per-draw warning flags.
 */
import { assertChains, pooledDraws, type Chains } from "./chains.js";
import { essBulk, essTail } from "./ess.js";
import { DEFAULT_HDI_PROB, hdi } from "./hdi.js";
import { mcseMean, mcseSd } from "./mcse.js";
import { rhat } from "./rhat.js";
import { parameterChains, drawsPerChain } from "./trace.js";

export interface SummaryRow {
  /** Mean of all draws pooled over chains. */
  readonly mean: number;
  /** Standard deviation of all draws (n - 1 denominator). */
  readonly sd: number;
  /** Lower end of the highest density interval (ArviZ definition). */
  readonly hdiLow: number;
  readonly hdiHigh: number;
  readonly mcseMean: number;
  readonly mcseSd: number;
  readonly essBulk: number;
  readonly essTail: number;
  /** Rank-normalised split R-hat, max of bulk and tail. */
  readonly rhat: number;
}

export interface NamedSummaryRow extends SummaryRow {
  readonly name: string;
}

export interface SummaryOptions {
  /** Probability mass of the HDI; ArviZ's default 0.94. */
  readonly hdiProb?: number;
}

/** Summary of one scalar quantity given as an array of chains. */
export function summarize(chains: Chains, options: SummaryOptions = {}): SummaryRow {
  assertChains(chains);
  const hdiProb = options.hdiProb ?? DEFAULT_HDI_PROB;
  const pooled = pooledDraws(chains);
  let mean = 0;
  for (let i = 0; i < pooled.length; i++) mean += pooled[i];
  mean /= pooled.length;
  let squares = 0;
  for (let i = 0; i < pooled.length; i++) squares += (pooled[i] - mean) ** 2;
  const interval = hdi(pooled, hdiProb);
  return {
    mean,
    sd: Math.sqrt(squares / (pooled.length - 1)),
    hdiLow: interval.low,
    hdiHigh: interval.high,
    mcseMean: mcseMean(chains),
    mcseSd: mcseSd(chains),
    essBulk: essBulk(chains),
    essTail: essTail(chains),
    rhat: rhat(chains),
  };
}

/**
 * Summary of every parameter of a trace: per chain a Float64Array of draws,
 * row-major [nDraws][dim]; `names[j]` labels column j.
 */
export function summarizeTrace(
  chainDraws: readonly Float64Array[],
  dim: number,
  names: readonly string[],
  options: SummaryOptions = {},
): NamedSummaryRow[] {
  drawsPerChain(chainDraws, dim);
  if (names.length !== dim) throw new RangeError(`summarizeTrace: ${names.length} names for dim = ${dim}`);
  return names.map((name, j) => ({ name, ...summarize(parameterChains(chainDraws, dim, j), options) }));
}

export interface ChainCounts {
  /** Count for each chain, in chain order. */
  readonly perChain: number[];
  readonly total: number;
}

function countPerChain<T extends ArrayLike<number>>(stats: readonly T[], hit: (value: number) => boolean): ChainCounts {
  const perChain = stats.map((chain) => {
    let count = 0;
    for (let i = 0; i < chain.length; i++) if (hit(chain[i])) count++;
    return count;
  });
  return { perChain, total: perChain.reduce((a, b) => a + b, 0) };
}

/** Divergent transitions: per-draw flags, nonzero meaning divergent. */
export function countDivergences(divergentFlags: readonly Uint8Array[]): ChainCounts {
  return countPerChain(divergentFlags, (flag) => flag !== 0);
}

/**
 * Draws whose trajectory hit the tree-depth limit (depth >= maxTreedepth),
 * i.e. NUTS stopped doubling before the U-turn criterion fired.
 */
export function countMaxTreedepth(treedepths: readonly Int32Array[], maxTreedepth: number): ChainCounts {
  return countPerChain(treedepths, (depth) => depth >= maxTreedepth);
}
