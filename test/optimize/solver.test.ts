import { describe, expect, it } from "vitest";
import { solveQp, type LinearConstraints } from "../../src/optimize/solver/quadraticProgram.js";
import { minimizeSqp, projectFeasible } from "../../src/optimize/solver/sqp.js";
import { mulberry32, uniformIn } from "../helpers/random.js";

/** Independent oracle: projection onto box ∩ {sum x = b} by bisection on the multiplier. */
function projectBoxSum(p: number[], lo: number[], hi: number[], b: number): number[] {
  const at = (nu: number) => p.map((v, i) => Math.min(hi[i], Math.max(lo[i], v - nu)));
  const sum = (nu: number) => at(nu).reduce((a, v) => a + v, 0);
  let a = -1e6;
  let c = 1e6;
  for (let k = 0; k < 300; k++) {
    const m = 0.5 * (a + c);
    if (sum(m) > b) a = m;
    else c = m;
  }
  return at(0.5 * (a + c));
}

function box(n: number, lo: number, hi: number): LinearConstraints {
  return { lower: new Array(n).fill(lo), upper: new Array(n).fill(hi), equalities: [], inequalities: [] };
}

/** Checks the KKT conditions of min 0.5x'Hx + c'x at the QP's answer. */
function checkKkt(H: Float64Array, c: number[], cons: LinearConstraints, res: ReturnType<typeof solveQp>, tol = 1e-8) {
  const n = c.length;
  const { x, multipliers: m } = res;
  for (let i = 0; i < n; i++) {
    expect(x[i]).toBeGreaterThanOrEqual(cons.lower[i] - tol);
    expect(x[i]).toBeLessThanOrEqual(cons.upper[i] + tol);
    expect(m.lower[i]).toBeGreaterThanOrEqual(0);
    expect(m.upper[i]).toBeGreaterThanOrEqual(0);
    if (m.lower[i] > tol) expect(x[i]).toBeCloseTo(cons.lower[i], 7);
    if (m.upper[i] > tol) expect(x[i]).toBeCloseTo(cons.upper[i], 7);
  }
  const grad = c.map((ci, i) => ci + Array.from({ length: n }, (_, j) => H[i * n + j] * x[j]).reduce((a, b) => a + b, 0));
  const rhs = new Array(n).fill(0).map((_, i) => m.lower[i] - m.upper[i]);
  cons.equalities.forEach((r, k) => {
    const ax = Array.from({ length: n }, (_, i) => r.coefficients[i] * x[i]).reduce((a, b) => a + b, 0);
    expect(ax).toBeCloseTo(r.rhs, 8);
    for (let i = 0; i < n; i++) rhs[i] += m.equalities[k] * r.coefficients[i];
  });
  cons.inequalities.forEach((r, k) => {
    const ax = Array.from({ length: n }, (_, i) => r.coefficients[i] * x[i]).reduce((a, b) => a + b, 0);
    expect(ax).toBeLessThanOrEqual(r.rhs + tol);
    expect(m.inequalities[k]).toBeGreaterThanOrEqual(0);
    if (m.inequalities[k] > tol) expect(ax).toBeCloseTo(r.rhs, 7);
    for (let i = 0; i < n; i++) rhs[i] -= m.inequalities[k] * r.coefficients[i];
  });
  for (let i = 0; i < n; i++) expect(grad[i]).toBeCloseTo(rhs[i], 7);
}

describe("dual active-set QP (Goldfarb-Idnani)", () => {
  it("projects onto a box and a hyperplane exactly as bisection on the multiplier does", () => {
    const rand = mulberry32(5);
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + (trial % 9);
      const p = Array.from({ length: n }, () => uniformIn(rand, -2, 3));
      const lo = Array.from({ length: n }, () => uniformIn(rand, 0, 0.5));
      const hi = lo.map((l) => l + uniformIn(rand, 0.2, 2));
      const sLo = lo.reduce((a, b) => a + b, 0);
      const sHi = hi.reduce((a, b) => a + b, 0);
      const b = sLo + uniformIn(rand, 0.05, 0.95) * (sHi - sLo);
      const cons: LinearConstraints = { lower: lo, upper: hi, equalities: [{ coefficients: new Array(n).fill(1), rhs: b }], inequalities: [] };
      const res = projectFeasible(p, cons);
      expect(res.status).toBe("optimal");
      const want = projectBoxSum(p, lo, hi, b);
      for (let i = 0; i < n; i++) expect(res.x[i]).toBeCloseTo(want[i], 10);
    }
  });

  it("satisfies the KKT conditions on random problems with every kind of constraint", () => {
    const rand = mulberry32(17);
    let solved = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = 2 + (trial % 7);
      // Random SPD H = M'M + 0.1 I.
      const M = Array.from({ length: n * n }, () => uniformIn(rand, -1, 1));
      const H = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = i === j ? 0.1 : 0;
          for (let k = 0; k < n; k++) s += M[k * n + i] * M[k * n + j];
          H[i * n + j] = s;
        }
      const c = Array.from({ length: n }, () => uniformIn(rand, -3, 3));
      const x0 = Array.from({ length: n }, () => uniformIn(rand, 0.2, 0.8)); // a feasible point by construction
      const lower: number[] = new Array(n).fill(0);
      const upper = Array.from({ length: n }, (_, i) => (i === n - 1 ? Infinity : 1));
      if (trial % 5 === 0) lower[0] = upper[0] = x0[0]; // a fixed variable
      const cons: LinearConstraints = {
        lower,
        upper,
        equalities: [{ coefficients: new Array(n).fill(1), rhs: x0.reduce((a, b) => a + b, 0) }],
        inequalities: [0, 1].map(() => {
          const a = Array.from({ length: n }, () => uniformIn(rand, -1, 1));
          return { coefficients: a, rhs: a.reduce((s, v, i) => s + v * x0[i], 0) + uniformIn(rand, 0, 0.3) };
        }),
      };
      const res = solveQp(H, c, cons);
      expect(res.status).toBe("optimal");
      checkKkt(H, c, cons, res);
      solved++;
    }
    expect(solved).toBe(60);
  });

  it("reports infeasibility and the constraint that caused it", () => {
    const cons: LinearConstraints = { ...box(2, 0, 1), equalities: [{ coefficients: [1, 1], rhs: 3 }] };
    const res = solveQp(Float64Array.from([1, 0, 0, 1]), [0, 0], cons);
    expect(res.status).toBe("infeasible");
    const cons2: LinearConstraints = { ...box(3, 0, 10), equalities: [{ coefficients: [1, 1, 1], rhs: 6 }], inequalities: [{ coefficients: [1, 1, 1], rhs: 5 }] };
    const res2 = solveQp(Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), [0, 0, 0], cons2);
    expect(res2.status).toBe("infeasible");
    expect(res2.blocking?.kind).toBe("inequality");
  });

  it("keeps a redundant but consistent equality", () => {
    const cons: LinearConstraints = { ...box(2, 0, 5), equalities: [{ coefficients: [1, 1], rhs: 2 }, { coefficients: [2, 2], rhs: 4 }] };
    const res = solveQp(Float64Array.from([1, 0, 0, 1]), [-3, 0], cons);
    expect(res.status).toBe("optimal");
    expect(res.x[0]).toBeCloseTo(2, 10);
    expect(res.x[1]).toBeCloseTo(0, 10);
  });
});

describe("SQP over a polyhedron", () => {
  it("finds the water-filling optimum of a separable concave problem with a budget and a box", () => {
    // maximise sum_i w_i log(1 + x_i) s.t. sum x = B, 0 <= x <= u: x_i = clip(w_i / nu - 1, 0, u_i).
    const w = [3, 1, 2, 0.5, 4];
    const u = [1, 5, 5, 5, 5];
    const B = 4;
    const f = (x: Float64Array, g: Float64Array) => {
      let v = 0;
      for (let i = 0; i < x.length; i++) {
        v -= w[i] * Math.log(1 + x[i]);
        g[i] = -w[i] / (1 + x[i]);
      }
      return v;
    };
    const cons: LinearConstraints = { lower: new Array(5).fill(0), upper: u, equalities: [{ coefficients: new Array(5).fill(1), rhs: B }], inequalities: [] };
    const res = minimizeSqp(f, [B / 5, B / 5, B / 5, B / 5, B / 5], cons, { tolerance: 1e-11 });
    expect(res.converged).toBe(true);
    let lo = 1e-9;
    let hi = 100;
    const alloc = (nu: number) => w.map((wi, i) => Math.min(u[i], Math.max(0, wi / nu - 1)));
    for (let k = 0; k < 200; k++) {
      const m = 0.5 * (lo + hi);
      if (alloc(m).reduce((a, b) => a + b, 0) > B) lo = m;
      else hi = m;
    }
    const want = alloc(0.5 * (lo + hi));
    for (let i = 0; i < 5; i++) expect(res.x[i]).toBeCloseTo(want[i], 8);
    // The budget multiplier is the common marginal value of the free coordinates.
    expect(-res.multipliers.equalities[0]).toBeCloseTo(0.5 * (lo + hi), 7);
    expect(want[0]).toBe(1);
    expect(res.multipliers.upper[0]).toBeGreaterThan(0);
    expect(want[3]).toBe(0);
    expect(res.multipliers.lower[3]).toBeGreaterThan(0);
  });

  it("minimises the Rosenbrock function inside a box with an inequality", () => {
    const f = (x: Float64Array, g: Float64Array) => {
      const [a, b] = x;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    // Unconstrained minimum (1, 1) is cut off by a + b <= 1.5.
    const cons: LinearConstraints = { lower: [-2, -2], upper: [2, 2], equalities: [], inequalities: [{ coefficients: [1, 1], rhs: 1.5 }] };
    const res = minimizeSqp(f, [-1.2, 1], cons, { tolerance: 1e-10, maxIterations: 500 });
    expect(res.converged).toBe(true);
    expect(res.x[0] + res.x[1]).toBeCloseTo(1.5, 9);
    // Brute force along the active line a + b = 1.5.
    let best = Infinity;
    let bestA = 0;
    for (let a = 0; a <= 1.5; a += 1e-5) {
      const v = (1 - a) ** 2 + 100 * (1.5 - a - a * a) ** 2;
      if (v < best) {
        best = v;
        bestA = a;
      }
    }
    expect(res.x[0]).toBeCloseTo(bestA, 4);
    expect(res.value).toBeLessThanOrEqual(best + 1e-9);
  });

  it("says when the constraints cannot hold together", () => {
    const res = minimizeSqp((x, g) => (g.fill(0), 0), [0, 0], { lower: [0, 0], upper: [1, 1], equalities: [{ coefficients: [1, 1], rhs: 3 }], inequalities: [] });
    expect(res.status).toBe("infeasible");
    expect(res.converged).toBe(false);
  });
});
