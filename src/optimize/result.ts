// The answer in the user's terms: spend before and after, the KPI with 94%
// HDIs, the uplift draw by draw, ROI and marginal ROI per channel at the
// solution, which channels sit at a bound, and how the solver did.

import { intervalOf } from "../analysis/intervals.js";
import type { PeriodUnit } from "../model/cadence.js";
import type { Allocation, AllocationProblem } from "./allocate.js";
import { rhsAt } from "./spendConstraints.js";
import type { BudgetOptimization, ChannelStatus, ConstraintReport } from "./types.js";

export interface ReportContext {
  periods: number;
  periodUnit: PeriodUnit;
  carryOverFromHistory: boolean;
  seed: number;
  prices: Float64Array;
  historical: Float64Array;
}

function byChannel<T>(channels: string[], f: (c: number) => T): Record<string, T> {
  return Object.fromEntries(channels.map((name, c) => [name, f(c)]));
}

/** Total KPI per draw over the window at an allocation. */
function totalKpi(p: AllocationProblem, spend: Float64Array, perChannel?: Float64Array, grads?: Float64Array): Float64Array {
  const kpi = new Float64Array(p.response.draws);
  p.response.evaluateEven(spend, kpi, grads, perChannel);
  for (let k = 0; k < kpi.length; k++) kpi[k] += p.baseline[k];
  return kpi;
}

export function buildOptimizationResult(p: AllocationProblem, a: Allocation, ctx: ReportContext): BudgetOptimization {
  const { channels } = p;
  const C = channels.length;
  const n = p.response.draws;
  const before = totalKpi(p, a.start);
  const perChannel = new Float64Array(n * C);
  const grads = new Float64Array(n * C);
  const after = totalKpi(p, a.spend, perChannel, grads);
  const zeroPerChannel = new Float64Array(n * C);
  p.response.evaluateEven(new Float64Array(C), new Float64Array(n), undefined, zeroPerChannel);
  const column = (v: Float64Array, c: number) => Float64Array.from({ length: n }, (_, k) => v[k * C + c]);

  const budget = a.budget;
  const tol = 1e-9 * Math.max(budget, 1);
  const constraintReports: ConstraintReport[] = p.constraints.map((con, j) => {
    let lhs = 0;
    for (let c = 0; c < C; c++) lhs += con.coefficients[c] * a.spend[c];
    const rhs = rhsAt(con, budget);
    const slack = con.relation === "<=" ? rhs - lhs : con.relation === ">=" ? lhs - rhs : Math.abs(lhs - rhs);
    const active = con.relation === "==" || slack <= tol * (1 + Math.abs(rhs) / Math.max(budget, 1)) || a.constraintMultipliers[j] !== 0;
    return { formula: con.formula, slack: Math.max(0, slack), active };
  });
  const status = (c: number): ChannelStatus => {
    if (p.fixed[c]) return "fixed";
    if (a.spend[c] <= p.lower[c] + tol) return "lower";
    if (a.spend[c] >= p.upper[c] - tol) return "upper";
    if (p.constraints.some((con, j) => constraintReports[j].active && con.coefficients[c] !== 0)) return "constrained";
    return "free";
  };
  const diff = Float64Array.from(after, (v, k) => v - before[k]);
  return {
    objective: p.objective,
    ...(p.objective === "cvar" ? { alpha: p.alpha, cvar_of: p.cvarOf } : {}),
    budget,
    periods: ctx.periods,
    period_unit: ctx.periodUnit,
    evaluation_periods: p.response.window,
    carry_over_from_history: ctx.carryOverFromHistory,
    draws: n,
    seed: ctx.seed,
    channels,
    prices: byChannel(channels, (c) => ctx.prices[c]),
    historical_spend_per_period: byChannel(channels, (c) => ctx.historical[c]),
    bounds: byChannel(channels, (c) => ({ lower: p.lower[c], upper: p.upper[c] })),
    spend_before: byChannel(channels, (c) => a.start[c]),
    spend_after: byChannel(channels, (c) => a.spend[c]),
    kpi_before: intervalOf(before),
    kpi_after: intervalOf(after),
    uplift: intervalOf(diff),
    objective_before: a.objectiveStart,
    objective_after: a.objectiveEnd,
    roi: byChannel(channels, (c) => {
      if (!(a.spend[c] > 0)) return null;
      const incremental = column(perChannel, c).map((v, k) => (v - zeroPerChannel[k * C + c]) / a.spend[c]);
      return intervalOf(incremental);
    }),
    marginal_roi: byChannel(channels, (c) => intervalOf(column(grads, c))),
    marginal_objective: byChannel(channels, (c) => a.marginalObjective[c]),
    budget_multiplier: a.budgetMultiplier,
    budget_marginal_return: a.budgetMarginalReturn,
    channel_status: byChannel(channels, status),
    constraints: constraintReports,
    converged: a.converged,
    iterations: a.iterations,
    function_evaluations: a.evaluations,
    stationarity: a.stationarity,
    message: a.message,
  };
}
