// Eigendecomposition of a small symmetric matrix (cyclic Jacobi rotations).
//
// Used by the low-rank metric adaptation on matrices of at most a few hundred
// rows, a few times per warm-up window. Jacobi is slower than tridiagonal QR
// for large n but simple, accurate to a few ulp in every eigenvalue relative
// to the matrix norm, and built from +, -, *, / and Math.sqrt only, so Node
// and browsers give the same bits (see portable.ts).

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n x n matrix: vectors[i * n + k] is entry i of vector k. */
  vectors: Float64Array;
}

const MAX_SWEEPS = 60;

/**
 * Eigenvalues and orthonormal eigenvectors of the symmetric row-major n x n
 * matrix `a` (only its lower triangle is read; `a` is not modified).
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${a.length}`);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a[i * n + j]!;
      if (!Number.isFinite(v)) throw new Error(`symmetricEigen: entry (${i}, ${j}) is not finite`);
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm2 = 0;
  for (let k = 0; k < n * n; k++) norm2 += m[k]! * m[k]!;
  // Rotate until the off-diagonal mass is negligible against the whole matrix.
  const tol = 1e-30 * norm2;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! * m[p * n + q]!;
    if (off <= tol || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) rotate(m, v, n, p, q);
    }
  }
  return sortAscending(m, v, n);
}

/** One Jacobi rotation annihilating m[p][q], applied to m (both sides) and accumulated into v. */
function rotate(m: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = m[p * n + q]!;
  if (apq === 0) return;
  const app = m[p * n + p]!;
  const aqq = m[q * n + q]!;
  // t = tan(theta), the smaller root of t^2 + 2 tau t - 1 = 0 (Rutishauser's stable form).
  const tau = (aqq - app) / (2 * apq);
  const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const mkp = m[k * n + p]!;
    const mkq = m[k * n + q]!;
    m[k * n + p] = c * mkp - s * mkq;
    m[k * n + q] = s * mkp + c * mkq;
  }
  for (let k = 0; k < n; k++) {
    const mpk = m[p * n + k]!;
    const mqk = m[q * n + k]!;
    m[p * n + k] = c * mpk - s * mqk;
    m[q * n + k] = s * mpk + c * mqk;
  }
  m[p * n + q] = 0;
  m[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p]!;
    const vkq = v[k * n + q]!;
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

function sortAscending(m: Float64Array, v: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[x * n + x]! - m[y * n + y]! || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    values[k] = m[src * n + src]!;
    for (let i = 0; i < n; i++) vectors[i * n + k] = v[i * n + src]!;
  });
  return { values, vectors };
}

/**
 * f(A) = V f(Lambda) V' for a symmetric matrix given by its eigendecomposition,
 * with f applied to each eigenvalue (e.g. sqrt, 1/sqrt).
 */
export function symmetricFunction(eig: SymmetricEigen, n: number, f: (lambda: number) => number): Float64Array {
  const out = new Float64Array(n * n);
  const fl = eig.values.map(f);
  const vec = eig.vectors;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vec[i * n + k]! * fl[k]! * vec[j * n + k]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
