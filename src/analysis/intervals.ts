// Posterior summaries shared by every analysis: the mean and 94% HDI of a
// set of draws, deterministic thinning, and the pooled draws of all chains.

import { hdi } from "../diagnostics/index.js";
import type { StoredChain } from "../fit/record.js";

export interface Interval {
  mean: number;
  "hdi_3%": number;
  "hdi_97%": number;
}

export function intervalOf(values: Float64Array): Interval {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  const h = hdi(values, 0.94);
  return { mean: s / values.length, "hdi_3%": h.low, "hdi_97%": h.high };
}

/** All chains' unconstrained draws, concatenated. */
export function pooledDraws(record: { chains: readonly StoredChain[] }): Float64Array {
  const total = record.chains.reduce((a, c) => a + c.draws.length, 0);
  const out = new Float64Array(total);
  let k = 0;
  for (const c of record.chains) {
    out.set(c.draws, k);
    k += c.draws.length;
  }
  return out;
}

/** Evenly spaced draw indices, at most `max` of them (deterministic thinning). */
export function thinDraws(total: number, max?: number): number[] {
  if (max === undefined || max >= total) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * total) / max));
}

/** values[k * stride + offset] for k < n: one column of a row-major [n][stride] array. */
export function column(values: Float64Array, n: number, stride: number, offset: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = values[k * stride + offset];
  return out;
}
