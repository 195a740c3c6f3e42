// Carryover (LightweightMMM): weights w[l] = rate^((l - delay)^2) over L
// lags, output sum_l w[l] x[t - l] / sum(w): a peak `delay` periods after
// the spend.
import type { ConvolutionAdstock } from "./types.js";

/** Normalised weights, computed from their logs shifted by the largest: a tiny rate cannot underflow them all. */
function carryoverWeights(values: ArrayLike<number>, L: number, out: Float64Array): void {
  const logRate = Math.log(values[0]);
  const delay = values[1];
  let top = -Infinity;
  for (let l = 0; l < L; l++) top = Math.max(top, (out[l] = (l - delay) * (l - delay) * logRate));
  let total = 0;
  for (let l = 0; l < L; l++) total += (out[l] = Math.exp(out[l] - top));
  for (let l = 0; l < L; l++) out[l] /= total;
}

export const carryover: ConvolutionAdstock = {
  name: "carryover",
  kind: "convolution",
  params: ["ad_effect_retention_rate", "peak_effect_delay"],
  weights: carryoverWeights,
  steadyGain: () => 1,
  lagShares: carryoverWeights,
  shape: "carry-over weights with a peak delay",
  kernel: {
    kind: "convolution",
    aliases: ["rate", "delay"],
    locals: { d: "l - delay" },
    logWeight: "d * d * log(rate)",
    grads: { rate: ["d * d", "dlog(rate)"], delay: ["-2 * d * log(rate)", "d(delay)"] },
  },
};
