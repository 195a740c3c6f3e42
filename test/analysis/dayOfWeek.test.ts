import { describe, expect, it } from "vitest";
import { dayOfWeekPattern, fUpperTail } from "../../src/analysis/dayOfWeek.js";
import { mulberry32 } from "../helpers/random.js";

/** Standard normal draws (Box-Muller) from a seeded uniform stream. */
function normals(n: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

describe("the day-of-week analysis of variance", () => {
  it("F's upper tail matches scipy.stats.f.sf", () => {
    expect(fUpperTail(2.956, 6, 120)).toBeCloseTo(0.00999693807184342, 10);
    expect(fUpperTail(4.04, 6, 120)).toBeCloseTo(0.0010079881259136222, 10);
    expect(fUpperTail(3.5, 6, 57)).toBeCloseTo(0.00513337417618669, 10);
    expect(fUpperTail(1.2, 6, 200)).toBeCloseTo(0.30776033141482206, 10);
    expect(fUpperTail(10, 6, 20) / 3.7610530853271484e-5).toBeCloseTo(1, 6);
    expect(fUpperTail(0, 6, 20)).toBe(1);
  });

  it("F and the explained share as a regression on the 7 day indicators gives them", () => {
    const y = normals(40, 3).map((e, t) => 10 + (t % 7 === 5 ? 2 : 0) + e);
    const got = dayOfWeekPattern(y)!;
    // Independently: R² of the least-squares fit by day means (the indicators' fit), F = (R² / 6) / ((1 - R²) / (n - 7)).
    const n = y.length;
    const mean = y.reduce((a, b) => a + b) / n;
    const dayMean = (k: number) => {
      const d = y.filter((_, t) => t % 7 === k);
      return d.reduce((a, b) => a + b) / d.length;
    };
    const residual = y.reduce((a, v, t) => a + (v - dayMean(t % 7)) ** 2, 0);
    const total = y.reduce((a, v) => a + (v - mean) ** 2, 0);
    const r2 = 1 - residual / total;
    expect(got.share).toBeCloseTo(r2, 12);
    expect(got.f).toBeCloseTo(r2 / 6 / ((1 - r2) / (n - 7)), 10);
    expect(got.p).toBeCloseTo(fUpperTail(got.f, 6, n - 7), 15);
  });

  it("finds a weekend effect and not a cycle that is not there", () => {
    const noise = normals(365, 8);
    expect(dayOfWeekPattern(noise.map((e, t) => 100 + (t % 7 >= 5 ? 6 : 0) + 5 * e))!.p).toBeLessThan(1e-6);
    // No weekly cycle: p is uniform, below 0.001 once in a thousand series.
    expect(dayOfWeekPattern(noise.map((e) => 100 + 5 * e))!.p).toBeGreaterThan(1e-3);
  });

  it("says nothing on fewer than two weeks of rows or a series that does not vary within days", () => {
    expect(dayOfWeekPattern([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])).toBeNull();
    expect(dayOfWeekPattern(Array.from({ length: 28 }, (_, t) => t % 7))).toBeNull();
  });
});
