// A start for lockstep chains from a short NUTS warm-up per superchain
// (issue 21, a candidate for the geo model): each superchain's leader runs
// Stan's warm-up alone from its own jittered start, so it reaches the typical
// set with its own step size and metric; the superchain's chains then all
// start where it ended (as nested R-hat assumes), under the element-wise
// median of the leaders' inverse metrics and the median of their step sizes.
import type { LogDensity } from "../density/types.js";
import { median } from "../diagnostics/quantile.js";
import type { ChainOptions } from "../sampler/chain.js";
import { ChainRunner } from "./chainRunner.js";

/** Streams of the NUTS leaders: disjoint from the lockstep chains' 0..chains-1 and from chainSync's 2^40 + k. */
export const NUTS_START_STREAM_BASE = 2 ** 41;

export interface LockstepNutsStart {
  /** [chains][dim]: chain c starts where its superchain's leader ended. */
  initialPositions: Float64Array;
  /** [dim]: element-wise median of the leaders' adapted diagonal inverse metrics. */
  initialInverseMetric: Float64Array;
  /** Median of the leaders' adapted step sizes. */
  initialStepSize: number;
  /** Gradient evaluations of all leaders together. */
  gradientEvaluations: number;
}

export interface LockstepNutsStartOptions {
  chains: number;
  superchains: number;
  seed: number;
  /** Warm-up iterations of each leader (Stan's windows; 100 gives 15 / 75 / 10). */
  warmup: number;
  /** Centre and radius of the leaders' uniform jitter (unconstrained). */
  initialPosition: Float64Array;
  initRadius: number;
  /** Polled between leaders and by each leader every iteration. */
  shouldStop?: () => boolean;
}

export function lockstepNutsStart(density: LogDensity, o: LockstepNutsStartOptions): LockstepNutsStart {
  const { dim } = density;
  const perSuper = o.chains / o.superchains;
  const initialPositions = new Float64Array(o.chains * dim);
  const metrics: Float64Array[] = [];
  const stepSizes: number[] = [];
  let gradientEvaluations = 0;
  for (let k = 0; k < o.superchains; k++) {
    const options: ChainOptions = {
      seed: o.seed,
      chainId: NUTS_START_STREAM_BASE + k,
      numWarmup: o.warmup,
      numDraws: 0,
      adaptation: "stan-diag",
      initialPosition: o.initialPosition,
      initRadius: o.initRadius,
      keepWarmup: true,
    };
    const runner = new ChainRunner(density, options, o.shouldStop ? { shouldStop: o.shouldStop } : {});
    runner.advance(runner.total);
    const result = runner.result();
    if (result.interrupted || result.numWarmup < o.warmup) throw new Error("lockstep NUTS start: stopped");
    const end = result.warmupDraws!.subarray((o.warmup - 1) * dim, o.warmup * dim);
    for (let m = 0; m < perSuper; m++) initialPositions.set(end, (k * perSuper + m) * dim);
    metrics.push(result.metric.inverseMetric);
    stepSizes.push(result.stepSize);
    gradientEvaluations += result.gradientEvaluations.warmup;
  }
  const initialInverseMetric = new Float64Array(dim);
  for (let i = 0; i < dim; i++) initialInverseMetric[i] = median(Float64Array.from(metrics, (m) => m[i]!));
  return { initialPositions, initialInverseMetric, initialStepSize: median(Float64Array.from(stepSizes)), gradientEvaluations };
}
