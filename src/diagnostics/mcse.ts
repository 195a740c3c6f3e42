/**
 * Monte Carlo standard errors, following the R package `posterior`
 * (current version). NaN wherever the underlying ESS is undefined.
 */
import { betaQuantile } from "../math/beta.js";
import { type Chains, assertChains, diagnosticsUndefined, mapDraws, pooledDraws } from "./chains.js";
import { essMean, essQuantile } from "./ess.js";

// posterior uses pnorm(-1) and pnorm(1), rounded to 7 digits: the central
// +-1 sd probability band of the quantile's sampling distribution.
const LOWER_BAND = 0.1586553;
const UPPER_BAND = 0.8413447;

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

function standardDeviation(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - m) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}

/** MCSE of the mean: sd / sqrt(ESS_mean), sd with the n - 1 denominator. */
export function mcseMean(chains: Chains): number {
  assertChains(chains);
  return standardDeviation(pooledDraws(chains)) / Math.sqrt(essMean(chains));
}

/**
 * MCSE of the standard deviation without assuming normality (posterior >=
 * 1.5 mcse_sd). With centred draws c = x - mean:
 *   ESS   = ESS_mean(c^2)   (the sd is driven by the squared deviations),
 *   Var[var-hat] = (mean(c^4) - mean(c^2)^2) / ESS   (Kenney & Keeping 1951),
 *   Var[sd-hat]  = Var[var-hat] / (4 mean(c^2))      (first-order delta method),
 * and the MCSE is its square root. (Older posterior versions used a Stirling
 * approximation that assumed normal draws.)
 */
export function mcseSd(chains: Chains): number {
  assertChains(chains);
  if (diagnosticsUndefined(chains)) return NaN;
  const center = mean(pooledDraws(chains));
  const squaredDeviations = mapDraws(chains, (x) => (x - center) ** 2);
  const ess = essMean(squaredDeviations);
  const pooledSquares = pooledDraws(squaredDeviations);
  const secondMoment = mean(pooledSquares);
  let fourthMoment = 0;
  for (let i = 0; i < pooledSquares.length; i++) fourthMoment += pooledSquares[i] ** 2 / pooledSquares.length;
  const varianceOfVariance = (fourthMoment - secondMoment ** 2) / ess;
  return Math.sqrt(varianceOfVariance / secondMoment / 4);
}

/**
 * MCSE of the p-quantile. With E = ESS of the quantile indicator, the
 * fraction of draws below the true quantile is approximately
 * Beta(E p + 1, E (1 - p) + 1); its quantiles at Phi(-1) and Phi(+1) give
 * order-statistic ranks a1 S and a2 S, and the MCSE is half the distance
 * between the draws at those ranks (lower rank rounded down, upper up).
 */
export function mcseQuantile(chains: Chains, p: number): number {
  const ess = essQuantile(chains, p);
  if (Number.isNaN(ess)) return NaN;
  const shapeA = ess * p + 1;
  const shapeB = ess * (1 - p) + 1;
  const lowerFraction = betaQuantile(LOWER_BAND, shapeA, shapeB);
  const upperFraction = betaQuantile(UPPER_BAND, shapeA, shapeB);
  const sorted = pooledDraws(chains).sort();
  const total = sorted.length;
  // 1-based ranks clamped to [1, S], then shifted to 0-based indices.
  const lowerIndex = Math.max(Math.floor(lowerFraction * total), 1) - 1;
  const upperIndex = Math.min(Math.ceil(upperFraction * total), total) - 1;
  return (sorted[upperIndex] - sorted[lowerIndex]) / 2;
}
