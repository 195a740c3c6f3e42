// Dense linear solve by LU with partial pivoting, for the small KKT systems
// of the QP (a few dozen unknowns): simple and exact enough in float64.

/**
 * Solves M z = rhs for a square row-major M (n x n). Returns null when a
 * pivot is negligible relative to the matrix scale (M singular to working
 * precision). M and rhs are not modified.
 */
export function solveDense(M: Float64Array, rhs: Float64Array, n: number): Float64Array | null {
  const a = Float64Array.from(M);
  const z = Float64Array.from(rhs);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0) return n === 0 ? z : null;
  const tiny = scale * 1e-14;
  for (let col = 0; col < n; col++) {
    let piv = col;
    let best = Math.abs(a[col * n + col]);
    for (let r = col + 1; r < n; r++) {
      const v = Math.abs(a[r * n + col]);
      if (v > best) {
        best = v;
        piv = r;
      }
    }
    if (best <= tiny) return null;
    if (piv !== col) {
      for (let j = 0; j < n; j++) {
        const t = a[col * n + j];
        a[col * n + j] = a[piv * n + j];
        a[piv * n + j] = t;
      }
      const t = z[col];
      z[col] = z[piv];
      z[piv] = t;
    }
    const d = a[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / d;
      if (f === 0) continue;
      for (let j = col; j < n; j++) a[r * n + j] -= f * a[col * n + j];
      z[r] -= f * z[col];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = z[r];
    for (let j = r + 1; j < n; j++) s -= a[r * n + j] * z[j];
    z[r] = s / a[r * n + r];
  }
  return z;
}
