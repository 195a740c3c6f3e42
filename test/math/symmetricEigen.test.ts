import { describe, expect, it } from "vitest";
import { symmetricEigen, symmetricFunction } from "../../src/math/symmetricEigen.js";
import { PhiloxRng } from "../../src/rng/random.js";

function randomSymmetric(n: number, rng: PhiloxRng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

function maxAbs(a: Float64Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

describe("symmetricEigen", () => {
  it("2x2: the closed-form eigenvalues (a+c)/2 -+ sqrt(((a-c)/2)^2 + b^2)", () => {
    const [a, b, c] = [3, -1.25, 0.5];
    const { values, vectors } = symmetricEigen(new Float64Array([a, b, b, c]), 2);
    const h = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    expect(values[0]).toBeCloseTo((a + c) / 2 - h, 14);
    expect(values[1]).toBeCloseTo((a + c) / 2 + h, 14);
    // A v = lambda v for the first vector.
    const v0 = vectors[0]!;
    const v1 = vectors[2]!;
    expect(a * v0 + b * v1).toBeCloseTo(values[0]! * v0, 13);
    expect(b * v0 + c * v1).toBeCloseTo(values[0]! * v1, 13);
  });

  it.each([1, 3, 8, 30])("n = %i random: V orthonormal, V Lambda V' = A, eigenvalues ascending", (n) => {
    const rng = new PhiloxRng(7, n);
    const a = randomSymmetric(n, rng);
    const eig = symmetricEigen(a, n);
    const recon = symmetricFunction(eig, n, (l) => l);
    const err = maxAbs(recon.map((v, k) => v - a[k]!));
    expect(err).toBeLessThan(1e-12 * Math.max(1, maxAbs(a)) * n);
    const vtv = symmetricFunction({ values: new Float64Array(n).fill(1), vectors: eig.vectors }, n, (l) => l);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(vtv[i * n + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-13);
    for (let k = 1; k < n; k++) expect(eig.values[k]!).toBeGreaterThanOrEqual(eig.values[k - 1]!);
    // Trace is preserved.
    let tr = 0;
    for (let i = 0; i < n; i++) tr += a[i * n + i]!;
    expect(eig.values.reduce((s, v) => s + v, 0)).toBeCloseTo(tr, 11);
  });

  it("repeated eigenvalues and a wide spread of scales (1e-8 .. 1e8) are resolved", () => {
    // Q diag(d) Q' for a random orthogonal Q (from a random matrix's eigenvectors).
    const n = 6;
    const q = symmetricEigen(randomSymmetric(n, new PhiloxRng(3, 0)), n).vectors;
    const d = new Float64Array([1e-8, 1, 1, 1, 5, 1e8]);
    const a = symmetricFunction({ values: d, vectors: q }, n, (l) => l);
    const eig = symmetricEigen(a, n);
    for (let k = 0; k < n; k++) expect(Math.abs(eig.values[k]! - d[k]!)).toBeLessThan(1e-15 * 1e8 * 10);
    // The well-separated large one comes back to relative accuracy.
    expect(eig.values[5]! / 1e8 - 1).toBeLessThan(1e-14);
  });

  it("a diagonal matrix needs no rotation; non-finite input is refused", () => {
    const eig = symmetricEigen(new Float64Array([2, 0, 0, -1]), 2);
    expect(Array.from(eig.values)).toEqual([-1, 2]);
    expect(() => symmetricEigen(new Float64Array([1, Number.NaN, Number.NaN, 1]), 2)).toThrow(/not finite/);
  });
});
