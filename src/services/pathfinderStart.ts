// Chains' starting points from multi-path Pathfinder (sampler/pathfinder),
// run in the calling thread before the chains start: the starts depend on
// the seed alone, whatever the thread count, in Node or the browser.

import type { LogDensity } from "../density/types.js";
import { createDensity, type DensitySpec } from "./densitySpec.js";
import { pathfinderStarts, pathfinderSteps } from "../sampler/pathfinder/pathfinder.js";
import { FitStopped } from "../errors.js";
import { compileCore } from "../density/wasmCore.js";

/** How the chains were started, as the fit's sampling info records it. */
export interface PathfinderStartInfo {
  method: "pathfinder";
  paths: number;
  /** Paths that gave draws, with the L-BFGS iterations and the chosen iterate's ELBO. */
  used: Array<{ path: number; iterations: number; bestIterate: number; elbo: number; stop: string }>;
  /** Paths dropped, each with its reason. */
  dropped: Array<{ path: number; reason: string }>;
  /** Pareto k-hat of the pooled importance weights (above 0.7 the resampling is rough; the chains still warm up from there). */
  paretoK: number;
  /** Density evaluations Pathfinder spent (each counted as a gradient in the fit's totals). */
  gradientEvaluations: number;
  seconds: number;
}

/**
 * One start per chain, in the sampler's coordinates of `spec`. Between paths
 * it yields to the event loop, so a Stop (the signal) is heard within one
 * path: it then rejects with FitStopped.
 */
export async function pathfinderChainStarts(
  spec: DensitySpec,
  chains: number,
  seed: number,
  signal?: AbortSignal,
): Promise<{ starts: Float64Array[]; info: PathfinderStartInfo }> {
  const began = performance.now();
  // Compiled asynchronously: a browser's main thread refuses to compile the core synchronously.
  const density = createDensity(spec, await compileCore());
  const run = pathfinderSteps(density, chains, { seed });
  let step;
  do {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (signal?.aborted) throw new FitStopped("warmup", "stopped while Pathfinder was choosing the chains' starting points, before warm-up: no draws");
    step = run.next();
  } while (!step.done);
  const r = step.value;
  return {
    starts: r.starts,
    info: {
      method: "pathfinder",
      paths: r.paths.length,
      used: r.paths
        .filter((p) => !p.failure)
        .map((p) => ({ path: p.path, iterations: p.iterations, bestIterate: p.bestIterate!, elbo: p.elbo!, stop: p.stop ?? "" })),
      dropped: r.paths.filter((p) => p.failure).map((p) => ({ path: p.path, reason: p.failure! })),
      paretoK: r.paretoK,
      gradientEvaluations: r.evaluations,
      seconds: (performance.now() - began) / 1000,
    },
  };
}

/** A start for lockstep chains (issue 21): Pathfinder's draws and its covariance's diagonal. */
export interface LockstepPathfinderStart {
  /** [chains][dim]: each superchain's chains all start at one resampled draw (as nested R-hat assumes). */
  initialPositions: Float64Array;
  /** [dim]: the diagonal of the covariance of the path with the highest ELBO. */
  initialInverseMetric: Float64Array;
  gradientEvaluations: number;
}

export function lockstepPathfinderStart(density: LogDensity, o: { chains: number; superchains: number; seed: number }): LockstepPathfinderStart {
  const { dim } = density;
  const r = pathfinderStarts(density, o.superchains, { seed: o.seed });
  const perSuper = o.chains / o.superchains;
  const initialPositions = new Float64Array(o.chains * dim);
  r.starts.forEach((s, k) => {
    for (let m = 0; m < perSuper; m++) initialPositions.set(s, (k * perSuper + m) * dim);
  });
  const best = r.paths.filter((p) => p.approximation).reduce((a, b) => (b.elbo! > a.elbo! ? b : a));
  const cov = best.approximation!.covariance();
  const initialInverseMetric = Float64Array.from({ length: dim }, (_, i) => cov[i * dim + i]!);
  return { initialPositions, initialInverseMetric, gradientEvaluations: r.evaluations };
}
