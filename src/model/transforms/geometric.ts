// Geometric adstock: a[t] = lag a[t-1] + x[t], output a[t] (1 - lag) when
// normalised (LightweightMMM's adstock; PyMC-Marketing's geometric adstock
// without truncation).
import type { RecursiveAdstock } from "./types.js";

export const geometric: RecursiveAdstock = {
  name: "geometric",
  kind: "recursive",
  params: ["lag_weight"],
  decay: (values) => values[0],
  gain: (values, normalise) => (normalise ? 1 - values[0] : 1),
  steadyGain: (values, normalise) => (normalise ? 1 : 1 / (1 - values[0])),
  lagShares(values, L, out) {
    const lag = values[0];
    let total = 0;
    for (let l = 0; l < L; l++) total += (out[l] = Math.pow(lag, l));
    for (let l = 0; l < L; l++) out[l] /= total;
  },
  shape: "geometric decay",
  kernel: {
    aliases: ["lag"],
    // Every series scanned up front, two channels per loop (assembly/adstock.ts).
    beforeSeries: "adstockScan<M>();",
    logNorm: "normalise ? log1m(lag) : 0",
    signal: "pSeriesA + base",
    derivativeSeries: true,
    dots: "geometricDots",
    grads: { lag: "normalise ? dotG * d(lag) + gLogNorm * dlog1m(lag) : dotG * d(lag)" },
  },
};
