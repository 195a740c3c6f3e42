// Logistic saturation (PyMC-Marketing's default): f(v) = (1 - e^(-lam v)) /
// (1 + e^(-lam v)), lam = logistic_rate; and tanh saturation f(v) = tanh(v / c)
// (tanh_scale c), which is the same curve with lam = 2 / c.
import type { Saturation } from "./types.js";

/** f and df/dv at v >= 0 for rate lam. */
function logisticAt(v: number, lam: number, slope: Float64Array | null): number {
  const e = Math.exp(-lam * v);
  const rcp = 1 / (1 + e);
  if (slope) slope[0] = 2 * lam * e * rcp * rcp;
  // 1 - e without cancellation at small lam v.
  return -Math.expm1(-lam * v) * rcp;
}

/**
 * The kernel entry for rate lam = RATE, where RATE is a scalar formula of the
 * parameter. e = e^(-lam v) with v = a exp(logNorm); q = 2 e / (1 + e)^2, so
 * df/dv = lam q and df/dlam = v q; HD = coef v q (natural units: the reverse
 * divides dotHD by lnBase), and d logp / d logNorm = lam dotHD / lnBase.
 */
function logisticKernel(alias: string, rate: string, gradOfAlias: string): Saturation["kernel"] {
  return {
    aliases: [alias],
    // e^(-z) below z = 100 (2^-100 in the base-2 modes): f is 1 to f32 and f64 precision well before.
    constants: { Z: { exact: 700, accurate: 1000, fast: 100 } },
    vectors: {
      SCALE: `-(${rate}) * exp(logNorm) / lnBase`,
      NORM: "exp(logNorm)",
      BETA_P: `coef * (${rate}) * exp(logNorm)`,
    },
    stages: [{ out: "e", formula: "exp(max(SCALE * a, -Z))" }],
    cell: [
      ["rcp", "1 / (1 + e)"],
      ["f", "mask((1 - e) * rcp)"],
      ["q", "2 * e * rcp * rcp"],
    ],
    outputs: { F: "f", G: "BETA_P * q", HD: "BETA * (a * NORM) * q" },
    reverse: {
      gLogNorm: `(${rate}) * dotHD / lnBase`,
      grads: { [alias]: gradOfAlias },
    },
  };
}

export const logistic: Saturation = {
  name: "logistic",
  params: ["logistic_rate"],
  coefficients: 1,
  prepare(values, out, at) {
    out[at] = values[0];
  },
  value: (v, k, at) => logisticAt(v, k[at], null),
  valueAndSlope: (v, k, at, slope) => logisticAt(v, k[at], slope),
  shape: "a logistic curve",
  // d logp / d lam = sum r coef v q = dotHD / lnBase.
  kernel: logisticKernel("lam", "lam", "dotHD / lnBase * d(lam)"),
};

export const tanh: Saturation = {
  name: "tanh",
  params: ["tanh_scale"],
  coefficients: 1,
  prepare(values, out, at) {
    out[at] = 2 / values[0];
  },
  value: (v, k, at) => logisticAt(v, k[at], null),
  valueAndSlope: (v, k, at, slope) => logisticAt(v, k[at], slope),
  shape: "a tanh curve",
  // lam = 2 / c: d logp / d log c = -lam dotHD / lnBase.
  kernel: logisticKernel("c", "2 / c", "-(2 / c) * dotHD / lnBase * dlog(c)"),
};
