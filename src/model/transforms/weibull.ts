// Weibull adstocks (PyMC-Marketing, Robyn): convolution weights over L lags
// from a Weibull(shape k, scale lam) distribution, normalised to sum to 1.
//   CDF form: w[0] = 1, w[l] = prod_{j=1..l} (1 - F(j)) = exp(-sum_{j<=l} (j/lam)^k)
//   PDF form: w[l] proportional to the density at l + 1, (t/lam)^(k-1) e^(-(t/lam)^k)
// (PyMC-Marketing rescales PDF weights to [0, 1] by their minimum and
// maximum; here they sum to one, as every other convolution adstock:
// docs/transforms.md says why.)
import { convolutionAdstock, normaliseLogs } from "./convolution.js";
import type { ConvolutionAdstock } from "./types.js";

function cdfWeights(values: ArrayLike<number>, L: number, out: Float64Array): void {
  const [scale, shape] = [values[0], values[1]];
  let sum = 0;
  for (let l = 0; l < L; l++) {
    if (l > 0) sum += Math.exp(shape * Math.log(l / scale));
    out[l] = -sum;
  }
  normaliseLogs(out, L);
}

function pdfWeights(values: ArrayLike<number>, L: number, out: Float64Array): void {
  const [scale, shape] = [values[0], values[1]];
  for (let l = 0; l < L; l++) {
    const logZ = Math.log((l + 1) / scale);
    out[l] = (shape - 1) * logZ - Math.exp(shape * logZ);
  }
  normaliseLogs(out, L);
}

/** The kernel entry of a Weibull form (assembly/adstock.ts: kind 1 CDF, 2 PDF). */
function weibullKernel(kind: number): ConvolutionAdstock["kernel"] {
  return {
    aliases: ["scale", "shape"],
    perSeries: `const logSum = convolutionSignal<M>(${kind}, s, c, g, base);`,
    logNorm: "-logSum",
    signal: "isFast<M>() ? 0 : pSeriesA + base",
    derivativeSeries: false,
    dots: "carryoverDots",
    grads: `convolutionGrads(${kind}, s, c, gLogNorm);`,
  };
}

const params = ["weibull_scale", "weibull_shape"];

export const weibullCdf = convolutionAdstock({ name: "weibull_cdf", params, weights: cdfWeights, shape: "Weibull (CDF) decay", kernel: weibullKernel(1) });

export const weibullPdf = convolutionAdstock({ name: "weibull_pdf", params, weights: pdfWeights, shape: "Weibull (PDF) carry-over", kernel: weibullKernel(2) });
