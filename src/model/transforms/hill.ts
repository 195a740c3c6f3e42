// Hill saturation: f(v) = 1 / (1 + (v / K)^-S), f(0) = 0 (LightweightMMM's
// hill_adstock; Meridian's Hill with ec = K).
import type { Saturation } from "./types.js";

/** Scaled media at which the slope at zero is taken (infinite there for S < 1). */
export const ZERO_SIGNAL = 1e-12;
const LN2 = Math.LN2;

/** f and df/dv from log K and S; both branches avoid inf / inf. */
function hillAt(v: number, logK: number, S: number, slope: Float64Array | null): number {
  const x = v > 0 ? v : ZERO_SIGNAL;
  const z = S * (Math.log(x) - logK);
  if (z >= 0) {
    const q = Math.exp(-z);
    if (slope) slope[0] = (S * q) / (x * (1 + q) * (1 + q));
    return v > 0 ? 1 / (1 + q) : 0;
  }
  const r = Math.exp(z);
  if (slope) slope[0] = (S * r) / (x * (1 + r) * (1 + r));
  return v > 0 ? r / (1 + r) : 0;
}

export const hill: Saturation = {
  name: "hill",
  params: ["half_max_effective_concentration", "slope"],
  coefficients: 2,
  prepare(values, out, at) {
    out[at] = Math.log(values[0]);
    out[at + 1] = values[1];
  },
  value: (v, k, at) => hillAt(v, k[at], k[at + 1], null),
  valueAndSlope: (v, k, at, slope) => hillAt(v, k[at], k[at + 1], slope),
  shape: "a Hill curve",
  kernel: {
    aliases: ["K", "slope"],
    // 1 / (1 + e^z) is exactly 1 below z = -37 and under 5e-18 above 40: the
    // clamp changes nothing visible and keeps a (1 + e^z) finite.
    constants: { Z: { exact: 40, accurate: 40 / LN2, fast: 40 / LN2 } },
    // y = log a - (log K - log(norm)) = ls - log K in the mode's base; e = base^(-slope y).
    vectors: { SHIFT: "(log(K) - logNorm) / lnBase", SCALE: "-slope", BETA_P: "coef * slope" },
    stages: [
      { out: "y", formula: "log(a) - SHIFT" },
      { out: "e", formula: "exp(clamp(SCALE * y, -Z, Z))" },
    ],
    // One reciprocal serves f = 1 / (1 + e) and 1 / a; f (1 - f) = e f^2.
    cell: [
      ["rcp", "1 / (a * (1 + e))"],
      ["f", "mask(a * rcp)"],
      ["ef", "e * f"],
      ["h", "BETA * ef * f"],
    ],
    outputs: { F: "f", H: "h", HD: "h * y", G: "BETA_P * ef * rcp" },
    reverse: {
      // H = coef df/dls / slope.
      gLogNorm: "slope * dotH",
      grads: { K: "-gLogNorm * dlog(K)", slope: "dotHD * d(slope)" },
    },
  },
};
