// Pieces of the lockstep sampler that need none of its state: option checks,
// per-iteration statistics buffers.
import { InputError } from "../errors.js";
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

/** A typed array of `length` elements holding the first `kept` of `a`. */
export function grownArray<T extends Float64Array | Int32Array | Uint8Array>(a: T, kept: number, length: number): T {
  const b = new (a.constructor as { new (n: number): T })(length);
  b.set(a.subarray(0, kept) as never);
  return b;
}

/** `s` (whose first `kept` rows are filled) in rows for `n` iterations. */
export function growIterationStats(s: LockstepIterationStats, kept: number, n: number): LockstepIterationStats {
  const grown = {} as Record<keyof LockstepIterationStats, Float64Array | Int32Array>;
  for (const key of Object.keys(s) as (keyof LockstepIterationStats)[]) grown[key] = grownArray(s[key], kept, n);
  return grown as LockstepIterationStats;
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
