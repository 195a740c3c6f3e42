/**
 * The low-rank plus diagonal metric estimate of Seyboldt, Carlson & Carpenter
 * (2026, "nutpie"), written from the paper's description.
 *
 * For a Gaussian target with covariance Sigma, the draws x have covariance
 * Sigma and the gradients g of log p have covariance Sigma^-1. Given n draws
 * and their gradients:
 *
 *  1. diagonal: sigma_i^2 = sqrt(var(x_i) / var(g_i)) (population variances),
 *     the diagonal metric minimising the Fisher divergence;
 *  2. in the scaled space x~ = (x - mean) / sigma, g~ = (g - mean) * sigma,
 *     take an orthonormal basis Q of the span of the centred draws and
 *     gradients (at most 2n directions);
 *  3. in that subspace, with C_x = cov(Q' x~) + n gamma I and
 *     C_g = cov(Q' g~) + n gamma I, the SPD matrix A with A C_g A = C_x, the
 *     geometric mean of C_x and C_g^-1:
 *        A = C_g^-1/2 (C_g^1/2 C_x C_g^1/2)^1/2 C_g^-1/2,
 *     which maps gradients to draws (for a Gaussian, A = Sigma~ exactly);
 *  4. eigenvalues of A outside [1/cutoff, cutoff] (far from 1: directions the
 *     diagonal does not describe) with their eigenvectors, mapped back by Q,
 *     are the low-rank part; the others are left at 1.
 *
 * The ridge n gamma (gamma = 1e-5 as in nutpie) keeps C_x and C_g positive
 * definite when n is below the dimension.
 */
import * as portable from "../math/portable.js";
import { symmetricEigen, symmetricFunction } from "../math/symmetricEigen.js";

export interface LowRankEstimateOptions {
  /** Ridge per draw added to both subspace covariances (default 1e-5). */
  gamma?: number;
  /** Eigenvalues within [1/cutoff, cutoff] are dropped (default 2; 1 keeps every direction: a dense estimate). */
  cutoff?: number;
  /** Most directions kept, the farthest from 1 first (default: no limit). */
  maxRank?: number;
}

export interface LowRankEstimate {
  /** Diagonal part sigma^2 (dim entries). */
  sigma2: Float64Array;
  /** Kept eigenvalues lambda. */
  values: Float64Array;
  /** Kept directions, as rows of dim entries, orthonormal. */
  directions: Float64Array;
}

const LOWER = 1e-20;
const UPPER = 1e20;

/**
 * Estimate from n draws and gradients (row-major n x dim each); null if the
 * data cannot define one (fewer than 3 draws, a zero or non-finite variance).
 */
export function estimateLowRank(
  draws: Float64Array,
  grads: Float64Array,
  n: number,
  dim: number,
  options: LowRankEstimateOptions = {},
): LowRankEstimate | null {
  const gamma = options.gamma ?? 1e-5;
  const cutoff = options.cutoff ?? 2;
  const maxRank = options.maxRank ?? dim;
  if (n < 3) return null;
  const x = new Float64Array(n * dim);
  const g = new Float64Array(n * dim);
  const sigma2 = new Float64Array(dim);
  for (let i = 0; i < dim; i++) {
    let mx = 0;
    let mg = 0;
    for (let t = 0; t < n; t++) {
      mx += draws[t * dim + i]!;
      mg += grads[t * dim + i]!;
    }
    mx /= n;
    mg /= n;
    let vx = 0;
    let vg = 0;
    for (let t = 0; t < n; t++) {
      const dx = draws[t * dim + i]! - mx;
      const dg = grads[t * dim + i]! - mg;
      vx += dx * dx;
      vg += dg * dg;
    }
    let s2 = Math.sqrt(vx / vg);
    if (!(s2 > 0) || !Number.isFinite(s2)) return null;
    s2 = s2 < LOWER ? LOWER : s2 > UPPER ? UPPER : s2;
    sigma2[i] = s2;
    const s = Math.sqrt(s2);
    for (let t = 0; t < n; t++) {
      x[t * dim + i] = (draws[t * dim + i]! - mx) / s;
      g[t * dim + i] = (grads[t * dim + i]! - mg) * s;
    }
  }
  const empty = { sigma2, values: new Float64Array(0), directions: new Float64Array(0) };
  if (maxRank <= 0) return empty;
  const basis = spanBasis(x, g, n, dim);
  const r = basis.length / dim;
  if (r === 0) return empty;
  const cx = projectedCovariance(x, basis, n, dim, r, n * gamma);
  const cg = projectedCovariance(g, basis, n, dim, r, n * gamma);
  const a = spdGeometricMean(cx, cg, r);
  if (a === null) return empty;
  const eig = symmetricEigen(a, r);
  const keep: number[] = [];
  for (let k = 0; k < r; k++) {
    const l = eig.values[k]!;
    if (!(l > 0) || !Number.isFinite(l)) return empty;
    if (cutoff <= 1 || l > cutoff || l < 1 / cutoff) keep.push(k);
  }
  // Farthest from 1 first (portable log: the order fixes the summation order, so the bits).
  keep.sort((p, q) => Math.abs(portable.log(eig.values[q]!)) - Math.abs(portable.log(eig.values[p]!)) || p - q);
  keep.length = Math.min(keep.length, maxRank);
  const values = new Float64Array(keep.length);
  const directions = new Float64Array(keep.length * dim);
  keep.forEach((k, j) => {
    values[j] = eig.values[k]!;
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let b = 0; b < r; b++) s += basis[b * dim + i]! * eig.vectors[b * r + k]!;
      directions[j * dim + i] = s;
    }
  });
  return { sigma2, values, directions };
}

/**
 * Orthonormal basis (rows of dim entries) of the span of the rows of x and g
 * (n x dim each), by modified Gram-Schmidt applied twice; a vector whose
 * remainder is below 1e-10 of its length adds no direction.
 */
export function spanBasis(x: Float64Array, g: Float64Array, n: number, dim: number): Float64Array {
  const rows: Float64Array[] = [];
  const v = new Float64Array(dim);
  for (const src of [x, g]) {
    for (let t = 0; t < n && rows.length < dim; t++) {
      let norm0 = 0;
      for (let i = 0; i < dim; i++) {
        v[i] = src[t * dim + i]!;
        norm0 += v[i]! * v[i]!;
      }
      if (!(norm0 > 0)) continue;
      for (let pass = 0; pass < 2; pass++) {
        for (const q of rows) {
          let d = 0;
          for (let i = 0; i < dim; i++) d += q[i]! * v[i]!;
          for (let i = 0; i < dim; i++) v[i] = v[i]! - d * q[i]!;
        }
      }
      let norm = 0;
      for (let i = 0; i < dim; i++) norm += v[i]! * v[i]!;
      if (!(norm > 1e-20 * norm0)) continue;
      const inv = 1 / Math.sqrt(norm);
      rows.push(v.map((e) => e * inv));
    }
  }
  const out = new Float64Array(rows.length * dim);
  rows.forEach((q, b) => out.set(q, b * dim));
  return out;
}

/** cov(Q' y) + ridge I (population covariance of the n projected rows; y is already centred). */
function projectedCovariance(y: Float64Array, basis: Float64Array, n: number, dim: number, r: number, ridge: number): Float64Array {
  const p = new Float64Array(n * r);
  for (let t = 0; t < n; t++) {
    for (let b = 0; b < r; b++) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += basis[b * dim + i]! * y[t * dim + i]!;
      p[t * r + b] = s;
    }
  }
  const c = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += p[t * r + a]! * p[t * r + b]!;
      s /= n;
      c[a * r + b] = s;
      c[b * r + a] = s;
    }
    c[a * r + a] = c[a * r + a]! + ridge;
  }
  return c;
}

/** The SPD A with A cg A = cx: cg^-1/2 (cg^1/2 cx cg^1/2)^1/2 cg^-1/2; null if cg is not positive definite. */
export function spdGeometricMean(cx: Float64Array, cg: Float64Array, r: number): Float64Array | null {
  const eg = symmetricEigen(cg, r);
  if (!(eg.values[0]! > 0)) return null;
  const gHalf = symmetricFunction(eg, r, Math.sqrt);
  const gInvHalf = symmetricFunction(eg, r, (l) => 1 / Math.sqrt(l));
  const inner = multiply(multiply(gHalf, cx, r), gHalf, r);
  const ei = symmetricEigen(inner, r);
  // inner is positive definite; a rounding-negative eigenvalue counts as 0.
  const innerHalf = symmetricFunction(ei, r, (l) => Math.sqrt(l > 0 ? l : 0));
  const out = multiply(multiply(gInvHalf, innerHalf, r), gInvHalf, r);
  for (let a = 0; a < r; a++) {
    for (let b = 0; b < a; b++) {
      const v = 0.5 * (out[a * r + b]! + out[b * r + a]!);
      out[a * r + b] = v;
      out[b * r + a] = v;
    }
  }
  return out;
}

function multiply(a: Float64Array, b: Float64Array, r: number): Float64Array {
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let k = 0; k < r; k++) {
      const aik = a[i * r + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < r; j++) out[i * r + j] = out[i * r + j]! + aik * b[k * r + j]!;
    }
  }
  return out;
}
