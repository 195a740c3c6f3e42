/**
 * Shared handling of a "columnar trace" for one scalar quantity: an array of
 * chains, each a Float64Array of draws, all of the same length.
 */
import { inverseNormalCdf } from "./normal.js";
import { median } from "./quantile.js";

export type Chains = readonly Float64Array[];

/** Throws unless there is at least one chain and all chains have equal length. */
export function assertChains(chains: Chains): void {
  if (chains.length === 0) throw new RangeError("diagnostics: no chains given");
  const n = chains[0].length;
  for (const chain of chains) {
    if (chain.length !== n) {
      throw new RangeError(`diagnostics: chains differ in length (${n} vs ${chain.length})`);
    }
  }
}

/** All draws of all chains, concatenated chain after chain. */
export function pooledDraws(chains: Chains): Float64Array {
  const n = chains.length === 0 ? 0 : chains[0].length;
  const out = new Float64Array(chains.length * n);
  chains.forEach((chain, c) => out.set(chain, c * n));
  return out;
}

/** Applies `f` to every draw, keeping the chain structure. */
export function mapDraws(chains: Chains, f: (value: number) => number): Float64Array[] {
  return chains.map((chain) => chain.map(f));
}

export function allFinite(chains: Chains): boolean {
  for (const chain of chains) for (let i = 0; i < chain.length; i++) if (!Number.isFinite(chain[i])) return false;
  return true;
}

/**
 * True when max - min of all draws is below machine epsilon (an absolute
 * tolerance, as the `posterior` package's is_constant uses). R-hat and ESS
 * are undefined (0/0) for such input.
 */
export function isConstant(chains: Chains): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (const chain of chains) {
    for (let i = 0; i < chain.length; i++) {
      if (chain[i] < min) min = chain[i];
      if (chain[i] > max) max = chain[i];
    }
  }
  return Math.abs(max - min) < Number.EPSILON;
}

/**
 * Non-finite or constant draws make R-hat and ESS undefined; `posterior`
 * returns NA there and we return NaN.
 */
export function diagnosticsUndefined(chains: Chains): boolean {
  return !allFinite(chains) || isConstant(chains);
}

/**
 * Cuts each chain into its first and second half, doubling the number of
 * chains; with an odd length the middle draw is dropped. Splitting lets
 * R-hat and ESS see trends within a chain (and makes one chain usable).
 * Returns views, not copies. Chains of length 1 are returned unchanged.
 */
export function splitChains(chains: Chains): Float64Array[] {
  assertChains(chains);
  const n = chains[0].length;
  if (n <= 1) return chains.slice();
  const half = Math.floor(n / 2);
  const out: Float64Array[] = [];
  for (const chain of chains) {
    out.push(chain.subarray(0, half), chain.subarray(n - half, n));
  }
  return out;
}

/**
 * Ranks of all draws pooled over chains, 1-based, ties given their average
 * rank (so discrete quantities keep their number of distinct values).
 */
export function pooledRanks(chains: Chains): Float64Array[] {
  const values = pooledDraws(chains);
  const total = values.length;
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((i, j) => values[i] - values[j]);

  const ranks = new Float64Array(total);
  let start = 0;
  while (start < total) {
    let end = start + 1;
    while (end < total && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 (0-based) are tied: ranks start+1..end, average below.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = averageRank;
    start = end;
  }
  const n = chains.length === 0 ? 0 : chains[0].length;
  return chains.map((_, c) => ranks.subarray(c * n, (c + 1) * n));
}

/**
 * Rank normalisation (Vehtari et al. 2021): z = Phi^-1((r - 3/8) / (S + 1/4))
 * with pooled average ranks r and S draws in all (Blom's offset c = 3/8).
 * The result no longer depends on the scale or on heavy tails of the draws.
 */
export function rankNormalize(chains: Chains): Float64Array[] {
  const ranks = pooledRanks(chains);
  const total = chains.length * (chains.length === 0 ? 0 : chains[0].length);
  const denominator = total + 0.25;
  return ranks.map((chainRanks) => chainRanks.map((r) => inverseNormalCdf((r - 0.375) / denominator)));
}

/** |x - median| with the median of all pooled draws: the tails become the bulk. */
export function foldAroundMedian(chains: Chains): Float64Array[] {
  const center = median(pooledDraws(chains));
  return mapDraws(chains, (x) => Math.abs(x - center));
}
