// What every convolution adstock shares: weights that sum to one, computed
// from their logs, so the settled gain is 1 and a lag's share is its weight.
import type { AdstockKernel, ConvolutionAdstock } from "./types.js";

/** Normalised weights from their logs in out[0..L), shifted by the largest (a tiny rate cannot underflow them all). */
export function normaliseLogs(out: Float64Array, L: number): void {
  let top = -Infinity;
  for (let l = 0; l < L; l++) top = Math.max(top, out[l]);
  let total = 0;
  for (let l = 0; l < L; l++) total += (out[l] = Math.exp(out[l] - top));
  for (let l = 0; l < L; l++) out[l] /= total;
}

/** A convolution adstock from its names, weights, caption phrase and kernel entry. */
export function convolutionAdstock(a: { name: string; params: readonly string[]; weights: ConvolutionAdstock["weights"]; shape: string; kernel: AdstockKernel }): ConvolutionAdstock {
  return { name: a.name, kind: "convolution", params: a.params, weights: a.weights, steadyGain: () => 1, lagShares: a.weights, shape: a.shape, kernel: a.kernel };
}
