// Carryover (LightweightMMM): weights w[l] = rate^((l - delay)^2) over L
// lags, output sum_l w[l] x[t - l] / sum(w): a peak `delay` periods after
// the spend.
import { convolutionAdstock, normaliseLogs } from "./convolution.js";
import type { ConvolutionAdstock } from "./types.js";

/** Normalised weights, computed from their logs (normaliseLogs). */
function carryoverWeights(values: ArrayLike<number>, L: number, out: Float64Array): void {
  const logRate = Math.log(values[0]);
  const delay = values[1];
  for (let l = 0; l < L; l++) out[l] = (l - delay) * (l - delay) * logRate;
  normaliseLogs(out, L);
}

export const carryover: ConvolutionAdstock = convolutionAdstock({
  name: "carryover",
  params: ["ad_effect_retention_rate", "peak_effect_delay"],
  weights: carryoverWeights,
  shape: "carry-over weights with a peak delay",
  kernel: {
    aliases: ["rate", "delay"],
    // Weights, then the convolution of this series (assembly/adstock.ts).
    perSeries: "const logSum = carryoverSignal<M>(s, c, g, base);",
    logNorm: "-logSum",
    // The fast mode's convolution leaves the clamped f32 signal in pScratch32.
    signal: "isFast<M>() ? 0 : pSeriesA + base",
    derivativeSeries: false,
    dots: "carryoverDots",
    grads: "carryoverGrads(s, c, gLogNorm);",
  },
});

/** PyMC-Marketing's delayed adstock: the same weights, alpha^((l - theta)^2), under its own names and priors. */
export const delayed: ConvolutionAdstock = {
  ...carryover,
  name: "delayed",
  params: ["lag_weight", "peak_delay"],
  shape: "delayed geometric decay",
};
