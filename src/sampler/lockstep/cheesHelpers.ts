// Pieces of the lockstep sampler that need none of its state: option checks,
// per-iteration statistics buffers, the per-chain initial step sizes.
import { InputError } from "../../errors.js";
import type { LockstepIterationStats } from "./cheesTypes.js";

export function allocIterationStats(n: number): LockstepIterationStats {
  return {
    stepSize: new Float64Array(n),
    trajectoryLength: new Float64Array(n),
    steps: new Int32Array(n),
    harmonicMeanAccept: new Float64Array(n),
    meanAccept: new Float64Array(n),
    divergences: new Int32Array(n),
  };
}

export function truncateIterationStats(s: LockstepIterationStats, n: number): LockstepIterationStats {
  return {
    stepSize: s.stepSize.slice(0, n),
    trajectoryLength: s.trajectoryLength.slice(0, n),
    steps: s.steps.slice(0, n),
    harmonicMeanAccept: s.harmonicMeanAccept.slice(0, n),
    meanAccept: s.meanAccept.slice(0, n),
    divergences: s.divergences.slice(0, n),
  };
}

export function count(name: string, v: number | undefined, fallback: number, min = 0): number {
  const value = v ?? fallback;
  if (!Number.isInteger(value) || value < min) throw new InputError(`sampleChees: ${name} must be an integer >= ${min}, got ${v}`);
  return value;
}

export function positive(name: string, v: number | undefined, fallback: number): number {
  const value = v ?? fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new InputError(`sampleChees: ${name} must be positive and finite, got ${v}`);
  return value;
}

export function checkVector(name: string, v: Float64Array, length: number, requirePositive = false): void {
  if (!(v instanceof Float64Array) || v.length !== length) throw new InputError(`sampleChees: ${name} must be a Float64Array of length ${length}`);
  for (let i = 0; i < length; i++) {
    if (!Number.isFinite(v[i]!) || (requirePositive && !(v[i]! > 0))) {
      throw new InputError(`sampleChees: ${name}[${i}] is ${v[i]}, expected a finite${requirePositive ? " positive" : ""} number`);
    }
  }
}

/**
 * Stan's step-size heuristic (see adaptation/stepSizeInit.ts) for every chain
 * at once: `probe(eps)` runs one leapfrog step of each chain's own size and
 * returns the chains' acceptance probabilities; each chain's size doubles
 * while its acceptance exceeds 0.8, or halves until it does, and stops at the
 * crossing. Returns the gradient evaluations spent (all chains together).
 */
export async function perChainInitialStepSizes(eps: Float64Array, probe: (eps: Float64Array) => Promise<Float64Array>): Promise<number> {
  const chains = eps.length;
  const log08 = Math.log(0.8);
  const first = await probe(eps);
  const direction = Int8Array.from(first, (a) => (Math.log(a) > log08 ? 1 : -1));
  const done = new Uint8Array(chains);
  let evaluations = chains;
  for (let round = 0; round < 1100 && done.includes(0); round++) {
    const accepted = await probe(eps);
    evaluations += chains;
    for (let c = 0; c < chains; c++) {
      if (done[c]) continue;
      const logAccept = Math.log(accepted[c]!);
      if ((direction[c] === 1 && !(logAccept > log08)) || (direction[c] === -1 && !(logAccept < log08))) {
        done[c] = 1;
        continue;
      }
      eps[c] = direction[c] === 1 ? 2 * eps[c]! : 0.5 * eps[c]!;
      if (eps[c]! > 1e7) throw new Error("Step-size initialisation: the step size grew beyond 1e7; the posterior is probably improper.");
      if (eps[c]! < 1e-300) {
        throw new Error("Step-size initialisation: no acceptable small step size could be found; the density may be discontinuous or its gradient wrong.");
      }
    }
  }
  return evaluations;
}
