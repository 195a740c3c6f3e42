// L-BFGS ascent of a log-density, keeping every iterate and its gradient:
// Pathfinder (Zhang, Carpenter, Gelman & Vehtari 2022) builds a normal
// approximation at each of them. A strong-Wolfe line search (bisection and
// doubling) gives the curvature condition of the steps it accepts.

import type { LogDensity } from "../../density/types.js";

export interface LbfgsOptions {
  /** Correction pairs kept (Stan's history_size; 6 here by default). */
  history?: number;
  /** Iterations at most (Stan's default 1000). */
  maxIterations?: number;
  /** Stop when the relative change of the log-density falls below this (Stan's tol_rel_obj 1e4 x machine epsilon). */
  relativeTolerance?: number;
  /** Stop when every gradient component is below this in magnitude (Stan's tol_grad). */
  gradientTolerance?: number;
  /** Stop when the step's length falls below this (Stan's tol_param). */
  parameterTolerance?: number;
  /** Stop when g'Hg / max(|logp|, 1) falls below this (Stan's tol_rel_grad, 1e7 x machine epsilon). */
  relativeGradientTolerance?: number;
}

export interface LbfgsTrajectory {
  /** Iterates x_0..x_L (x_0 the start) and their log-densities and gradients. */
  positions: Float64Array[];
  logps: number[];
  gradients: Float64Array[];
  /** Why the ascent stopped ("converged: ...", "iteration limit", or "line search failed: ..."). */
  stop: string;
  /** True when the ascent stopped because it could not find an acceptable step. */
  stalled: boolean;
}

const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_STEPS = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Ascends `density` from `start` (which must have a finite log-density and
 * gradient, given in `logp0` and `grad0`).
 */
export function lbfgsAscent(
  density: LogDensity,
  start: Float64Array,
  logp0: number,
  grad0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsTrajectory {
  const n = density.dim;
  const history = options.history ?? 6;
  const maxIterations = options.maxIterations ?? 1000;
  const relTol = options.relativeTolerance ?? 1e4 * 2.220446049250313e-16;
  const gradTol = options.gradientTolerance ?? 1e-8;
  const paramTol = options.parameterTolerance ?? 1e-8;
  const relGradTol = options.relativeGradientTolerance ?? 1e7 * 2.220446049250313e-16;
  const positions: Float64Array[] = [Float64Array.from(start)];
  const logps = [logp0];
  const gradients: Float64Array[] = [Float64Array.from(grad0)];
  // Correction pairs of f = -logp: s = x_{k+1} - x_k, y = grad f_{k+1} - grad f_k = g_k - g_{k+1}.
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const direction = new Float64Array(n);
  const alphaBuf = new Float64Array(history);
  let x: Float64Array = positions[0]!;
  let f = logp0;
  let g: Float64Array = gradients[0]!;
  for (let it = 0; it < maxIterations; it++) {
    twoLoop(g, S, Y, direction, alphaBuf);
    const slope0 = dot(g, direction);
    if (!(slope0 > 0)) return { positions, logps, gradients, stop: "line search failed: not an ascent direction", stalled: true };
    // slope0 = g'Hg: the gradient measured in the inverse Hessian's scale.
    if (positions.length > 1 && slope0 / Math.max(Math.abs(f), 1) < relGradTol) {
      return { positions, logps, gradients, stop: "converged: relative gradient", stalled: false };
    }
    // The first step has no curvature information: keep it within unit length.
    const norm = Math.sqrt(dot(direction, direction));
    const { next, reason } = lineSearch(density, x, f, direction, slope0, S.length ? 1 : Math.min(1, 1 / norm));
    if (!next) return { positions, logps, gradients, stop: `line search failed: ${reason} after ${MAX_LINE_STEPS} trial steps`, stalled: true };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = next.x[i]! - x[i]!;
      y[i] = g[i]! - next.g[i]!;
    }
    const sy = dot(s, y);
    // Only pairs with positive curvature keep the inverse Hessian positive definite.
    if (sy > 2.220446049250313e-16 * dot(y, y)) {
      S.push(s);
      Y.push(y);
      if (S.length > history) {
        S.shift();
        Y.shift();
      }
    }
    const fPrev = f;
    x = next.x;
    f = next.f;
    g = next.g;
    positions.push(x);
    logps.push(f);
    gradients.push(g);
    if (Math.abs(f - fPrev) <= relTol * Math.max(Math.abs(f), Math.abs(fPrev), 1)) {
      return { positions, logps, gradients, stop: "converged: relative change of the log density", stalled: false };
    }
    let gmax = 0;
    for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(g[i]!));
    if (gmax < gradTol) return { positions, logps, gradients, stop: "converged: gradient", stalled: false };
    if (Math.sqrt(dot(s, s)) < paramTol) return { positions, logps, gradients, stop: "converged: step length", stalled: false };
  }
  return { positions, logps, gradients, stop: "iteration limit", stalled: false };
}

/** Two-loop recursion: writes H g into `direction` (an ascent direction for g = grad logp). */
function twoLoop(g: Float64Array, S: Float64Array[], Y: Float64Array[], direction: Float64Array, alphaBuf: Float64Array): void {
  const n = g.length;
  direction.set(g);
  for (let j = S.length - 1; j >= 0; j--) {
    const a = dot(S[j]!, direction) / dot(S[j]!, Y[j]!);
    alphaBuf[j] = a;
    for (let i = 0; i < n; i++) direction[i] = direction[i]! - a * Y[j]![i]!;
  }
  if (S.length) {
    const last = S.length - 1;
    const scale = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
    for (let i = 0; i < n; i++) direction[i] = direction[i]! * scale;
  }
  for (let j = 0; j < S.length; j++) {
    const b = dot(Y[j]!, direction) / dot(S[j]!, Y[j]!);
    for (let i = 0; i < n; i++) direction[i] = direction[i]! + (alphaBuf[j]! - b) * S[j]![i]!;
  }
}

interface LinePoint {
  x: Float64Array;
  f: number;
  g: Float64Array;
}

/**
 * Strong-Wolfe step along `direction` by bisection and doubling; a trial
 * point with a non-finite density or gradient counts as too long a step.
 * Falls back to the last point with sufficient increase; null with the
 * reason when there was none.
 */
function lineSearch(density: LogDensity, x: Float64Array, f: number, direction: Float64Array, slope0: number, firstStep: number): { next: LinePoint | null; reason: string } {
  const n = x.length;
  let step = firstStep;
  let lo = 0;
  let hi = Infinity;
  let armijoOnly: LinePoint | null = null;
  let lastReason = "";
  for (let k = 0; k < MAX_LINE_STEPS; k++) {
    const xt = new Float64Array(n);
    for (let i = 0; i < n; i++) xt[i] = x[i]! + step * direction[i]!;
    const gt = new Float64Array(n);
    const ft = density.logpGrad(xt, gt);
    const finite = Number.isFinite(ft) && gt.every(Number.isFinite);
    if (!finite || ft < f + C1 * step * slope0) {
      lastReason = finite ? "no sufficient increase" : "non-finite log density or gradient";
      hi = step;
      step = 0.5 * (lo + hi);
      continue;
    }
    armijoOnly = { x: xt, f: ft, g: gt };
    const slope = dot(gt, direction);
    if (slope > C2 * slope0) {
      lo = step;
      step = hi === Infinity ? 2 * lo : 0.5 * (lo + hi);
      continue;
    }
    // Strong Wolfe: far past the maximum along the line is no better than short of it.
    if (slope < -C2 * slope0) {
      hi = step;
      step = 0.5 * (lo + hi);
      continue;
    }
    return { next: armijoOnly, reason: "" };
  }
  return { next: armijoOnly, reason: lastReason };
}
