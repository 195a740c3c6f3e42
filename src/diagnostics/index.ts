/**
 * Convergence diagnostics for MCMC output (Vehtari et al. 2021, as the R
 * package `posterior` computes them). A quantity's draws are given as an
 * array of chains (`Float64Array[]`, equal lengths); whole traces as per
 * chain row-major [nDraws][dim] arrays.
 */
export type { Chains } from "./chains.js";
export { splitChains, rankNormalize, foldAroundMedian, pooledRanks } from "./chains.js";
export { autocovariance } from "./autocovariance.js";
export { effectiveSampleSize, essBasic, essBulk, essTail, essMean, essSd, essQuantile } from "./ess.js";
export { potentialScaleReduction, rhatBasic, rhatBulk, rhatTail, rhat } from "./rhat.js";
export { maxNestedRhat, nestedRhat, nestedRhatPerParameter } from "./nestedRhat.js";
export { chainsAgree, ESS_PER_CHAIN, LOCKSTEP_RHAT_GUARD, lockstepChainsAgree, lockstepRuleWords, NESTED_RHAT_LIMIT, RHAT_LIMIT } from "./agreement.js";
export { mcseMean, mcseSd, mcseQuantile } from "./mcse.js";
export { ebfmi, ebfmiPerChain } from "./energy.js";
export { hdi, DEFAULT_HDI_PROB, type Interval } from "./hdi.js";
export { quantile, median } from "./quantile.js";
export { inverseNormalCdf } from "./normal.js";
export { regularizedIncompleteBeta, betaQuantile, logGamma } from "../math/beta.js";
export {
  parameterChains,
  perParameter,
  rhatPerParameter,
  essBulkPerParameter,
  essTailPerParameter,
} from "./trace.js";
export {
  summarize,
  summarizeTrace,
  countDivergences,
  countMaxTreedepth,
  type SummaryRow,
  type NamedSummaryRow,
  type SummaryOptions,
  type ChainCounts,
} from "./summary.js";
