import { describe, expect, it } from "vitest";
import { betaQuantile, logGamma, regularizedIncompleteBeta } from "../../src/math/beta.js";
import { inverseNormalCdf } from "../../src/diagnostics/normal.js";

/**
 * erfc written independently for the round-trip check: the Maclaurin series
 * of erf near zero, the continued fraction
 *   erfc(u) = exp(-u^2)/sqrt(pi) / (u + (1/2)/(u + 1/(u + (3/2)/(u + ...))))
 * elsewhere (evaluated backwards with many terms).
 */
function erfc(u: number): number {
  if (u < 0) return 2 - erfc(-u);
  if (u < 0.5) {
    let term = u;
    let sum = u;
    for (let n = 1; n < 40; n++) {
      term *= (-u * u) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = u;
  for (let k = 5000; k >= 1; k--) f = u + k / 2 / f;
  return Math.exp(-u * u) / Math.sqrt(Math.PI) / f;
}
const lowerTail = (z: number) => 0.5 * erfc(-z / Math.SQRT2);
const upperTail = (z: number) => 0.5 * erfc(z / Math.SQRT2);

describe("inverseNormalCdf", () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.025, -1.959963984540054],
    [0.5, 0],
    [1e-10, -6.361340902404056],
    [0.9, 1.2815515655446004],
    [0.001, -3.090232306167814],
  ])("Phi^-1(%d) = %d", (p, z) => {
    expect(Math.abs(inverseNormalCdf(p) - z)).toBeLessThan(1e-9);
  });

  it("handles the end points and invalid input", () => {
    expect(inverseNormalCdf(0)).toBe(-Infinity);
    expect(inverseNormalCdf(1)).toBe(Infinity);
    expect(inverseNormalCdf(-0.1)).toBeNaN();
    expect(inverseNormalCdf(NaN)).toBeNaN();
  });

  it("is antisymmetric: Phi^-1(1 - p) = -Phi^-1(p)", () => {
    for (const p of [0.3, 0.1, 0.01, 0.075, 0.4]) {
      expect(inverseNormalCdf(1 - p)).toBeCloseTo(-inverseNormalCdf(p), 12);
    }
  });

  it("inverts an independently computed normal CDF to ~1e-12 relative, far into the tails", () => {
    const probabilities = [1e-300, 1e-100, 1e-20, 1e-8, 1e-4, 0.003, 0.02, 0.07, 0.2, 0.3, 0.45, 0.5];
    for (const p of probabilities) {
      const z = inverseNormalCdf(p);
      expect(Math.abs(lowerTail(z) / p - 1)).toBeLessThan(1e-12);
    }
    for (const q of [1e-15, 1e-6, 0.01, 0.2, 0.4]) {
      const z = inverseNormalCdf(1 - q);
      // 1 - q is not exact for tiny q; compare with the tail that was represented.
      expect(Math.abs(upperTail(z) / (1 - (1 - q)) - 1)).toBeLessThan(1e-12);
    }
  });
});

describe("logGamma", () => {
  it("matches log factorials and half-integer values", () => {
    let logFactorial = 0;
    for (let n = 1; n <= 120; n++) {
      // here logFactorial = ln((n-1)!)
      expect(Math.abs(logGamma(n) - logFactorial)).toBeLessThan(1e-13 * Math.max(1, logFactorial));
      logFactorial += Math.log(n);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(1.5)).toBeCloseTo(0.5 * Math.log(Math.PI) - Math.log(2), 13);
    expect(logGamma(7.5)).toBeCloseTo(Math.log((13 * 11 * 9 * 7 * 5 * 3 * Math.sqrt(Math.PI)) / 2 ** 7), 12);
  });
});

/** I_x(a, b) for integer a, b as a binomial tail: P(Bin(a+b-1, x) >= a). */
function incompleteBetaByBinomial(x: number, a: number, b: number): number {
  const n = a + b - 1;
  const logFactorial = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) logFactorial[i] = logFactorial[i - 1] + Math.log(i);
  let sum = 0;
  for (let j = a; j <= n; j++) {
    const logChoose = logFactorial[n] - logFactorial[j] - logFactorial[n - j];
    sum += Math.exp(logChoose + j * Math.log(x) + (n - j) * Math.log1p(-x));
  }
  return sum;
}

describe("regularizedIncompleteBeta", () => {
  it("matches the closed form for a = 2, b = 3: 1 - (1-x)^3 (1+3x)", () => {
    for (const x of [0.001, 0.1, 0.25, 0.4, 0.5, 0.77, 0.999]) {
      expect(regularizedIncompleteBeta(x, 2, 3)).toBeCloseTo(1 - (1 - x) ** 3 * (1 + 3 * x), 14);
    }
  });

  it("matches x^a and 1 - (1-x)^b for unit shapes", () => {
    for (const x of [0.05, 0.3, 0.8]) {
      expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 14);
      expect(regularizedIncompleteBeta(x, 4.5, 1)).toBeCloseTo(x ** 4.5, 14);
      expect(regularizedIncompleteBeta(x, 1, 2.5)).toBeCloseTo(1 - (1 - x) ** 2.5, 14);
    }
  });

  it.each([
    [5, 7],
    [30, 40],
    [200, 13],
    [101, 1901],
  ])("matches the binomial-sum identity for integer shapes a = %i, b = %i", (a, b) => {
    const mean = a / (a + b);
    const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
    for (const x of [0.5 * mean, mean - 2 * sd, mean, mean + sd, mean + 3 * sd].map((v) => Math.min(Math.max(v, 1e-3), 0.999))) {
      const expected = incompleteBetaByBinomial(x, a, b);
      expect(Math.abs(regularizedIncompleteBeta(x, a, b) - expected)).toBeLessThan(1e-12 + 1e-10 * expected);
    }
  });

  it("satisfies I_x(a, b) = 1 - I_{1-x}(b, a) and handles the edges", () => {
    expect(regularizedIncompleteBeta(0.3, 2.7, 9.1)).toBeCloseTo(1 - regularizedIncompleteBeta(0.7, 9.1, 2.7), 14);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(regularizedIncompleteBeta(0.5, -1, 3)).toBeNaN();
  });
});

describe("betaQuantile", () => {
  it("matches closed forms for unit shapes", () => {
    for (const p of [0.01, 0.1586553, 0.5, 0.8413447, 0.99]) {
      expect(betaQuantile(p, 1, 1)).toBeCloseTo(p, 14);
      expect(betaQuantile(p, 3, 1)).toBeCloseTo(p ** (1 / 3), 14);
      expect(betaQuantile(p, 1, 4)).toBeCloseTo(1 - (1 - p) ** (1 / 4), 14);
    }
  });

  it("inverts the incomplete beta function for the shapes MCSE uses", () => {
    for (const [a, b] of [
      [2, 3],
      [11, 191],
      [1001, 19001],
      [20001, 20001],
    ]) {
      for (const p of [0.1586553, 0.5, 0.8413447]) {
        const x = betaQuantile(p, a, b);
        expect(Math.abs(regularizedIncompleteBeta(x, a, b) - p)).toBeLessThan(1e-11);
      }
    }
    // The median of Beta(a, a) is 1/2 by symmetry.
    expect(betaQuantile(0.5, 20001, 20001)).toBeCloseTo(0.5, 12);
  });

  it("returns the bounds at p = 0 and 1", () => {
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
  });
});
