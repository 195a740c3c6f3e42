// No saturation: f(v) = v, a linear effect of the adstocked media.
import type { Saturation } from "./types.js";

export const none: Saturation = {
  name: "none",
  params: [],
  coefficients: 0,
  prepare() {},
  value: (v) => v,
  valueAndSlope(v, _k, _at, slope) {
    slope[0] = 1;
    return v;
  },
  shape: "a straight line",
  kernel: {
    aliases: [],
    vectors: { NORM: "exp(logNorm)", BETA_P: "coef * exp(logNorm)" },
    // One pass that reads a, so the fast mode keeps its f32 signal where the cell pass reads it.
    stages: [{ out: "v", formula: "a * NORM" }],
    cell: [["f", "mask(v)"]],
    outputs: { F: "f", G: "BETA_P", HD: "BETA * v" },
    reverse: { gLogNorm: "dotHD / lnBase", grads: {} },
  },
};
