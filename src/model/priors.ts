// Prior distributions: their JSON form, validation, constants, support and
// medians. The family decides the unconstraining transform (as numpyro's
// biject_to(support) does), so a custom prior can change a parameter's support.

import { gammaP, invertCdf, betaI, lgamma, normalCdf } from "../math/special.js";
import { InputError } from "../errors.js";
import * as portable from "../math/portable.js";

export type Prior =
  | { dist: "Normal"; loc: number; scale: number }
  | { dist: "HalfNormal"; scale: number }
  | { dist: "Gamma"; concentration: number; rate: number }
  | { dist: "Beta"; concentration1: number; concentration0: number }
  | { dist: "Uniform"; low: number; high: number }
  | { dist: "LogNormal"; loc: number; scale: number };

export type PriorName = Prior["dist"];

/** Numeric family codes shared with the WebAssembly core (assembly/layout.ts). */
export const FAMILY_CODE: Record<PriorName, number> = {
  Normal: 0,
  HalfNormal: 1,
  Gamma: 2,
  Beta: 3,
  Uniform: 4,
  LogNormal: 5,
};

export type Support = "real" | "positive" | "unit" | "interval";

/** The unconstraining transform that a family implies. */
export type Transform =
  | { kind: "identity" }
  | { kind: "log" }
  | { kind: "logit" }
  | { kind: "scaled-logit"; low: number; high: number };

export class PriorError extends InputError {
  override name = "PriorError";
}

export function transformOf(prior: Prior): Transform {
  switch (prior.dist) {
    case "Normal":
      return { kind: "identity" };
    case "HalfNormal":
    case "Gamma":
    case "LogNormal":
      return { kind: "log" };
    case "Beta":
      return { kind: "logit" };
    case "Uniform":
      return { kind: "scaled-logit", low: prior.low, high: prior.high };
  }
}

/** The two numbers the core stores per element: (a, b). */
export function priorArgs(prior: Prior): [number, number] {
  switch (prior.dist) {
    case "Normal":
    case "LogNormal":
      return [prior.loc, prior.scale];
    case "HalfNormal":
      return [prior.scale, 0];
    case "Gamma":
      return [prior.concentration, prior.rate];
    case "Beta":
      return [prior.concentration1, prior.concentration0];
    case "Uniform":
      return [prior.low, prior.high];
  }
}

const HALF_LOG_2PI = 0.5 * portable.log(2 * Math.PI);

/** The normalising constant of the log-density (all terms free of x). */
export function priorLogConstant(prior: Prior): number {
  switch (prior.dist) {
    case "Normal":
    case "LogNormal":
      return -HALF_LOG_2PI - portable.log(prior.scale);
    case "HalfNormal":
      return 0.5 * portable.log(2 / Math.PI) - portable.log(prior.scale);
    case "Gamma":
      return prior.concentration * portable.log(prior.rate) - lgamma(prior.concentration);
    case "Beta": {
      const a = prior.concentration1;
      const b = prior.concentration0;
      return lgamma(a + b) - lgamma(a) - lgamma(b);
    }
    case "Uniform":
      return -portable.log(prior.high - prior.low);
  }
}

/** Interval of support as [low, high] (open or closed does not matter here). */
export function supportOf(prior: Prior): [number, number] {
  switch (prior.dist) {
    case "Normal":
      return [-Infinity, Infinity];
    case "HalfNormal":
    case "Gamma":
    case "LogNormal":
      return [0, Infinity];
    case "Beta":
      return [0, 1];
    case "Uniform":
      return [prior.low, prior.high];
  }
}

/** Median of the prior (used to initialise chains as LightweightMMM does). */
export function priorMedian(prior: Prior): number {
  switch (prior.dist) {
    case "Normal":
      return prior.loc;
    case "LogNormal":
      return portable.exp(prior.loc);
    case "HalfNormal":
      // Phi^-1(0.75) * scale.
      return 0.6744897501960817 * prior.scale;
    case "Uniform":
      return 0.5 * (prior.low + prior.high);
    case "Gamma": {
      const a = prior.concentration;
      const hi = Math.max(10, 10 * a) + 50 * Math.sqrt(a);
      return invertCdf((x) => gammaP(a, x), 0.5, 0, hi) / prior.rate;
    }
    case "Beta": {
      const a = prior.concentration1;
      const b = prior.concentration0;
      return invertCdf((x) => betaI(a, b, x), 0.5, 0, 1);
    }
  }
}

/** The p-quantile of the prior (0 < p < 1), by bisection of its CDF (e.g. to draw simulated truths where it has its mass). */
export function priorQuantile(prior: Prior, p: number): number {
  const z = (q: number) => invertCdf(normalCdf, q, -40, 40);
  switch (prior.dist) {
    case "Normal":
      return prior.loc + prior.scale * z(p);
    case "LogNormal":
      return Math.exp(prior.loc + prior.scale * z(p));
    case "HalfNormal":
      return prior.scale * z(0.5 + 0.5 * p);
    case "Uniform":
      return prior.low + p * (prior.high - prior.low);
    case "Gamma": {
      const a = prior.concentration;
      const hi = Math.max(10, 10 * a) + 50 * Math.sqrt(a);
      return invertCdf((x) => gammaP(a, x), p, 0, hi) / prior.rate;
    }
    case "Beta":
      return invertCdf((x) => betaI(prior.concentration1, prior.concentration0, x), p, 0, 1);
  }
}

function positiveNumber(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new PriorError(`${what} must be a positive finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function finiteNumber(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new PriorError(`${what} must be a finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * Reads a prior from its JSON form, e.g. {"dist": "Gamma", "concentration": 1, "rate": 1}.
 * Accepted aliases: Beta {alpha, beta}; Gamma {shape}; Uniform {lower, upper}.
 */
export function parsePrior(raw: unknown, where: string): Prior {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new PriorError(`${where}: a prior must be an object like {"dist": "Normal", "loc": 0, "scale": 1}`);
  }
  const o = raw as Record<string, unknown>;
  const dist = o.dist ?? o.distribution;
  const known: Record<string, string[]> = {
    Normal: ["loc", "scale"],
    HalfNormal: ["scale"],
    Gamma: ["concentration", "rate"],
    Beta: ["concentration1", "concentration0"],
    Uniform: ["low", "high"],
    LogNormal: ["loc", "scale"],
  };
  if (typeof dist !== "string" || !(dist in known)) {
    throw new PriorError(
      `${where}: unknown prior distribution ${JSON.stringify(dist)}; use one of ${Object.keys(known).join(", ")}`,
    );
  }
  const pick = (name: string, ...aliases: string[]) => {
    for (const k of [name, ...aliases]) if (k in o) return o[k];
    return undefined;
  };
  switch (dist) {
    case "Normal":
    case "LogNormal":
      return {
        dist,
        loc: finiteNumber(pick("loc", "mu", "mean") ?? 0, `${where}.loc`),
        scale: positiveNumber(pick("scale", "sigma", "sd"), `${where}.scale`),
      };
    case "HalfNormal":
      return { dist, scale: positiveNumber(pick("scale", "sigma"), `${where}.scale`) };
    case "Gamma":
      return {
        dist,
        concentration: positiveNumber(pick("concentration", "shape", "alpha"), `${where}.concentration`),
        rate: positiveNumber(pick("rate", "beta") ?? 1, `${where}.rate`),
      };
    case "Beta":
      return {
        dist,
        concentration1: positiveNumber(pick("concentration1", "alpha", "a"), `${where}.concentration1`),
        concentration0: positiveNumber(pick("concentration0", "beta", "b"), `${where}.concentration0`),
      };
    default: {
      const low = finiteNumber(pick("low", "lower"), `${where}.low`);
      const high = finiteNumber(pick("high", "upper"), `${where}.high`);
      if (!(high > low)) throw new PriorError(`${where}: Uniform needs high > low, got [${low}, ${high}]`);
      return { dist: "Uniform", low, high };
    }
  }
}

/** Log-density of the prior at a constrained value (for tests and reports). */
export function priorLogDensity(prior: Prior, x: number): number {
  const [lo, hi] = supportOf(prior);
  if (x < lo || x > hi) return -Infinity;
  const c = priorLogConstant(prior);
  switch (prior.dist) {
    case "Normal": {
      const z = (x - prior.loc) / prior.scale;
      return c - 0.5 * z * z;
    }
    case "LogNormal": {
      const z = (portable.log(x) - prior.loc) / prior.scale;
      return c - 0.5 * z * z - portable.log(x);
    }
    case "HalfNormal": {
      const z = x / prior.scale;
      return c - 0.5 * z * z;
    }
    case "Gamma":
      return c + (prior.concentration - 1) * portable.log(x) - prior.rate * x;
    case "Beta":
      return c + (prior.concentration1 - 1) * portable.log(x) + (prior.concentration0 - 1) * portable.log1p(-x);
    case "Uniform":
      return c;
  }
}
