// Strictly convex quadratic programs with linear constraints, by the dual
// active-set method of Goldfarb and Idnani (1983). It starts from the
// unconstrained minimum and adds violated constraints one at a time, so it
// needs no feasible starting point and proves infeasibility when it finds
// it. Systems are re-solved densely at each step (no factorisation updates):
// the problems here have a few dozen variables.

import { solveDense } from "./denseSolve.js";

/** One linear row: coefficients . x (= or <=) rhs. */
export interface LinearRow {
  coefficients: ArrayLike<number>;
  rhs: number;
}

/** A box (infinite entries allowed; lower == upper fixes a variable) plus linear rows. */
export interface LinearConstraints {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** coefficients . x = rhs */
  equalities: LinearRow[];
  /** coefficients . x <= rhs */
  inequalities: LinearRow[];
}

/**
 * Lagrange multipliers in the convention
 * grad q(x) = sum_i eq_i a_i - sum_j ineq_j g_j + lower - upper,
 * with ineq, lower, upper >= 0 (zero for inactive constraints).
 */
export interface Multipliers {
  equalities: Float64Array;
  inequalities: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

export type ConstraintRef =
  | { kind: "equality" | "inequality"; index: number }
  | { kind: "lower" | "upper" | "fixed"; index: number };

export interface QpResult {
  status: "optimal" | "infeasible" | "iteration-limit";
  x: Float64Array;
  multipliers: Multipliers;
  iterations: number;
  /** For "infeasible": the constraint that could not be added. */
  blocking?: ConstraintRef;
}

interface Row {
  /** Unit-norm normal of the constraint n . x >= b (equalities: n . x = b). */
  n: Float64Array;
  b: number;
  /** Original norm, to scale multipliers back. */
  norm: number;
  eq: boolean;
  ref: ConstraintRef;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function matVec(M: Float64Array, v: ArrayLike<number>, n: number, out = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += M[i * n + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** Inverse of a square matrix, or null when singular. */
export function invertDense(M: Float64Array, n: number): Float64Array | null {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = solveDense(M, e, n);
    if (!col) return null;
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
}

function buildRows(cons: LinearConstraints, n: number): Row[] {
  const rows: Row[] = [];
  const push = (coef: ArrayLike<number>, b: number, eq: boolean, ref: ConstraintRef) => {
    const norm = Math.sqrt(dot(coef, coef, n));
    // A row without coefficients is either always true or never: the caller checks.
    if (!(norm > 0)) return;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = coef[i] / norm;
    rows.push({ n: v, b: b / norm, norm, eq, ref });
  };
  const unit = (i: number, sign: number) => {
    const v = new Float64Array(n);
    v[i] = sign;
    return v;
  };
  cons.equalities.forEach((r, i) => push(r.coefficients, r.rhs, true, { kind: "equality", index: i }));
  for (let i = 0; i < n; i++) {
    const lo = cons.lower[i];
    const hi = cons.upper[i];
    if (lo === hi) push(unit(i, 1), lo, true, { kind: "fixed", index: i });
  }
  // Inequalities as n . x >= b.
  for (let i = 0; i < n; i++) {
    const lo = cons.lower[i];
    const hi = cons.upper[i];
    if (lo === hi) continue;
    if (Number.isFinite(lo)) push(unit(i, 1), lo, false, { kind: "lower", index: i });
    if (Number.isFinite(hi)) push(unit(i, -1), -hi, false, { kind: "upper", index: i });
  }
  cons.inequalities.forEach((r, i) => {
    const neg = Array.from({ length: n }, (_, j) => -r.coefficients[j]);
    push(neg, -r.rhs, false, { kind: "inequality", index: i });
  });
  return rows;
}

/** The multipliers of the active rows, in the caller's terms (per equality, inequality and bound). */
function multipliersOf(active: number[], sign: number[], u: number[], rows: Row[], cons: LinearConstraints, n: number): Multipliers {
  const m: Multipliers = {
    equalities: new Float64Array(cons.equalities.length),
    inequalities: new Float64Array(cons.inequalities.length),
    lower: new Float64Array(n),
    upper: new Float64Array(n),
  };
  active.forEach((j, a) => {
    const r = rows[j];
    const v = (sign[a] * u[a]) / r.norm;
    if (r.ref.kind === "equality") m.equalities[r.ref.index] = v;
    else if (r.ref.kind === "inequality") m.inequalities[r.ref.index] = v;
    else if (r.ref.kind === "lower") m.lower[r.ref.index] = v;
    else if (r.ref.kind === "upper") m.upper[r.ref.index] = v;
    else if (v >= 0) m.lower[r.ref.index] = v;
    else m.upper[r.ref.index] = -v;
  });
  return m;
}

/** The next constraint to add: equalities first, then the most violated inequality; -1 when none is violated. */
function nextConstraint(rows: Row[], done: Uint8Array, active: number[], x: Float64Array, n: number, tol: number): number {
  let p = -1;
  for (let j = 0; j < rows.length; j++) {
    if (rows[j].eq && !done[j]) {
      p = j;
      break;
    }
  }
  if (p < 0) {
    let worst = -tol;
    for (let j = 0; j < rows.length; j++) {
      if (rows[j].eq || active.includes(j)) continue;
      const s = dot(rows[j].n, x, n) - rows[j].b;
      if (s < worst) {
        worst = s;
        p = j;
      }
    }
  }
  return p;
}

/**
 * Minimises 0.5 x'Hx + c'x subject to the constraints, H symmetric positive
 * definite (n x n, row-major).
 */
export function solveQp(
  H: Float64Array,
  c: ArrayLike<number>,
  cons: LinearConstraints,
  options: { maxIterations?: number; tolerance?: number } = {},
): QpResult {
  const n = c.length;
  const rows = buildRows(cons, n);
  const Hinv = invertDense(H, n);
  if (!Hinv) throw new Error("solveQp: the Hessian is singular");
  const x = matVec(Hinv, c, n).map((v) => -v);
  let bScale = 0;
  for (const r of rows) bScale = Math.max(bScale, Math.abs(r.b));
  const tol = (options.tolerance ?? 1e-12) * (1 + bScale);
  const maxIterations = options.maxIterations ?? 50 * (n + rows.length) + 100;

  // Active set: row index, orientation (equalities may be flipped), multiplier.
  const active: number[] = [];
  const sign: number[] = [];
  let u: number[] = [];
  const done = new Uint8Array(rows.length); // equalities added or found redundant
  const hinvN = rows.map(() => null as Float64Array | null);
  const hinvOf = (j: number) => (hinvN[j] ??= matVec(Hinv, rows[j].n, n));
  let iterations = 0;

  const finish = (status: QpResult["status"], blocking?: ConstraintRef): QpResult => ({
    status,
    x,
    multipliers: multipliersOf(active, sign, u, rows, cons, n),
    iterations,
    blocking,
  });

  for (;;) {
    const p = nextConstraint(rows, done, active, x, n, tol);
    if (p < 0) return finish("optimal");
    const row = rows[p];
    const sp = row.eq && dot(row.n, x, n) - row.b > 0 ? -1 : 1;
    const np = row.n.map((v) => sp * v);
    const bp = sp * row.b;
    const hinvNp = matVec(Hinv, np, n);
    const uPlus = [...u, 0];
    for (;;) {
      if (++iterations > maxIterations) return finish("iteration-limit");
      const q = active.length;
      // z: step in the primal (in the null space of the active normals); r: change of their multipliers.
      const S = new Float64Array(q * q);
      const rhs = new Float64Array(q);
      for (let a = 0; a < q; a++) {
        const na = rows[active[a]].n;
        rhs[a] = sign[a] * dot(na, hinvNp, n);
        for (let b = 0; b < q; b++) S[a * q + b] = sign[a] * sign[b] * dot(na, hinvOf(active[b]), n);
      }
      const r = q > 0 ? solveDense(S, rhs, q) : new Float64Array(0);
      if (!r) throw new Error("solveQp: active constraints became dependent");
      const z = Float64Array.from(hinvNp);
      for (let a = 0; a < q; a++) {
        const h = hinvOf(active[a]);
        const f = r[a] * sign[a];
        for (let i = 0; i < n; i++) z[i] -= f * h[i];
      }
      let t1 = Infinity;
      let k = -1;
      for (let a = 0; a < q; a++) {
        if (rows[active[a]].eq || r[a] <= 0) continue;
        const ratio = uPlus[a] / r[a];
        if (ratio < t1) {
          t1 = ratio;
          k = a;
        }
      }
      const zn = dot(z, np, n);
      const s = dot(np, x, n) - bp;
      if (zn <= 1e-12 * dot(np, hinvNp, n)) {
        // n_p lies in the span of the active normals.
        if (row.eq && Math.abs(s) <= tol) {
          done[p] = 1; // a redundant equality
          break;
        }
        if (k < 0) return finish("infeasible", row.ref);
        for (let a = 0; a < q; a++) uPlus[a] -= t1 * r[a];
        uPlus[q] += t1;
        active.splice(k, 1);
        sign.splice(k, 1);
        uPlus.splice(k, 1);
        continue;
      }
      const t2 = -s / zn;
      const t = Math.min(t1, t2);
      for (let i = 0; i < n; i++) x[i] += t * z[i];
      for (let a = 0; a < q; a++) uPlus[a] -= t * r[a];
      uPlus[q] += t;
      if (t2 <= t1) {
        active.push(p);
        sign.push(sp);
        u = uPlus;
        if (row.eq) done[p] = 1;
        break;
      }
      active.splice(k, 1);
      sign.splice(k, 1);
      uPlus.splice(k, 1);
    }
  }
}
