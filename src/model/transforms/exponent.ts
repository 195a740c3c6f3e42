// Power saturation: f(v) = v^e, f(0) = 0 (LightweightMMM's adstock and
// carryover models).
import type { Saturation } from "./types.js";
import { ZERO_SIGNAL } from "./hill.js";

function powerAt(v: number, e: number, slope: Float64Array | null): number {
  const x = v > 0 ? v : ZERO_SIGNAL;
  const p = Math.exp(e * Math.log(x));
  if (slope) slope[0] = (e * p) / x;
  return v > 0 ? p : 0;
}

export const exponent: Saturation = {
  name: "exponent",
  params: ["exponent"],
  coefficients: 1,
  prepare(values, out, at) {
    out[at] = values[0];
  },
  value: (v, k, at) => powerAt(v, k[at], null),
  valueAndSlope: (v, k, at, slope) => powerAt(v, k[at], slope),
  shape: "a power curve",
  kernel: {
    aliases: ["exponent"],
    // e^z stays normal (2^z in the base-2 modes, f32 range in the fast mode).
    constants: { Z: { exact: 708, accurate: 1021, fast: 115 } },
    // y = ls = log a + log(norm), in the mode's base; f = base^(exponent y).
    vectors: { SHIFT: "-logNorm / lnBase", SCALE: "exponent", BETA_P: "coef * exponent" },
    stages: [
      { out: "y", formula: "log(a) - SHIFT" },
      { out: "e", formula: "exp(clamp(SCALE * y, -Z, Z))" },
    ],
    cell: [["f", "mask(e)"]],
    // The f32 forms divide first: f / a stays in range where BETA_P f might not.
    outputs: {
      F: "f",
      HD: { f64: "BETA * f * y", f32: "BETA * (f * y)" },
      G: { f64: "BETA_P * f / a", f32: "BETA_P * (f / a)" },
    },
    reverse: {
      // H = coef f, so d/dls = exponent coef sum r f.
      gLogNorm: "exponent * coef * dotF",
      grads: { exponent: "dotHD * d(exponent)" },
    },
  },
};
