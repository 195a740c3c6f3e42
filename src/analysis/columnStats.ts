// The numerics of the data checks (dataQuality.ts): means, medians, Pearson
// correlation, and R² by least squares that tolerates collinear columns.

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

export function median(sorted: number[]): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/** Pearson correlation (two-pass); NaN when either series is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

/**
 * Solves A x = b for a symmetric positive semi-definite A (row-major p x p)
 * by a Cholesky factorisation that drops a column whose pivot falls to
 * rounding level relative to its diagonal, i.e. a column that is a linear
 * combination of the ones before it; its coefficient is 0, which leaves the
 * fitted values of a least-squares problem unchanged.
 */
export function solveSemiDefinite(A: Float64Array, b: Float64Array, p: number, tol = 1e-10): { x: Float64Array; dropped: number[] } {
  const L = new Float64Array(p * p);
  const dropped: number[] = [];
  const keep = new Array<boolean>(p).fill(true);
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j];
    for (let k = 0; k < j; k++) d -= L[j * p + k] * L[j * p + k];
    if (!(d > tol * A[j * p + j]) || A[j * p + j] <= 0) {
      keep[j] = false;
      dropped.push(j);
      continue;
    }
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = s / ljj;
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    if (!keep[i]) continue;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * z[k];
    z[i] = s / L[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    if (!keep[i]) continue;
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[k];
    x[i] = s / L[i * p + i];
  }
  return { x, dropped };
}

/**
 * R² of y regressed on the given columns plus an intercept, by the normal
 * equations. Columns and y are standardised first (which changes neither the
 * fit nor R²) so the normal equations are well conditioned.
 */
export function rSquared(y: ArrayLike<number>, columns: ArrayLike<number>[]): number {
  const n = y.length;
  const std = (v: ArrayLike<number>) => {
    const m = mean(v);
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (v[i] - m) ** 2;
    const s = Math.sqrt(ss / Math.max(1, n - 1));
    return Float64Array.from({ length: n }, (_, i) => (s > 0 ? (v[i] - m) / s : 0));
  };
  const ys = std(y);
  let sst = 0;
  for (let i = 0; i < n; i++) sst += ys[i] * ys[i];
  if (sst === 0) return 1; // a constant y is explained by the intercept alone
  const X = [new Float64Array(n).fill(1), ...columns.map(std)];
  const p = X.length;
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    for (let c = a; c < p; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[a][i] * X[c][i];
      A[a * p + c] = s;
      A[c * p + a] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += X[a][i] * ys[i];
    b[a] = s;
  }
  const { x } = solveSemiDefinite(A, b, p);
  let sse = 0;
  for (let i = 0; i < n; i++) {
    let fit = 0;
    for (let a = 0; a < p; a++) fit += x[a] * X[a][i];
    sse += (ys[i] - fit) ** 2;
  }
  return Math.min(1, Math.max(0, 1 - sse / sst));
}
