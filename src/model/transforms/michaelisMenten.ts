// Michaelis-Menten saturation: f(v) = v / (lam + v), lam = half_saturation
// (the media level at half the maximum; PyMC-Marketing's alpha, the
// maximum, is the channel's coefficient).
import type { Saturation } from "./types.js";

function michaelisMentenAt(v: number, lam: number, slope: Float64Array | null): number {
  const rcp = 1 / (lam + v);
  if (slope) slope[0] = lam * rcp * rcp;
  return v * rcp;
}

export const michaelisMenten: Saturation = {
  name: "michaelis_menten",
  params: ["half_saturation"],
  coefficients: 1,
  prepare(values, out, at) {
    out[at] = values[0];
  },
  value: (v, k, at) => michaelisMentenAt(v, k[at], null),
  valueAndSlope: (v, k, at, slope) => michaelisMentenAt(v, k[at], slope),
  shape: "a Michaelis-Menten curve",
  kernel: {
    aliases: ["lam"],
    // In the filter's units a = v / exp(logNorm): f = a / (SHIFT + a), SHIFT = lam / exp(logNorm).
    vectors: { SHIFT: "lam / exp(logNorm)" },
    stages: [{ out: "rcp", formula: "1 / (SHIFT + a)" }],
    cell: [["f", "mask(a * rcp)"]],
    // df/da = (1 - f) rcp; v df/dv = f (1 - f) = -lam df/dlam.
    outputs: { F: "f", G: "BETA * ((1 - f) * rcp)", HD: "BETA * (f * (1 - f))" },
    reverse: {
      gLogNorm: "dotHD / lnBase",
      grads: { lam: "-dotHD / lnBase * dlog(lam)" },
    },
  },
};
