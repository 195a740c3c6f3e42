import { describe, expect, it } from "vitest";
import { betaI, erfc, gammaP, lgamma, logistic, normalCdf, softplus } from "../../src/math/special.js";

describe("special functions", () => {
  it("lgamma at integers and half-integers", () => {
    let logFact = 0;
    for (let n = 1; n < 40; n++) {
      expect(Math.abs(lgamma(n) - logFact)).toBeLessThan(1e-12 * Math.max(1, logFact));
      logFact += Math.log(n);
    }
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    // Gamma(1.5) = sqrt(pi)/2; Gamma(0.1) (a small argument).
    expect(lgamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 13);
    expect(lgamma(0.1)).toBeCloseTo(2.252712651734206, 13);
  });
  it("erfc and the normal CDF", () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(erfc(0)).toBe(1);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 18);
    expect(Math.abs(normalCdf(-8) / 6.22096057427178e-16 - 1)).toBeLessThan(1e-12);
  });
  it("regularised incomplete gamma and beta against closed forms", () => {
    for (const x of [0.1, 0.7, 2, 5]) {
      expect(gammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 14);
      expect(gammaP(2, x)).toBeCloseTo(1 - (1 + x) * Math.exp(-x), 14);
    }
    for (const x of [0.05, 0.3, 0.8]) {
      expect(betaI(2, 1, x)).toBeCloseTo(x * x, 14);
      expect(betaI(2, 3, x)).toBeCloseTo(1 - Math.pow(1 - x, 3) * (1 + 3 * x), 14);
      expect(betaI(9, 1, x)).toBeCloseTo(Math.pow(x, 9), 14);
    }
  });
  it("stable logistic and softplus", () => {
    expect(logistic(-800)).toBe(0);
    expect(logistic(800)).toBe(1);
    expect(logistic(-40)).toBeCloseTo(Math.exp(-40), 30);
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBe(0);
    expect(softplus(0)).toBeCloseTo(Math.LN2, 15);
  });
});
