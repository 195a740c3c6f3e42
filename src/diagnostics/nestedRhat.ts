/**
 * Nested R-hat (Margossian, Hoffman, Sountsov, Riou-Durand, Vehtari & Gelman,
 * "Nested R-hat: assessing the convergence of Markov chain Monte Carlo when
 * running many short chains", Bayesian Analysis 2024), for many short chains
 * grouped into K superchains of M chains each, the chains of a superchain
 * having started from the same point. With N draws per chain:
 *
 *   chain mean  m_mk, chain variance s2_mk (N - 1 denominator)
 *   superchain mean  m_k = mean over m of m_mk;   overall mean  m = mean over k of m_k
 *   B_nu = sum_k (m_k - m)^2 / (K - 1)                       between superchains
 *   B_k  = sum_m (m_mk - m_k)^2 / (M - 1)   (0 when M = 1)   between a superchain's chains
 *   W_k  = mean over m of s2_mk             (0 when N = 1)   within chains
 *   W_nu = mean over k of (B_k + W_k)                         within superchains
 *   nested R-hat = sqrt(1 + B_nu / W_nu)
 *
 * Disagreement between the chains of one superchain counts as within-
 * superchain variance, so one-draw chains (N = 1) still work when M > 1; only
 * superchains that have not forgotten their different starts raise it. It is
 * never below 1. With M = 1 (every chain its own superchain) it is the classic
 * unsplit R-hat with W's (N - 1)/N factor dropped:
 * nested R-hat^2 = R-hat^2 + 1/N (the paper's footnote 1).
 *
 * Returns NaN, as the R package `posterior` returns NA, for non-finite or
 * constant draws and for fewer than 2 superchains.
 */
import { type Chains, assertChains, diagnosticsUndefined } from "./chains.js";
import { drawsPerChain, parameterChains } from "./trace.js";

/** Superchain index of every chain from a count K (contiguous groups of chains.length / K) or explicit ids. */
function superchainIndex(chainCount: number, superchains: number | readonly number[]): { index: Int32Array; k: number; m: number } {
  const index = new Int32Array(chainCount);
  if (typeof superchains === "number") {
    const k = superchains;
    if (!Number.isInteger(k) || k < 1 || chainCount % k !== 0) {
      throw new RangeError(`nestedRhat: ${k} superchains do not divide ${chainCount} chains into equal groups`);
    }
    const m = chainCount / k;
    for (let c = 0; c < chainCount; c++) index[c] = Math.floor(c / m);
    return { index, k, m };
  }
  if (superchains.length !== chainCount) {
    throw new RangeError(`nestedRhat: ${superchains.length} superchain ids for ${chainCount} chains`);
  }
  const ids = new Map<number, number>();
  const sizes: number[] = [];
  superchains.forEach((id, c) => {
    let k = ids.get(id);
    if (k === undefined) {
      k = ids.size;
      ids.set(id, k);
      sizes.push(0);
    }
    index[c] = k;
    sizes[k]! += 1;
  });
  if (sizes.some((s) => s !== sizes[0])) throw new RangeError(`nestedRhat: superchains differ in size (${sizes.join(", ")} chains)`);
  return { index, k: sizes.length, m: sizes[0]! };
}

/**
 * Nested R-hat of one quantity. `superchains` is either the number K of
 * superchains, chains [kM, (k+1)M) forming superchain k, or one superchain id
 * per chain (equal group sizes required).
 */
export function nestedRhat(chains: Chains, superchains: number | readonly number[]): number {
  assertChains(chains);
  const { index, k, m } = superchainIndex(chains.length, superchains);
  if (k < 2 || diagnosticsUndefined(chains)) return NaN;
  const n = chains[0]!.length;
  const superMean = new Float64Array(k);
  const chainMeans = chains.map((chain) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += chain[i]!;
    return s / n;
  });
  const within = new Float64Array(k);
  chains.forEach((chain, c) => {
    superMean[index[c]!] += chainMeans[c]! / m;
    if (n > 1) {
      let squares = 0;
      for (let i = 0; i < n; i++) squares += (chain[i]! - chainMeans[c]!) ** 2;
      within[index[c]!] += squares / (n - 1) / m;
    }
  });
  const between = new Float64Array(k);
  if (m > 1) chains.forEach((_, c) => (between[index[c]!] += (chainMeans[c]! - superMean[index[c]!]!) ** 2 / (m - 1)));
  let overall = 0;
  for (let s = 0; s < k; s++) overall += superMean[s]! / k;
  let betweenSuper = 0;
  let withinSuper = 0;
  for (let s = 0; s < k; s++) {
    betweenSuper += (superMean[s]! - overall) ** 2 / (k - 1);
    withinSuper += (between[s]! + within[s]!) / k;
  }
  return Math.sqrt(1 + betweenSuper / withinSuper);
}

/** The largest nested R-hat over a trace's parameters whose value is defined (-Infinity when none is): a fit's figure. */
export function maxNestedRhat(chainDraws: readonly Float64Array[], dim: number, superchains: number | readonly number[]): number {
  return Math.max(...Array.from(nestedRhatPerParameter(chainDraws, dim, superchains)).filter((v) => Number.isFinite(v)));
}

/** Nested R-hat of every parameter of a trace (per chain, row-major [nDraws][dim]). */
export function nestedRhatPerParameter(
  chainDraws: readonly Float64Array[],
  dim: number,
  superchains: number | readonly number[],
): Float64Array {
  drawsPerChain(chainDraws, dim);
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) out[j] = nestedRhat(parameterChains(chainDraws, dim, j), superchains);
  return out;
}
