import { describe, expect, it } from "vitest";
import { hdi, median, quantile } from "../../src/diagnostics/hdi.js";
import { mulberry32 } from "./random.js";

describe("quantile (type 7)", () => {
  it("matches known values", () => {
    const x = [5, 1, 4, 2, 3];
    expect(quantile(x, 0)).toBe(1);
    expect(quantile(x, 1)).toBe(5);
    expect(quantile(x, 0.25)).toBe(2);
    expect(quantile(x, 0.1)).toBeCloseTo(1.4, 14); // h = 0.4
    expect(quantile([10, 20, 30, 40], 0.33)).toBeCloseTo(19.9, 12); // h = 0.99
    expect(quantile([1, 3], 0.5)).toBe(2);
    expect(quantile([7], 0.3)).toBe(7);
  });

  it("returns tied values exactly", () => {
    expect(quantile([0.1, 0.1, 0.1, 0.7], 0.5)).toBe(0.1);
  });

  it("median averages the two middle values", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([4, 1, 3])).toBe(3);
  });
});

describe("hdi (ArviZ definition)", () => {
  it("picks the narrowest window of floor(p n) + 1 sorted draws", () => {
    // n = 6, p = 0.5 -> k = 3: widths 0.3 - 0 = 0.3, 5 - 0.1 = 4.9, 10 - 0.2 = 9.8.
    expect(hdi([10, 0.2, 0, 5, 0.1, 0.3], 0.5)).toEqual({ low: 0, high: 0.3 });
    // n = 10, p = 0.94 -> k = 9: the only window is the full range.
    expect(hdi([3, 1, 4, 1, 5, 9, 2, 6, 5, 3])).toEqual({ low: 1, high: 9 });
    // n = 10, p = 0.7 -> k = 7: widths 7, 19, 38; the first window wins.
    const sorted = [0, 1, 2, 3, 4, 5, 6, 7, 20, 40];
    expect(hdi(sorted, 0.7)).toEqual({ low: 0, high: 7 });
  });

  it("takes the first of equally narrow windows", () => {
    expect(hdi([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.5)).toEqual({ low: 0, high: 5 });
  });

  it("approaches [0, -ln(1 - p)] for Exp(1) draws", () => {
    const uniform = mulberry32(111);
    const draws = Float64Array.from({ length: 40000 }, () => -Math.log(1 - uniform()));
    const interval = hdi(draws, 0.94);
    expect(interval.low).toBeLessThan(0.01);
    expect(Math.abs(interval.high - -Math.log(0.06))).toBeLessThan(0.06);
  });

  it("rejects probabilities outside (0, 1)", () => {
    expect(() => hdi([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => hdi([1, 2, 3], 0)).toThrow(RangeError);
  });
});
