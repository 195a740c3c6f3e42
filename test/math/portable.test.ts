// The engine-independent elementary functions: within 2 ulp of the engine's
// (which are themselves within about 1 ulp of exact), right at the special
// values, and computed without calling the engine's versions at all.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as portable from "../../src/math/portable.js";
import { createRng } from "../../src/rng/index.js";

const ULP = 2 ** -52;

/** Relative error against Math's value, in units of 2^-52 (absolute near zero crossings of sin/cos). */
function ulps(got: number, want: number): number {
  if (got === want) return 0;
  return Math.abs(got - want) / (Math.max(Math.abs(want), 2 ** -1022) * ULP);
}

function samples(n: number, lo: number, hi: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

describe("portable elementary functions", () => {
  afterEach(() => vi.restoreAllMocks());

  it("exp is within 2 ulp over its whole finite range", () => {
    for (const x of [...samples(20000, -745, 709.7, 1), ...samples(20000, -1, 1, 2), ...samples(2000, -1e-8, 1e-8, 3)]) {
      const want = Math.exp(x);
      // Subnormal results have fewer bits: compare absolutely there.
      if (want < 2.2250738585072014e-308) expect(Math.abs(portable.exp(x) - want)).toBeLessThanOrEqual(2 * 4.9406564584124654e-324);
      else expect(ulps(portable.exp(x), want), `exp(${x})`).toBeLessThanOrEqual(2);
    }
  });

  it("log and log1p are within 2 ulp, subnormals included", () => {
    const xs = [...samples(20000, 1e-6, 1e6, 4), ...samples(5000, 0.5, 2, 5), ...samples(2000, 1e-300, 1e-290, 6), 5e-324, 1e-310, 1.7976931348623157e308];
    for (const x of xs) expect(ulps(portable.log(x), Math.log(x)), `log(${x})`).toBeLessThanOrEqual(2);
    for (const x of [...samples(20000, -0.999999, 10, 7), ...samples(2000, -1e-10, 1e-10, 8), ...samples(2000, 10, 1e12, 9)]) {
      expect(ulps(portable.log1p(x), Math.log1p(x)), `log1p(${x})`).toBeLessThanOrEqual(2);
    }
  });

  it("sin and cos are within 2 ulp of the value's scale over the arguments the model forms", () => {
    for (const x of [...samples(20000, -10, 10, 10), ...samples(20000, -5e4, 5e4, 11)]) {
      // Near a zero the result is tiny while the argument's rounding is not: measure against 1.
      expect(Math.abs(portable.sin(x) - Math.sin(x)), `sin(${x})`).toBeLessThanOrEqual(2 * ULP * Math.max(Math.abs(Math.sin(x)), 0.5));
      expect(Math.abs(portable.cos(x) - Math.cos(x)), `cos(${x})`).toBeLessThanOrEqual(2 * ULP * Math.max(Math.abs(Math.cos(x)), 0.5));
    }
  });

  it("powPositive is within a few ulp for the dual-averaging exponents", () => {
    for (let t = 1; t <= 5000; t++) expect(ulps(portable.powPositive(t, -0.75), Math.pow(t, -0.75)), `${t}^-0.75`).toBeLessThanOrEqual(8);
  });

  it("gets the special values right", () => {
    expect(portable.exp(0)).toBe(1);
    expect(portable.exp(-Infinity)).toBe(0);
    expect(portable.exp(Infinity)).toBe(Infinity);
    expect(portable.exp(710)).toBe(Infinity);
    expect(portable.exp(-746)).toBe(0);
    expect(portable.exp(NaN)).toBeNaN();
    expect(portable.log(1)).toBe(0);
    expect(portable.log(0)).toBe(-Infinity);
    expect(portable.log(-1)).toBeNaN();
    expect(portable.log(Infinity)).toBe(Infinity);
    expect(portable.log(2)).toBe(Math.LN2);
    expect(portable.log1p(0)).toBe(0);
    expect(portable.log1p(-1)).toBe(-Infinity);
    expect(portable.log1p(-2)).toBeNaN();
    expect(Object.is(portable.sin(-0), -0)).toBe(true);
    expect(portable.cos(0)).toBe(1);
    expect(portable.sin(Infinity)).toBeNaN();
    expect(portable.powPositive(7, 0)).toBe(1);
  });

  it("never calls the engine's own transcendental functions", () => {
    for (const name of ["exp", "log", "log1p", "sin", "cos", "pow", "expm1"] as const) {
      vi.spyOn(Math, name).mockImplementation(() => {
        throw new Error(`Math.${name} called`);
      });
    }
    for (const x of samples(500, -20, 20, 12)) {
      portable.exp(x);
      portable.log(Math.abs(x) + 1e-3);
      portable.log1p(Math.abs(x));
      portable.sin(x);
      portable.cos(x);
      portable.powPositive(Math.abs(x) + 1, -0.75);
    }
  });
});
