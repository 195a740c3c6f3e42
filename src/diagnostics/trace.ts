/**
 * Whole-trace helpers. A trace holds, per chain, a Float64Array of draws
 * laid out row-major [nDraws][dim]; diagnostics work on one parameter at a
 * time, so these gather a parameter's column from every chain.
 */
import type { Chains } from "./chains.js";
import { essBulk, essTail } from "./ess.js";
import { rhat } from "./rhat.js";

/** Number of draws per chain, checking that the layout is consistent. */
export function drawsPerChain(chainDraws: readonly Float64Array[], dim: number): number {
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`trace: dim = ${dim} must be a positive integer`);
  if (chainDraws.length === 0) throw new RangeError("trace: no chains given");
  const length = chainDraws[0].length;
  for (const draws of chainDraws) {
    if (draws.length !== length) throw new RangeError("trace: chains differ in length");
  }
  if (length % dim !== 0) throw new RangeError(`trace: ${length} values is not a multiple of dim = ${dim}`);
  return length / dim;
}

/** The draws of parameter `index` as one Float64Array per chain. */
export function parameterChains(chainDraws: readonly Float64Array[], dim: number, index: number): Float64Array[] {
  const n = drawsPerChain(chainDraws, dim);
  if (!Number.isInteger(index) || index < 0 || index >= dim) {
    throw new RangeError(`trace: parameter index ${index} is outside 0..${dim - 1}`);
  }
  return chainDraws.map((draws) => {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = draws[i * dim + index];
    return column;
  });
}

/** Applies a scalar diagnostic to every parameter of a trace. */
export function perParameter(
  chainDraws: readonly Float64Array[],
  dim: number,
  diagnostic: (chains: Chains) => number,
): Float64Array {
  drawsPerChain(chainDraws, dim);
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) out[j] = diagnostic(parameterChains(chainDraws, dim, j));
  return out;
}

/** Rank-normalised split R-hat of every parameter. */
export function rhatPerParameter(chainDraws: readonly Float64Array[], dim: number): Float64Array {
  return perParameter(chainDraws, dim, rhat);
}

/** Bulk-ESS of every parameter. */
export function essBulkPerParameter(chainDraws: readonly Float64Array[], dim: number): Float64Array {
  return perParameter(chainDraws, dim, essBulk);
}

/** Tail-ESS of every parameter. */
export function essTailPerParameter(chainDraws: readonly Float64Array[], dim: number): Float64Array {
  return perParameter(chainDraws, dim, essTail);
}
