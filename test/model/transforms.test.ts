import { describe, expect, it } from "vitest";
import {
  convolve,
  delayedWeights,
  geometricAdstock as referenceAdstock,
  saturationReference,
  weibullCdfWeights,
  weibullPdfWeights,
} from "../../src/density/transformReference.js";
import { MODEL_CODE, MODEL_NAMES, TRANSFORM_PARAMETERS } from "../../src/model/structure.js";
import { ADSTOCKS, MODEL_TRANSFORMS, SATURATIONS, parseFormula } from "../../src/model/transforms/index.js";

/** Relative difference, with an absolute floor of 1e-300 on the scale. */
function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

const referenceCarryover = (x: number[], rate: number, delay: number, L: number) => convolve(x, delayedWeights(rate, delay, L));

const SATURATION_CASES: Record<string, number[][]> = {
  hill: [[0.5, 0.7], [1.3, 2.5], [0.05, 1], [4, 0.3]],
  exponent: [[0.3], [0.9], [1], [1.7]],
  root: [[0.3], [0.9], [1], [1.7]],
  // Rates up to 0.5 (lam v <= 7.5 at the largest v the slope test takes):
  // further out the curve is flat to 1e-7 and central differences are roundoff.
  logistic: [[0.05], [0.2], [0.5]],
  tanh: [[4], [10], [40]],
  michaelis_menten: [[0.05], [0.7], [2], [40]],
  none: [[]],
};
const REFERENCE: Record<string, (v: number, p: number[]) => number> = Object.fromEntries(
  Object.keys(SATURATION_CASES).map((name) => [name, (v: number, p: number[]) => saturationReference(name as never, v, p)]),
);

describe("saturations", () => {
  for (const [name, sat] of Object.entries(SATURATIONS)) {
    it(`${name}: matches the reference density's statement and is 0 at 0`, () => {
      const k = new Float64Array(sat.coefficients);
      for (const p of SATURATION_CASES[name]) {
        sat.prepare(p, k, 0);
        expect(sat.value(0, k, 0)).toBe(0);
        for (const v of [1e-6, 0.01, 0.3, 1, 2.2, 15, 400]) expect(rel(sat.value(v, k, 0), REFERENCE[name](v, p))).toBeLessThan(1e-12);
      }
    });

    it(`${name}: its slope is the derivative (central differences)`, () => {
      const k = new Float64Array(sat.coefficients);
      const slope = new Float64Array(1);
      for (const p of SATURATION_CASES[name]) {
        sat.prepare(p, k, 0);
        for (const v of [0.01, 0.3, 1, 2.2, 15]) {
          const f = sat.valueAndSlope(v, k, 0, slope);
          expect(f).toBe(sat.value(v, k, 0));
          const h = 1e-6 * v;
          const fd = (sat.value(v + h, k, 0) - sat.value(v - h, k, 0)) / (2 * h);
          expect(rel(slope[0], fd)).toBeLessThan(1e-6);
        }
      }
    });
  }
});

describe("adstocks", () => {
  it("geometric: the steady gain is where the reference recursion settles on a constant input", () => {
    const { geometric } = ADSTOCKS;
    for (const lag of [0.1, 0.5, 0.9])
      for (const normalise of [true, false]) {
        const out = referenceAdstock(Array(600).fill(2), lag, normalise);
        expect(rel(out[599], 2 * geometric.steadyGain([lag], normalise))).toBeLessThan(1e-12);
      }
  });

  it("carryover: its weights give the reference convolution", () => {
    const { carryover } = ADSTOCKS;
    if (carryover.kind !== "convolution") throw new Error("carryover is a convolution");
    const L = 13;
    const x = Array.from({ length: 40 }, (_, t) => (t % 7 === 3 ? 0 : 1 + Math.sin(t)));
    for (const [rate, delay] of [[0.5, 1.2], [0.05, 3], [0.95, 0]]) {
      const w = new Float64Array(L);
      carryover.weights([rate, delay], L, w);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      const ref = referenceCarryover(x, rate, delay, L);
      for (let t = 0; t < x.length; t++) {
        let s = 0;
        for (let l = 0; l < L && l <= t; l++) s += w[l] * x[t - l];
        expect(rel(s, ref[t])).toBeLessThan(1e-12);
      }
      expect(carryover.steadyGain([rate, delay], true)).toBe(1);
    }
  });

  it("Weibull CDF and PDF: their weights give the reference's, normalised", () => {
    const L = 11;
    for (const [adstock, ref] of [
      [ADSTOCKS.weibull_cdf, weibullCdfWeights],
      [ADSTOCKS.weibull_pdf, weibullPdfWeights],
    ] as const) {
      if (adstock.kind !== "convolution") throw new Error("Weibull adstocks are convolutions");
      for (const [scale, shape] of [[2, 3], [0.7, 0.8], [5, 1.5]]) {
        const w = new Float64Array(L);
        adstock.weights([scale, shape], L, w);
        const r = ref(scale, shape, L);
        const total = r.reduce((a, b) => a + b, 0);
        for (let l = 0; l < L; l++) expect(Math.abs(w[l] - r[l] / total)).toBeLessThan(1e-14);
      }
    }
  });

  it("lag shares sum to one over the lags shown", () => {
    for (const [adstock, values] of [[ADSTOCKS.geometric, [0.7]], [ADSTOCKS.carryover, [0.3, 2]]] as const) {
      const w = new Float64Array(9);
      adstock.lagShares(values, 9, w);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("model table", () => {
  it("each model's transform parameters are its adstock's then its saturation's, and its core code is the model's", () => {
    for (const model of MODEL_NAMES) {
      const { adstock, saturation, code } = MODEL_TRANSFORMS[model];
      expect([...adstock.params, ...saturation.params]).toEqual([...TRANSFORM_PARAMETERS[model]]);
      expect(code).toBe(MODEL_CODE[model]);
      expect(adstock.kernel.aliases.length).toBe(adstock.params.length);
      expect(saturation.kernel.aliases.length).toBe(saturation.params.length);
    }
  });

  it("every kernel formula parses, left to right within a precedence level", () => {
    expect(parseFormula("a * b * c")).toEqual({ op: "*", l: { op: "*", l: { name: "a" }, r: { name: "b" } }, r: { name: "c" } });
    expect(parseFormula("-x * y + 1")).toEqual({ op: "+", l: { op: "*", l: { neg: { name: "x" } }, r: { name: "y" } }, r: { num: 1 } });
    expect(() => parseFormula("a * (b + c")).toThrow(/expected "\)"/);
    const formulas = (o: unknown): string[] =>
      typeof o === "string" ? [o] : o && typeof o === "object" ? Object.values(o).flatMap(formulas) : [];
    for (const sat of Object.values(SATURATIONS)) {
      const { aliases, constants, ...rest } = sat.kernel;
      void aliases;
      void constants;
      for (const f of formulas(rest)) expect(() => parseFormula(f)).not.toThrow();
    }
  });
});
