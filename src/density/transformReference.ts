// The oracle for every adstock and saturation: each written as plainly as
// its formula in docs/transforms.md, in float64, sharing no code with the
// transform statements or the kernels. Slow on purpose.

import {
  ADSTOCK_SPECS,
  SATURATION_SPECS,
  transformsOfModel,
  type AdstockName,
  type SaturationName,
} from "../model/modelChoice.js";
import type { ModelStructure } from "../model/structure.js";
import type { ScaledLiftTest } from "../model/liftTests.js";

/** Adstock settings that are not parameters. */
export interface AdstockSettings {
  /** Geometric: multiply by (1 - lag_weight). */
  normalise: boolean;
  /** Convolution window (carryover, delayed, Weibull). */
  lags: number;
}

/** a[0] = x[0]; a[t] = lag a[t-1] + x[t]; times (1 - lag) when normalised. */
export function geometricAdstock(x: readonly number[], lag: number, normalise: boolean): number[] {
  const out: number[] = [];
  let prev = 0;
  for (let t = 0; t < x.length; t++) {
    const a = t === 0 ? x[0] : lag * prev + x[t];
    prev = a;
    out.push(normalise ? a * (1 - lag) : a);
  }
  return out;
}

/** out[t] = sum_l w[l] x[t - l] / sum_l w[l], x before the first row taken as 0. */
export function convolve(x: readonly number[], w: readonly number[]): number[] {
  const total = w.reduce((a, b) => a + b, 0);
  return x.map((_, t) => {
    let s = 0;
    for (let l = 0; l < w.length && l <= t; l++) s += w[l] * x[t - l];
    return s / total;
  });
}

/** Carryover (LightweightMMM) and delayed (PyMC-Marketing) weights: rate^((l - delay)^2). */
export function delayedWeights(rate: number, delay: number, lags: number): number[] {
  return Array.from({ length: lags }, (_, l) => Math.pow(rate, (l - delay) * (l - delay)));
}

/** Weibull CDF weights: w[0] = 1, w[l] = prod_{j=1..l} (1 - F(j)), F the Weibull(shape, scale) CDF. */
export function weibullCdfWeights(scale: number, shape: number, lags: number): number[] {
  const w = [1];
  for (let l = 1; l < lags; l++) w.push(w[l - 1] * Math.exp(-Math.pow(l / scale, shape)));
  return w;
}

/** Weibull PDF weights: w[l] = the Weibull(shape, scale) density at l + 1. */
export function weibullPdfWeights(scale: number, shape: number, lags: number): number[] {
  return Array.from({ length: lags }, (_, l) => {
    const z = (l + 1) / scale;
    return (shape / scale) * Math.pow(z, shape - 1) * Math.exp(-Math.pow(z, shape));
  });
}

/** The adstock of one media series; `p` holds the adstock's parameters in its parameter order. */
export function adstockReference(
  name: AdstockName,
  x: readonly number[],
  p: readonly number[],
  settings: AdstockSettings,
): number[] {
  switch (name) {
    case "geometric":
      return geometricAdstock(x, p[0], settings.normalise);
    case "delayed":
    case "carryover":
      return convolve(x, delayedWeights(p[0], p[1], settings.lags));
    case "weibull_cdf":
      return convolve(x, weibullCdfWeights(p[0], p[1], settings.lags));
    case "weibull_pdf":
      return convolve(x, weibullPdfWeights(p[0], p[1], settings.lags));
  }
}

/** A saturation at v >= 0; `p` holds its parameters in its parameter order. Every one is 0 at 0. */
export function saturationReference(name: SaturationName, v: number, p: readonly number[]): number {
  switch (name) {
    case "hill":
      return v === 0 ? 0 : 1 / (1 + Math.pow(v / p[0], -p[1]));
    case "logistic":
      // (1 - e^(-lam v)) / (1 + e^(-lam v)), written as tanh(lam v / 2): no cancellation at small lam v.
      return Math.tanh((p[0] * v) / 2);
    case "michaelis_menten":
      return v / (p[0] + v);
    case "tanh":
      return Math.tanh(v / p[0]);
    case "root":
    case "exponent":
      return v === 0 ? 0 : Math.pow(v, p[0]);
    case "none":
      return v;
  }
}

/**
 * The transformed media of one series under a model's adstock and
 * saturation; `param(name)` gives the series' channel's value of a parameter.
 */
export function mediaTransformReference(
  s: Pick<ModelStructure, "model" | "normaliseAdstock" | "carryoverLags">,
  column: readonly number[],
  param: (name: string) => number,
): number[] {
  const { adstock, saturation } = transformsOfModel(s.model);
  const ap = ADSTOCK_SPECS[adstock].params.map(param);
  const sp = SATURATION_SPECS[saturation].params.map(param);
  const ad = adstockReference(adstock, column, ap, { normalise: s.normaliseAdstock, lags: s.carryoverLags });
  return ad.map((v) => saturationReference(saturation, v, sp));
}

/**
 * The lift tests' log-likelihood: sum over tests of
 * Normal(delta_y | coef (f(g (x + delta_x)) - f(g x)), sigma), f the
 * channel's saturation, g its adstock's steady gain (1 / (1 - lag_weight) for
 * the geometric adstock without normalisation, else 1).
 */
export function liftTestReference(
  s: Pick<ModelStructure, "model" | "normaliseAdstock">,
  tests: readonly ScaledLiftTest[],
  param: (name: string, channel: number) => number,
  coef: (channel: number, geo: number) => number,
): number {
  const { adstock, saturation } = transformsOfModel(s.model);
  let lp = 0;
  for (const test of tests) {
    const c = test.channel;
    const sp = SATURATION_SPECS[saturation].params.map((name) => param(name, c));
    const gain = adstock === "geometric" && !s.normaliseAdstock ? 1 / (1 - param("lag_weight", c)) : 1;
    const lift =
      coef(c, test.geo) *
      (saturationReference(saturation, gain * (test.x + test.deltaX), sp) - saturationReference(saturation, gain * test.x, sp));
    const z = (test.deltaY - lift) / test.sigma;
    lp += -0.5 * Math.log(2 * Math.PI) - Math.log(test.sigma) - 0.5 * z * z;
  }
  return lp;
}
