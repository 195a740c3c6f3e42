import { InputError } from "../../errors.js";
import { batchFromSingle, type BatchedLogDensity, type LogDensity } from "../../density/types.js";
import { checkLeapfrogArguments, checkLockstepState, type LockstepIntegrator } from "./integrator.js";

function isBatched(density: LogDensity | BatchedLogDensity): density is BatchedLogDensity {
  return typeof (density as BatchedLogDensity).logpGradBatch === "function";
}

function firstNonFinite(x: Float64Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!Number.isFinite(x[i]!)) return i;
  return -1;
}

/**
 * The float64 CPU backend of the lockstep seam. Each step gathers the chains
 * still moving into one batch, so a batched density sees one call per step;
 * every chain's arithmetic is its own, in a fixed order, so its path does not
 * depend on which other chains are in the batch.
 */
export function cpuLockstepIntegrator(density: LogDensity | BatchedLogDensity, chains: number): LockstepIntegrator {
  if (!Number.isInteger(chains) || chains < 1) throw new InputError(`chains must be a positive integer, got ${chains}`);
  const batched = isBatched(density) ? density : batchFromSingle(density);
  const dim = batched.dim;
  // Scratch for the compacted batch of chains still moving.
  const activeIndex = new Int32Array(chains);
  const q = new Float64Array(chains * dim);
  const g = new Float64Array(chains * dim);
  const lp = new Float64Array(chains);
  let disposed = false;

  const checkShapes = (positions: Float64Array, gradients: Float64Array, logps: Float64Array): void => {
    if (disposed) throw new Error("cpuLockstepIntegrator: used after dispose()");
    checkLockstepState("cpuLockstepIntegrator", chains, dim, positions, gradients, logps);
  };

  /** A NaN log-density or any non-finite gradient entry marks an invalid point: -Infinity. */
  const sanitize = (value: number, grads: Float64Array, row: number): number =>
    value === value && value !== Number.POSITIVE_INFINITY && firstNonFinite(grads, row * dim, (row + 1) * dim) < 0
      ? value
      : Number.NEGATIVE_INFINITY;

  return {
    dim,
    chains,
    async evaluate(positions, gradients, logps) {
      checkShapes(positions, gradients, logps);
      await batched.logpGradBatch(positions, gradients, logps, chains);
      for (let c = 0; c < chains; c++) logps[c] = sanitize(logps[c]!, gradients, c);
    },
    async leapfrog(positions, momenta, gradients, logps, stepSize, steps, invMetric) {
      checkShapes(positions, gradients, logps);
      checkLeapfrogArguments("cpuLockstepIntegrator", chains, dim, momenta, stepSize, steps, invMetric);
      const epsOf = (c: number): number => (typeof stepSize === "number" ? stepSize : stepSize[c]!);
      // Chains already at an invalid point do not move at all.
      let active = 0;
      for (let c = 0; c < chains; c++) if (logps[c]! > Number.NEGATIVE_INFINITY) activeIndex[active++] = c;
      for (let s = 0; s < steps && active > 0; s++) {
        for (let k = 0; k < active; k++) {
          const o = activeIndex[k]! * dim;
          const ko = k * dim;
          const eps = epsOf(activeIndex[k]!);
          const half = 0.5 * eps;
          for (let i = 0; i < dim; i++) {
            const p = momenta[o + i]! + half * gradients[o + i]!;
            momenta[o + i] = p;
            const x = positions[o + i]! + eps * (invMetric[i]! * p);
            positions[o + i] = x;
            q[ko + i] = x;
          }
        }
        await batched.logpGradBatch(q.subarray(0, active * dim), g.subarray(0, active * dim), lp.subarray(0, active), active);
        let still = 0;
        for (let k = 0; k < active; k++) {
          const c = activeIndex[k]!;
          const o = c * dim;
          const ko = k * dim;
          const value = sanitize(lp[k]!, g, k);
          logps[c] = value;
          for (let i = 0; i < dim; i++) gradients[o + i] = g[ko + i]!;
          if (value === Number.NEGATIVE_INFINITY) continue; // stopped: no closing half step
          const half = 0.5 * epsOf(c);
          for (let i = 0; i < dim; i++) momenta[o + i] = momenta[o + i]! + half * gradients[o + i]!;
          activeIndex[still++] = c;
        }
        active = still;
      }
    },
    dispose() {
      disposed = true;
    },
  };
}
