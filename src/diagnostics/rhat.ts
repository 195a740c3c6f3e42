/**
 * R-hat (potential scale reduction), basic split version and the
 * rank-normalised version of Vehtari et al. (2021). Returns NaN for
 * non-finite or constant draws, as `posterior` returns NA there.
 */
import {
  type Chains,
  assertChains,
  diagnosticsUndefined,
  foldAroundMedian,
  rankNormalize,
  splitChains,
} from "./chains.js";

/**
 * Classic Gelman–Rubin statistic of the chains as given:
 *   B = n var(chain means), W = mean of within-chain variances (n - 1),
 *   R-hat = sqrt(((n - 1)/n W + B/n) / W).
 * With a single chain B is undefined and the result is NaN.
 */
export function potentialScaleReduction(chains: Chains): number {
  assertChains(chains);
  if (diagnosticsUndefined(chains)) return NaN;
  const m = chains.length;
  const n = chains[0].length;
  const chainMeans = new Float64Array(m);
  let withinVariance = 0;
  for (let c = 0; c < m; c++) {
    const chain = chains[c];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += chain[i];
    const chainMean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (chain[i] - chainMean) ** 2;
    chainMeans[c] = chainMean;
    withinVariance += squares / (n - 1) / m;
  }
  let grandMean = 0;
  for (let c = 0; c < m; c++) grandMean += chainMeans[c] / m;
  let meanSpread = 0;
  for (let c = 0; c < m; c++) meanSpread += (chainMeans[c] - grandMean) ** 2;
  const betweenVariance = (n * meanSpread) / (m - 1);
  return Math.sqrt((betweenVariance / withinVariance + n - 1) / n);
}

/** Basic R-hat; split chains by default (detects trends within a chain). */
export function rhatBasic(chains: Chains, split = true): number {
  return potentialScaleReduction(split ? splitChains(chains) : chains);
}

/** Bulk R-hat: split R-hat of rank-normalised draws (robust to heavy tails). */
export function rhatBulk(chains: Chains): number {
  assertChains(chains);
  if (diagnosticsUndefined(chains)) return NaN;
  return potentialScaleReduction(rankNormalize(splitChains(chains)));
}

/**
 * Tail (folded) R-hat: split R-hat of rank-normalised |x - median|; detects
 * chains with equal location but different scale.
 */
export function rhatTail(chains: Chains): number {
  assertChains(chains);
  if (diagnosticsUndefined(chains)) return NaN;
  return potentialScaleReduction(rankNormalize(splitChains(foldAroundMedian(chains))));
}

/**
 * Rank-normalised split R-hat: max(bulk, tail). NaN propagates (e.g. when
 * the folded draws are constant), as R's max does with NA.
 */
export function rhat(chains: Chains): number {
  return Math.max(rhatBulk(chains), rhatTail(chains));
}
