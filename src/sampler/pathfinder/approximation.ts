// Pathfinder's normal approximation at an L-BFGS iterate (Zhang et al. 2022,
// section 2 and algorithms 2-4): mean x + H grad logp(x), covariance H, the
// L-BFGS inverse Hessian in its compact form (Byrd, Nocedal & Schnabel 1994)
// H = diag(alpha) + B G B', B = [diag(alpha) Y, S], over the last J
// correction pairs, with the diagonal alpha updated at every pair as Gilbert &
// Lemarechal (1989, eq. 4.9) do. Draws and their log-density use a thin QR of
// diag(alpha)^-1/2 B (O(n J^2)), or a dense Cholesky when 2J >= n.

import { log } from "../../math/portable.js";
import { tryCholeskyLower } from "../metric.js";
import type { Rng } from "../../rng/random.js";

const LOG_2PI = 1.8378770664093453;
const EPS = 2.220446049250313e-16;

export interface NormalApproximation {
  readonly dim: number;
  readonly mean: Float64Array;
  /** log det of the covariance. */
  readonly logDet: number;
  /** Writes a draw into `out`; returns its log-density under the approximation. */
  draw(rng: Rng, out: Float64Array): number;
  /** The covariance as a dense row-major matrix (for tests; O(n^2)). */
  covariance(): Float64Array;
}

/** Correction pairs and the diagonal at each iterate of a trajectory. */
export interface IterateHistory {
  /** Last J pairs before this iterate (s = x_{k+1} - x_k, y = g_k - g_{k+1}, g the log-density's gradient). */
  S: Float64Array[];
  Y: Float64Array[];
  alpha: Float64Array;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The history at iterates 1..L of a trajectory (index l-1 for iterate l). */
export function iterateHistories(positions: Float64Array[], gradients: Float64Array[], J: number): IterateHistory[] {
  const n = positions[0]!.length;
  let alpha: Float64Array = new Float64Array(n).fill(1);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const out: IterateHistory[] = [];
  for (let l = 1; l < positions.length; l++) {
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = positions[l]![i]! - positions[l - 1]![i]!;
      y[i] = gradients[l - 1]![i]! - gradients[l]![i]!;
    }
    const b = dot(y, s);
    if (b > EPS * dot(y, y)) {
      alpha = updatedDiagonal(alpha, s, y, b);
      S.push(s);
      Y.push(y);
      if (S.length > J) {
        S.shift();
        Y.shift();
      }
    }
    out.push({ S: S.slice(), Y: Y.slice(), alpha });
  }
  return out;
}

/** Gilbert & Lemarechal's diagonal update; the old diagonal where the new one is not positive and finite. */
function updatedDiagonal(alpha: Float64Array, s: Float64Array, y: Float64Array, b: number): Float64Array {
  const n = alpha.length;
  let a = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    a += y[i]! * alpha[i]! * y[i]!;
    c += (s[i]! * s[i]!) / alpha[i]!;
  }
  const next = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = s[i]! / alpha[i]!;
    const v = b / (a / alpha[i]! + y[i]! * y[i]! - (a / c) * r * r);
    if (!(v > 0) || !Number.isFinite(v)) return alpha;
    next[i] = v;
  }
  return next;
}

/** The 2m x 2m middle matrix G of the compact form, row-major; null if R is singular. */
function middle(h: IterateHistory): Float64Array | null {
  const m = h.S.length;
  const R = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i; j < m; j++) R[i * m + j] = dot(h.S[i]!, h.Y[j]!);
  // Rinv by back substitution (upper triangular).
  const Rinv = new Float64Array(m * m);
  for (let col = 0; col < m; col++) {
    for (let i = m - 1; i >= 0; i--) {
      let v = i === col ? 1 : 0;
      for (let k = i + 1; k < m; k++) v -= R[i * m + k]! * Rinv[k * m + col]!;
      const d = R[i * m + i]!;
      if (!(d > 0)) return null;
      Rinv[i * m + col] = v / d;
    }
  }
  // E = D + Y' diag(alpha) Y.
  const E = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let v = 0;
      const yi = h.Y[i]!;
      const yj = h.Y[j]!;
      for (let k = 0; k < yi.length; k++) v += yi[k]! * h.alpha[k]! * yj[k]!;
      E[i * m + j] = v + (i === j ? R[i * m + i]! : 0);
    }
  }
  const G = new Float64Array(4 * m * m);
  const w = 2 * m;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      G[i * w + m + j] = -Rinv[i * m + j]!; // -R^-1
      G[(m + i) * w + j] = -Rinv[j * m + i]!; // -R^-T
      let v = 0; // (R^-T E R^-1)_ij
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) v += Rinv[a * m + i]! * E[a * m + b]! * Rinv[b * m + j]!;
      G[(m + i) * w + m + j] = v;
    }
  }
  return G;
}

/**
 * The approximation at iterate x with log-density gradient g and its
 * history; null when the history gives no positive-definite covariance.
 */
export function normalApproximation(x: Float64Array, g: Float64Array, h: IterateHistory): NormalApproximation | null {
  const n = x.length;
  const m = h.S.length;
  const w = 2 * m;
  const G = m ? middle(h) : new Float64Array(0);
  if (!G) return null;
  // B = [diag(alpha) Y, S], n x 2m, stored by column.
  const B: Float64Array[] = [];
  for (let j = 0; j < m; j++) B.push(h.Y[j]!.map((v, i) => h.alpha[i]! * v));
  for (let j = 0; j < m; j++) B.push(Float64Array.from(h.S[j]!));
  // H v = alpha v + B G B' v.
  const applyH = (v: Float64Array, out: Float64Array) => {
    const t = new Float64Array(w);
    for (let j = 0; j < w; j++) t[j] = dot(B[j]!, v);
    for (let i = 0; i < n; i++) out[i] = h.alpha[i]! * v[i]!;
    for (let a = 0; a < w; a++) {
      let c = 0;
      for (let b = 0; b < w; b++) c += G[a * w + b]! * t[b]!;
      const col = B[a]!;
      for (let i = 0; i < n; i++) out[i] = out[i]! + c * col[i]!;
    }
  };
  const mean = new Float64Array(n);
  applyH(g, mean);
  for (let i = 0; i < n; i++) mean[i] = mean[i]! + x[i]!;
  if (!mean.every(Number.isFinite)) return null;
  const covariance = () => {
    const C = new Float64Array(n * n);
    const e = new Float64Array(n);
    const col = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e.fill(0);
      e[j] = 1;
      applyH(e, col);
      for (let i = 0; i < n; i++) C[i * n + j] = col[i]!;
    }
    return C;
  };
  return w >= n ? denseApproximation(mean, covariance) : lowRankApproximation(mean, h.alpha, B, G, covariance);
}

function denseApproximation(mean: Float64Array, covariance: () => Float64Array): NormalApproximation | null {
  const n = mean.length;
  const S = covariance();
  // Symmetrise what rounding left unsymmetric before factorising.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) S[i * n + j] = S[j * n + i] = 0.5 * (S[i * n + j]! + S[j * n + i]!);
  const L = new Float64Array(n * n);
  if (tryCholeskyLower(S, n, L) >= 0) return null;
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += 2 * log(L[i * n + i]!);
  return fromStandardNormal(mean, logDet, covariance, (u, out) => {
    for (let i = 0; i < n; i++) {
      let v = mean[i]!;
      for (let k = 0; k <= i; k++) v += L[i * n + k]! * u[k]!;
      out[i] = v;
    }
  });
}

/**
 * The approximation whose draws are `toDraw(u)` for a standard normal u, an
 * affine map with the given log-determinant: log q of a draw is then that of
 * u less half the log-determinant.
 */
function fromStandardNormal(
  mean: Float64Array,
  logDet: number,
  covariance: () => Float64Array,
  toDraw: (u: Float64Array, out: Float64Array) => void,
): NormalApproximation {
  const n = mean.length;
  const u = new Float64Array(n);
  return {
    dim: n,
    mean,
    logDet,
    covariance,
    draw(rng, out) {
      rng.fillNormal(u);
      toDraw(u, out);
      return -0.5 * (logDet + dot(u, u) + n * LOG_2PI);
    },
  };
}

function lowRankApproximation(
  mean: Float64Array,
  alpha: Float64Array,
  B: Float64Array[],
  G: Float64Array,
  covariance: () => Float64Array,
): NormalApproximation | null {
  const n = mean.length;
  const w = B.length;
  // Thin QR (modified Gram-Schmidt) of A = diag(alpha)^-1/2 B; a column that
  // is (numerically) in the span of the earlier ones gets a zero Q column and
  // a zero R row, which leaves A = Q R and the draw formula exact.
  const sqrtAlpha = alpha.map(Math.sqrt);
  const Q: Float64Array[] = B.map((col) => col.map((v, i) => v / sqrtAlpha[i]!));
  const R = new Float64Array(w * w);
  for (let j = 0; j < w; j++) {
    const q = Q[j]!;
    const norm0 = Math.sqrt(dot(q, q));
    for (let k = 0; k < j; k++) {
      const r = dot(Q[k]!, q);
      R[k * w + j] = r;
      for (let i = 0; i < n; i++) q[i] = q[i]! - r * Q[k]![i]!;
    }
    const norm = Math.sqrt(dot(q, q));
    if (!(norm > 1e-10 * norm0)) {
      q.fill(0);
      continue;
    }
    R[j * w + j] = norm;
    for (let i = 0; i < n; i++) q[i] = q[i]! / norm;
  }
  // I + R G R', factorised.
  const RG = new Float64Array(w * w);
  for (let i = 0; i < w; i++) for (let j = 0; j < w; j++) {
    let v = 0;
    for (let k = 0; k < w; k++) v += R[i * w + k]! * G[k * w + j]!;
    RG[i * w + j] = v;
  }
  const M = new Float64Array(w * w);
  for (let i = 0; i < w; i++) for (let j = 0; j <= i; j++) {
    let v = 0;
    for (let k = 0; k < w; k++) v += RG[i * w + k]! * R[j * w + k]!;
    M[i * w + j] = M[j * w + i] = v + (i === j ? 1 : 0);
  }
  const L = new Float64Array(w * w);
  if (tryCholeskyLower(M, w, L) >= 0) return null;
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += log(alpha[i]!);
  for (let j = 0; j < w; j++) logDet += 2 * log(L[j * w + j]!);
  const ur = new Float64Array(w);
  const lur = new Float64Array(w);
  return fromStandardNormal(mean, logDet, covariance, (u, out) => {
    for (let j = 0; j < w; j++) ur[j] = dot(Q[j]!, u);
    for (let a = 0; a < w; a++) {
      let v = 0;
      for (let k = 0; k <= a; k++) v += L[a * w + k]! * ur[k]!;
      lur[a] = v - ur[a]!;
    }
    // x = mean + sqrt(alpha) (Q (L - I) Q'u + u).
    for (let i = 0; i < n; i++) out[i] = u[i]!;
    for (let j = 0; j < w; j++) {
      const c = lur[j]!;
      const q = Q[j]!;
      for (let i = 0; i < n; i++) out[i] = out[i]! + c * q[i]!;
    }
    for (let i = 0; i < n; i++) out[i] = mean[i]! + sqrtAlpha[i]! * out[i]!;
  });
}
