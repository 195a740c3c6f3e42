// Finite-difference gradients, a library feature (as in Stan) for checking
// any LogDensity's hand-derived gradient.

/**
 * Sixth-order central differences of f at x (error O(h^6)), with a step
 * relative to each coordinate's magnitude.
 */
export function finiteDifferenceGradient(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  relativeStep = 1e-3,
): Float64Array {
  const n = x.length;
  const g = new Float64Array(n);
  const y = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const h = relativeStep * Math.max(1, Math.abs(x[i]));
    const at = (k: number) => {
      y[i] = x[i] + k * h;
      const v = f(y);
      y[i] = x[i];
      return v;
    };
    g[i] = (-at(-3) + 9 * at(-2) - 45 * at(-1) + 45 * at(1) - 9 * at(2) + at(3)) / (60 * h);
  }
  return g;
}
