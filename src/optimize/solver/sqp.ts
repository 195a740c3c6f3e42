// Minimises a smooth function over a polyhedron (box, linear equalities and
// inequalities), the problem SLSQP solves: each iteration minimises a
// quadratic model (damped-BFGS Hessian) over the exact constraints with the
// dual active-set QP, then backtracks along the step. Constraints are linear,
// so every iterate is feasible (the step is a segment between two feasible
// points). Convergence is the first-order (KKT) condition, measured by the
// projected-gradient residual ||P(x - g) - x||, zero exactly at KKT points.

import { solveQp, type ConstraintRef, type LinearConstraints, type Multipliers } from "./quadraticProgram.js";

/** Value at x; writes the gradient into grad. */
export type SmoothFunction = (x: Float64Array, grad: Float64Array) => number;

export interface SqpOptions {
  maxIterations?: number;
  /** Stop when the projected-gradient residual (infinity norm) is at most this. */
  tolerance?: number;
}

export interface SqpResult {
  status: "converged" | "iteration-limit" | "line-search-failed" | "infeasible";
  converged: boolean;
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  /** ||P(x - grad) - x||_inf at the returned point. */
  stationarity: number;
  /** KKT multipliers at x (see Multipliers). */
  multipliers: Multipliers;
  /** For "infeasible": a constraint the QP could not satisfy with the others. */
  blocking?: ConstraintRef;
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

function dotRow(a: ArrayLike<number>, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += a[i] * x[i];
  return s;
}

function clipToBox(x: Float64Array, cons: LinearConstraints): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(cons.upper[i], Math.max(cons.lower[i], x[i]));
}

/** Euclidean projection onto the feasible set. */
export function projectFeasible(point: ArrayLike<number>, cons: LinearConstraints) {
  const n = point.length;
  return solveQp(identity(n), Float64Array.from(point, (v) => -v), cons);
}

/** The projected-gradient residual and the KKT multipliers it implies. */
function stationarity(x: Float64Array, g: Float64Array, cons: LinearConstraints) {
  const n = x.length;
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) target[i] = x[i] - g[i];
  const p = projectFeasible(target, cons);
  let r = 0;
  for (let i = 0; i < n; i++) r = Math.max(r, Math.abs(p.x[i] - x[i]));
  // The projection's multipliers satisfy y - (x - g) = A'lambda; at y = x they are g's.
  return { residual: p.status === "optimal" ? r : Infinity, multipliers: p.multipliers };
}

/**
 * Backtracking line search from x along d (gd: the model slope along d): the
 * Armijo test, or near the optimum an approximate Wolfe test on the slope.
 */
function lineSearch(f: SmoothFunction, x: Float64Array, d: Float64Array, fx: number, gd: number, cons: LinearConstraints) {
  const n = x.length;
  let evaluations = 0;
  let alpha = 1;
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  let ft = NaN;
  let accepted = false;
  for (let tries = 0; tries < 60; tries++) {
    for (let i = 0; i < n; i++) xt[i] = x[i] + alpha * d[i];
    clipToBox(xt, cons);
    ft = f(xt, gt);
    evaluations++;
    if (Number.isFinite(ft) && ft <= fx + 1e-4 * alpha * gd) {
      accepted = true;
      break;
    }
    // Near the optimum the decrease drops below the rounding of f: then, as in Hager and
    // Zhang's approximate Wolfe test, trust the slope along d at the new point instead
    // (f no worse than rounding, and not past the minimum along d by much).
    let slope = 0;
    for (let i = 0; i < n; i++) slope += gt[i] * d[i];
    if (Number.isFinite(ft) && ft <= fx + 1e-12 * Math.abs(fx) && slope <= -0.8 * gd) {
      accepted = true;
      break;
    }
    // Safeguarded quadratic interpolation of the backtrack.
    const denom = 2 * (ft - fx - alpha * gd);
    const next = Number.isFinite(ft) && denom > 0 ? (-gd * alpha * alpha) / denom : 0.5 * alpha;
    alpha = Math.min(0.5 * alpha, Math.max(0.1 * alpha, next));
  }
  return { accepted, xt, gt, ft, evaluations };
}

/** Powell's damped BFGS update of B (row-major n x n) for step s and gradient change y: keeps B positive definite. */
function dampedBfgsUpdate(B: Float64Array, s: Float64Array, yv: Float64Array, sy: number): void {
  const n = s.length;
  const Bs = new Float64Array(n);
  let sBs = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += B[i * n + j] * s[j];
    Bs[i] = v;
    sBs += s[i] * v;
  }
  if (sBs > 0) {
    const theta = sy >= 0.2 * sBs ? 1 : (0.8 * sBs) / (sBs - sy);
    const r = new Float64Array(n);
    let sr = 0;
    for (let i = 0; i < n; i++) {
      r[i] = theta * yv[i] + (1 - theta) * Bs[i];
      sr += s[i] * r[i];
    }
    if (sr > 0) {
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) B[i * n + j] += (r[i] * r[j]) / sr - (Bs[i] * Bs[j]) / sBs;
    }
  }
}

export function minimizeSqp(f: SmoothFunction, x0: ArrayLike<number>, cons: LinearConstraints, options: SqpOptions = {}): SqpResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-9;
  const start = projectFeasible(x0, cons);
  const empty = { equalities: new Float64Array(0), inequalities: new Float64Array(0), lower: new Float64Array(n), upper: new Float64Array(n) };
  if (start.status !== "optimal") {
    return { status: "infeasible", converged: false, x: Float64Array.from(x0), value: NaN, gradient: new Float64Array(n), iterations: 0, evaluations: 0, stationarity: Infinity, multipliers: empty, blocking: start.blocking };
  }
  let x = start.x;
  clipToBox(x, cons);
  let g = new Float64Array(n);
  let fx = f(x, g);
  let evaluations = 1;
  let B = identity(n);
  let scaled = false;
  let iterations = 0;
  let status: SqpResult["status"] = "iteration-limit";
  let kkt = stationarity(x, g, cons);
  let stalls = 0;
  while (iterations < maxIterations) {
    if (kkt.residual <= tolerance) {
      status = "converged";
      break;
    }
    iterations++;
    // Quadratic model of the step d, over the constraints shifted to x. Solving for d
    // (not x + d) keeps its digits: near the optimum d is far smaller than x.
    const shifted: LinearConstraints = {
      lower: Float64Array.from(x, (v, i) => cons.lower[i] - v),
      upper: Float64Array.from(x, (v, i) => cons.upper[i] - v),
      // x satisfies the equalities (to rounding); the step keeps them.
      equalities: cons.equalities.map((r) => ({ coefficients: r.coefficients, rhs: 0 })),
      inequalities: cons.inequalities.map((r) => ({ coefficients: r.coefficients, rhs: r.rhs - dotRow(r.coefficients, x) })),
    };
    // On {A d = 0}, g and g - A'nu give the same step; with nu the current multipliers the
    // shifted gradient is small near the optimum, and so are the QP's intermediate values.
    const gs = Float64Array.from(g);
    cons.equalities.forEach((r, k) => {
      const nu = kkt.multipliers.equalities[k];
      for (let i = 0; i < n; i++) gs[i] -= nu * r.coefficients[i];
    });
    const qp = solveQp(B, gs, shifted);
    if (qp.status !== "optimal") {
      status = "line-search-failed";
      break;
    }
    const d = qp.x;
    let gd = 0;
    for (let i = 0; i < n; i++) gd += gs[i] * d[i];
    if (!(gd < 0)) {
      // No descent in the model (rounding, or a poor Hessian): restart it once.
      if (scaled) {
        B = identity(n);
        scaled = false;
        continue;
      }
      status = "line-search-failed";
      break;
    }
    const search = lineSearch(f, x, d, fx, gd, cons);
    evaluations += search.evaluations;
    const { accepted, xt, gt, ft } = search;
    if (!accepted) {
      status = "line-search-failed";
      break;
    }
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    let sy = 0;
    let yy = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      yv[i] = gt[i] - g[i];
      sy += s[i] * yv[i];
      yy += yv[i] * yv[i];
      ss += s[i] * s[i];
    }
    const decrease = fx - ft;
    x = Float64Array.from(xt);
    g = Float64Array.from(gt);
    fx = ft;
    if (ss > 0) {
      // Shanno-Phua scaling before the first update, then Powell's damped BFGS (keeps B positive definite).
      if (!scaled && sy > 0) {
        B = identity(n);
        for (let i = 0; i < n; i++) B[i * n + i] = yy / sy;
        scaled = true;
      }
      dampedBfgsUpdate(B, s, yv, sy);
    }
    kkt = stationarity(x, g, cons);
    // Guard against an endless crawl at the limit of float64.
    stalls = decrease <= 1e-15 * (1 + Math.abs(fx)) ? stalls + 1 : 0;
    if (stalls >= 5 && kkt.residual > tolerance) {
      status = "line-search-failed";
      break;
    }
  }
  if (kkt.residual <= tolerance) status = "converged";
  return { status, converged: status === "converged", x, value: fx, gradient: g, iterations, evaluations, stationarity: kkt.residual, multipliers: kkt.multipliers };
}
