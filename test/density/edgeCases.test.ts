import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";

function evaluate(model: "hill_adstock" | "adstock" | "carryover", edit: (u: Float64Array, off: (n: string) => number) => void, zeroChannel = -1) {
  const { layout, data } = makeFixture({ model, T: 60, C: 3, F: 1, degrees: 2, seed: 5 });
  if (zeroChannel >= 0) for (let t = 0; t < data.T; t++) data.media[t * 3 + zeroChannel] = 0;
  const u = randomPoint(layout.dim, mulberry32(9), 1);
  edit(u, (n) => layout.offsetOf(n));
  const g = new Float64Array(layout.dim);
  const lp = new MmmDensity(layout, data).logpGrad(u, g);
  const ref = referenceLogDensity(layout, data, u);
  return { lp, g, ref };
}

describe("edge cases give finite values, never NaN", () => {
  it("a channel with all zeros contributes nothing and has a finite gradient", () => {
    for (const model of ["hill_adstock", "adstock", "carryover"] as const) {
      const { lp, g, ref } = evaluate(model, () => {}, 1);
      expect(Number.isFinite(lp)).toBe(true);
      expect(lp).toBeCloseTo(ref.lpJacobian, 8);
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    }
  });

  for (const lagU of [-12, 12, -40, 40, 700]) {
    it(`lag_weight at logit ${lagU}`, () => {
      for (const model of ["hill_adstock", "adstock"] as const) {
        const { lp, g, ref } = evaluate(model, (u, off) => u.fill(lagU, off("lag_weight"), off("lag_weight") + 3));
        expect(Number.isFinite(lp)).toBe(true);
        expect(Array.from(g).every(Number.isFinite)).toBe(true);
        // The plain reference forms 1 - lag naively, which is exact enough up to |u| = 12.
        if (Math.abs(lagU) <= 12) expect(Math.abs(lp - ref.lpJacobian) / Math.abs(ref.lpJacobian)).toBeLessThan(1e-9);
      }
    });
  }

  it("very large and very small slopes", () => {
    for (const slopeU of [8, 20, -20]) {
      const { lp, g, ref } = evaluate("hill_adstock", (u, off) => u.fill(slopeU, off("slope"), off("slope") + 3));
      expect(Number.isFinite(lp)).toBe(true);
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
      expect(Math.abs(lp - ref.lpJacobian) / Math.abs(ref.lpJacobian)).toBeLessThan(1e-9);
    }
  });

  it("extreme carryover rates and delays", () => {
    for (const [rateU, delayU] of [[-30, 0], [30, 3], [-700, -5], [5, -700]]) {
      const { lp, g } = evaluate("carryover", (u, off) => {
        u.fill(rateU, off("ad_effect_retention_rate"), off("ad_effect_retention_rate") + 3);
        u.fill(delayU, off("peak_effect_delay"), off("peak_effect_delay") + 3);
      });
      expect(Number.isFinite(lp)).toBe(true);
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    }
  });

  it("a position where the density vanishes returns -Infinity and a zero gradient", () => {
    const { lp, g } = evaluate("hill_adstock", (u, off) => {
      u[off("sigma")] = -800; // sigma underflows to 0
    });
    expect(lp).toBe(-Infinity);
    expect(Array.from(g).every((v) => v === 0)).toBe(true);
    const big = evaluate("hill_adstock", (u, off) => {
      u[off("coef_media")] = 800; // coefficient overflows
    });
    expect(big.lp).toBe(-Infinity);
    expect(Number.isNaN(big.lp)).toBe(false);
  });
});
