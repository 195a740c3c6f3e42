/**
 * Effective sample size (Vehtari, Gelman, Simpson, Carpenter, Bürkner 2021),
 * computed as Stan and the R package `posterior` do. Every variant returns
 * NaN for non-finite or constant draws and for fewer than 3 draws per
 * (split) chain.
 */
import { autocovariance } from "./autocovariance.js";
import {
  type Chains,
  assertChains,
  diagnosticsUndefined,
  mapDraws,
  pooledDraws,
  rankNormalize,
  splitChains,
} from "./chains.js";
import { quantile } from "./quantile.js";

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Sample variance with the n - 1 denominator. */
function sampleVariance(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - m) ** 2;
  return sum / (values.length - 1);
}

/**
 * ESS of the given chains as they are (no splitting or transformation).
 *
 * Autocorrelations are combined across chains with the multi-chain variance
 * estimate, so disagreement between chains lowers the ESS:
 *   W = mean over chains of the (n-1 denominator) within-chain variance,
 *   var_plus = (n-1)/n W + var(chain means),
 *   rho_t = 1 - (W - mean_chain_acov_t) / var_plus.
 * The sum of rho_t is truncated by Geyer's initial positive sequence (pairs
 * of lags while their sum stays positive), then made monotone (initial
 * monotone sequence), and
 *   tau = -1 + 2 * sum_{t < maxT} rho_t + rho_maxT
 * where maxT is the even lag whose pair ended the sequence, and rho_maxT is
 * kept when positive (or when its pair sum is >= 0) and 0 otherwise:
 * counting that half pair reduces variance for antithetic chains. tau is bounded
 * below by 1 / log10(S), i.e. ESS <= S log10(S) for S draws in all.
 */
export function effectiveSampleSize(chains: Chains): number {
  assertChains(chains);
  const chainCount = chains.length;
  const n = chains[0].length;
  if (n < 3 || diagnosticsUndefined(chains)) return NaN;

  const meanAcov = new Float64Array(n);
  const chainMeans = new Float64Array(chainCount);
  for (let c = 0; c < chainCount; c++) {
    const acov = autocovariance(chains[c]);
    for (let t = 0; t < n; t++) meanAcov[t] += acov[t] / chainCount;
    chainMeans[c] = mean(chains[c]);
  }
  // acov[0] is the biased (1/n) variance; W uses the unbiased one.
  const withinVariance = (meanAcov[0] * n) / (n - 1);
  let varPlus = meanAcov[0];
  if (chainCount > 1) varPlus += sampleVariance(chainMeans);
  const rhoAt = (t: number): number => 1 - (withinVariance - meanAcov[t]) / varPlus;

  // Geyer's initial positive sequence. The last pair is never consumed by
  // the loop (t stops before n - 5) so it can serve as the bias term below.
  const rho = new Float64Array(n);
  let rhoEven = 1;
  let rhoOdd = rhoAt(1);
  rho[0] = rhoEven;
  rho[1] = rhoOdd;
  let t = 0;
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    rhoEven = rhoAt(t);
    rhoOdd = rhoAt(t + 1);
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  if (rhoEven > 0) rho[maxT] = rhoEven;

  // Geyer's initial monotone sequence: pair sums may not increase.
  for (let k = 2; k <= maxT - 2; k += 2) {
    const previousPair = rho[k - 2] + rho[k - 1];
    if (rho[k] + rho[k + 1] > previousPair) {
      rho[k] = previousPair / 2;
      rho[k + 1] = previousPair / 2;
    }
  }

  // When the sequence stops at once (maxT = 0), posterior (via R's 1:0) and
  // Stan both still count lag 0 in the sum, giving tau = 2; keep that.
  let sum = 0;
  for (let k = 0; k < Math.max(maxT, 1); k++) sum += rho[k];
  const totalDraws = chainCount * n;
  let tau = -1 + 2 * sum + rho[maxT];
  tau = Math.max(tau, 1 / Math.log10(totalDraws));
  return totalDraws / tau;
}

/** Basic ESS: on split chains (default) or on the chains as given. */
export function essBasic(chains: Chains, split = true): number {
  return effectiveSampleSize(split ? splitChains(chains) : chains);
}

/** ESS of the mean; the same estimate as essBasic with split chains. */
export function essMean(chains: Chains): number {
  return essBasic(chains, true);
}

/** Bulk-ESS: ESS of the rank-normalised split chains. */
export function essBulk(chains: Chains): number {
  assertChains(chains);
  if (diagnosticsUndefined(chains)) return NaN;
  return effectiveSampleSize(rankNormalize(splitChains(chains)));
}

/**
 * ESS of the p-quantile: ESS of the indicator I(x <= q_p) on split chains,
 * q_p the type-7 quantile of all draws. For p = 1 the indicator would be
 * constant, so p is moved to (S - 1/2)/S as posterior does.
 */
export function essQuantile(chains: Chains, p: number): number {
  assertChains(chains);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`essQuantile: p = ${p} is not in [0, 1]`);
  if (diagnosticsUndefined(chains)) return NaN;
  const pooled = pooledDraws(chains);
  const prob = p === 1 ? (pooled.length - 0.5) / pooled.length : p;
  const threshold = quantile(pooled, prob);
  return effectiveSampleSize(splitChains(mapDraws(chains, (x) => (x <= threshold ? 1 : 0))));
}

/** Tail-ESS: the smaller of the ESS of the 5% and the 95% quantiles. */
export function essTail(chains: Chains): number {
  return Math.min(essQuantile(chains, 0.05), essQuantile(chains, 0.95));
}

/**
 * ESS for the standard deviation as posterior's current ess_sd defines it:
 * the ESS (split chains) of |x - mean|. (Older posterior versions used
 * min(ESS(x), ESS(x^2)).) The MCSE of the sd uses its own ESS, see mcse.ts.
 */
export function essSd(chains: Chains): number {
  assertChains(chains);
  if (diagnosticsUndefined(chains)) return NaN;
  const center = mean(pooledDraws(chains));
  return essBasic(mapDraws(chains, (x) => Math.abs(x - center)));
}

