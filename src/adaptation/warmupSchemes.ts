// The warm-up scheme a kind names ("stan-diag", "dense", "nutpie-diag", ...):
// where a fit configuration's string becomes a scheme, so that the chain
// runner (services/chainRunner.ts) is handed a scheme and knows no names.
import { isDenseAdaptation, type AdaptationKind, type InitialMetric } from "../sampler/chain.js";
import { lowRankWarmup, NutpieWarmup, StanWarmup, type WarmupScheme } from "./warmup.js";

export interface WarmupSchemeOptions {
  /** Target acceptance statistic (default 0.8). */
  targetAccept?: number;
  /** Step size before the initial heuristic (default 1). */
  initialStepSize?: number;
  /** Initial inverse metric of the Stan-style schemes (diag: dim entries; dense: dim*dim row-major); the gradient-based ones start from the gradient. */
  initialInverseMetric?: Float64Array;
  /** Without initialInverseMetric: the Stan-style schemes' metric before the first window (default "unit"). */
  initialMetric?: InitialMetric;
}

/** A fresh warm-up scheme of the kind named, for one chain of `dim` coordinates and `numWarmup` warm-up iterations. */
export function createWarmupScheme(kind: AdaptationKind, dim: number, numWarmup: number, options: WarmupSchemeOptions = {}): WarmupScheme {
  const targetAccept = options.targetAccept ?? 0.8;
  const initialStepSize = options.initialStepSize ?? 1;
  switch (kind) {
    case "nutpie-diag":
      return new NutpieWarmup(dim, numWarmup, { targetAccept, initialStepSize });
    case "lowrank":
      return lowRankWarmup(dim, numWarmup, { targetAccept, initialStepSize });
    case "fisher-dense":
      // The low-rank estimate keeping every direction: a dense metric from the draws' and gradients' covariances.
      return lowRankWarmup(dim, numWarmup, { targetAccept, initialStepSize, cutoff: 1 });
    default:
      // "stan-diag" and "dense"; "pooled-*" are the same schemes whose chains meet at window ends (services/stagedChains.ts).
      return new StanWarmup(dim, numWarmup, isDenseAdaptation(kind), {
        targetAccept,
        initialStepSize,
        ...(options.initialInverseMetric ? { initialInverseMetric: options.initialInverseMetric } : {}),
        ...(options.initialMetric ? { initialMetric: options.initialMetric } : {}),
      });
  }
}
