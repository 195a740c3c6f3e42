// The fixed-budget allocation: maximise the objective over channel totals
// within the bounds, with spend summing to the budget and the linear
// constraints holding. It scales the problem for the generic solver
// (variables in units of budget / C, objective so the largest marginal return
// at the start is 1), starts from the historical shares made feasible, and
// finishes with the budget and bounds restored to rounding.

import { InputError } from "../errors.js";
import { empiricalCvar, meanOverDraws, smoothedCvar } from "./drawObjective.js";
import type { SpendResponse } from "./mediaResponse.js";
import { minimizeSqp, projectFeasible, type SqpResult } from "./solver/sqp.js";
import type { LinearConstraints, LinearRow } from "./solver/quadraticProgram.js";
import { rhsAt, type SpendConstraint } from "./spendConstraints.js";

export interface AllocationProblem {
  channels: string[];
  response: SpendResponse;
  /** Per draw: KPI over the window that no spend changes. */
  baseline: Float64Array;
  /** Per draw: media KPI over the window with no plan spend (the stored rows' carry-over). */
  zeroMedia: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  fixed: boolean[];
  /** Historical spend per period, for the starting shares. */
  historical: Float64Array;
  constraints: SpendConstraint[];
  objective: "mean" | "cvar";
  alpha: number;
  cvarOf: "incremental" | "total";
  maxIterations: number;
  tolerance: number;
}

export interface Allocation {
  budget: number;
  start: Float64Array;
  spend: Float64Array;
  objectiveStart: number;
  objectiveEnd: number;
  /** d objective / d spend per channel at the solution. */
  marginalObjective: Float64Array;
  /** KKT multiplier of the budget: the common marginal return of the free channels. */
  budgetMultiplier: number;
  /** d (optimal objective) / d budget, including constraints whose right side scales with the budget. */
  budgetMarginalReturn: number;
  /** KKT multipliers of the linear constraints (objective per unit of constraint). */
  constraintMultipliers: Float64Array;
  converged: boolean;
  iterations: number;
  evaluations: number;
  stationarity: number;
  message: string;
}

/** Per-draw buffers, reused across the solver's many evaluations. */
const buffers = new WeakMap<AllocationProblem, { kpi: Float64Array; grads: Float64Array }>();

/** The objective (to maximise) at channel totals; grad receives its gradient per unit of spend. */
export function objectiveAt(p: AllocationProblem, spend: ArrayLike<number>, tau = 0, grad?: Float64Array, forSolver = false): number {
  const r = p.response;
  const C = r.channels;
  let b = buffers.get(p);
  if (!b) buffers.set(p, (b = { kpi: new Float64Array(r.draws), grads: new Float64Array(r.draws * C) }));
  const kpi = b.kpi;
  const grads = grad ? b.grads : undefined;
  r.evaluateEven(spend, kpi, grads);
  // The solver sees the media part alone: a large constant would drown its last digits.
  if (p.objective === "mean") return meanOverDraws(kpi, grads, C, grad) + (forSolver ? 0 : meanOverDraws(p.baseline, undefined, C));
  const shift = p.cvarOf === "incremental" ? p.zeroMedia : p.baseline;
  for (let k = 0; k < kpi.length; k++) kpi[k] += p.cvarOf === "incremental" ? -shift[k] : shift[k];
  return tau > 0 ? smoothedCvar(kpi, grads, C, p.alpha, tau, grad) : empiricalCvar(kpi, p.alpha);
}

function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** Historical shares of the budget left after the fixed channels. */
function startingShares(p: AllocationProblem, budget: number): Float64Array {
  const C = p.channels.length;
  const s = new Float64Array(C);
  let free = budget;
  let weight = 0;
  for (let c = 0; c < C; c++) {
    if (p.fixed[c]) {
      s[c] = p.lower[c];
      free -= s[c];
    } else weight += p.historical[c];
  }
  for (let c = 0; c < C; c++) if (!p.fixed[c]) s[c] = weight > 0 ? (free * p.historical[c]) / weight : free / C;
  return s;
}

/** Clips to the bounds and spreads any rounding residual of the budget over the channels with room. */
function restoreBudget(s: Float64Array, p: AllocationProblem, budget: number): void {
  const C = s.length;
  for (let pass = 0; pass < 3; pass++) {
    for (let c = 0; c < C; c++) s[c] = Math.min(p.upper[c], Math.max(p.lower[c], s[c]));
    const r = budget - sum(s);
    if (r === 0) return;
    // Channels strictly inside their bounds absorb it, so those at a bound stay exactly there.
    const inside = (c: number) => !p.fixed[c] && s[c] > p.lower[c] && s[c] < p.upper[c];
    const any = s.some((_, c) => inside(c));
    const room = Float64Array.from(s, (v, c) => (p.fixed[c] || (any && !inside(c)) ? 0 : r > 0 ? p.upper[c] - v : v - p.lower[c]));
    const total = sum(room);
    if (!(total > 0)) return;
    for (let c = 0; c < C; c++) s[c] += (r * room[c]) / total;
  }
  // Bounds hold exactly; the budget to rounding.
  for (let c = 0; c < C; c++) s[c] = Math.min(p.upper[c], Math.max(p.lower[c], s[c]));
}

export function allocate(p: AllocationProblem, budget: number): Allocation {
  const C = p.channels.length;
  const unit = budget / C;
  const cons: LinearConstraints = {
    lower: Float64Array.from(p.lower, (v) => v / unit),
    upper: Float64Array.from(p.upper, (v) => v / unit),
    equalities: [{ coefficients: new Float64Array(C).fill(1), rhs: budget / unit }],
    inequalities: [],
  };
  const rowIndex: { kind: "eq" | "ineq"; index: number; sign: number }[] = [];
  for (const con of p.constraints) {
    const rhs = rhsAt(con, budget) / unit;
    if (con.relation === "==") {
      rowIndex.push({ kind: "eq", index: cons.equalities.length, sign: 1 });
      cons.equalities.push({ coefficients: con.coefficients, rhs });
    } else {
      const sign = con.relation === "<=" ? 1 : -1;
      rowIndex.push({ kind: "ineq", index: cons.inequalities.length, sign });
      cons.inequalities.push({ coefficients: con.coefficients.map((v) => sign * v), rhs: sign * rhs } as LinearRow);
    }
  }
  const start0 = startingShares(p, budget);
  const projected = projectFeasible(Float64Array.from(start0, (v) => v / unit), cons);
  if (projected.status !== "optimal") {
    throw new InputError(`the constraints cannot all hold together with the bounds at budget ${budget}; loosen a constraint or the bounds`);
  }
  const start = Float64Array.from(projected.x, (v) => v * unit);
  restoreBudget(start, p, budget);

  // Objective scale: the largest marginal return at the start (over channels that can move).
  const g0 = new Float64Array(C);
  const sdStart = p.objective === "cvar" ? spreadOfDraws(p, start) : 0;
  objectiveAt(p, start, p.objective === "cvar" ? Math.max(sdStart, 1e-300) * 0.1 : 0, g0);
  let scale = 0;
  for (let c = 0; c < C; c++) if (!p.fixed[c]) scale = Math.max(scale, Math.abs(g0[c]) * unit);
  if (!(scale > 0 && Number.isFinite(scale))) scale = 1;

  const runStage = (tau: number, from: Float64Array, tolerance: number): SqpResult => {
    const spend = new Float64Array(C);
    const g = new Float64Array(C);
    const f = (y: Float64Array, gy: Float64Array) => {
      for (let c = 0; c < C; c++) spend[c] = y[c] * unit;
      const v = objectiveAt(p, spend, tau, g, true);
      for (let c = 0; c < C; c++) gy[c] = (-g[c] * unit) / scale;
      return -v / scale;
    };
    return minimizeSqp(f, Float64Array.from(from, (v) => v / unit), cons, { maxIterations: p.maxIterations, tolerance });
  };

  let result: SqpResult;
  let iterations = 0;
  let evaluations = 0;
  let tauEnd = 0;
  if (p.objective === "mean") {
    result = runStage(0, start, p.tolerance);
    iterations = result.iterations;
    evaluations = result.evaluations;
  } else {
    // Continuation in the smoothing temperature, each stage from the last answer.
    const base = sdStart > 0 ? sdStart : 1e-12 * (1 + Math.abs(objectiveAt(p, start)));
    let from = start;
    result = undefined as unknown as SqpResult;
    for (const factor of [1e-1, 1e-2, 1e-3]) {
      tauEnd = base * factor;
      result = runStage(tauEnd, from, p.tolerance);
      iterations += result.iterations;
      evaluations += result.evaluations;
      from = Float64Array.from(result.x, (v) => v * unit);
    }
  }
  const spend = Float64Array.from(result.x, (v) => v * unit);
  restoreBudget(spend, p, budget);
  const objectiveStart = objectiveAt(p, start);
  let objectiveEnd = objectiveAt(p, spend);
  let message = result.status === "converged" ? "the first-order (KKT) conditions hold" : `stopped: ${result.status}`;
  // Never hand back less than the start (rounding in the last step, or a stalled smoothed CVaR).
  if (objectiveEnd < objectiveStart) {
    spend.set(start);
    objectiveEnd = objectiveStart;
    message += "; the starting allocation was kept (no improvement found)";
  }
  const marginalObjective = new Float64Array(C);
  objectiveAt(p, spend, p.objective === "cvar" ? tauEnd : 0, marginalObjective);
  const toSpend = scale / unit;
  const constraintMultipliers = Float64Array.from(rowIndex, (r) =>
    r.kind === "eq" ? -result.multipliers.equalities[r.index] * toSpend : r.sign * result.multipliers.inequalities[r.index] * toSpend,
  );
  const budgetMultiplier = -result.multipliers.equalities[0] * toSpend;
  let budgetMarginalReturn = budgetMultiplier;
  p.constraints.forEach((con, j) => (budgetMarginalReturn += constraintMultipliers[j] * con.budgetCoefficient));
  return {
    budget,
    start,
    spend,
    objectiveStart,
    objectiveEnd,
    marginalObjective,
    budgetMultiplier,
    budgetMarginalReturn,
    constraintMultipliers,
    converged: result.converged,
    iterations,
    evaluations,
    stationarity: result.stationarity,
    message,
  };
}

/** Standard deviation over draws of the CVaR's variable at an allocation: the scale of the smoothing. */
function spreadOfDraws(p: AllocationProblem, spend: Float64Array): number {
  const r = p.response;
  const kpi = new Float64Array(r.draws);
  r.evaluateEven(spend, kpi);
  const shift = p.cvarOf === "incremental" ? p.zeroMedia.map((v) => -v) : p.baseline;
  let m = 0;
  for (let k = 0; k < kpi.length; k++) m += (kpi[k] += shift[k]) / kpi.length;
  let v = 0;
  for (let k = 0; k < kpi.length; k++) v += (kpi[k] - m) ** 2 / kpi.length;
  return Math.sqrt(v);
}
