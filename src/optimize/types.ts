// The budget optimizer's options and answer. The answer's keys are snake_case
// because it is also the JSON that `mmm optimize --out` writes.

import type { Interval } from "../analysis/intervals.js";
import type { PeriodUnit } from "../model/cadence.js";

/** A channel's bounds on its total spend over the plan: absolute amounts, or fractions of its historical level. */
export interface ChannelBoundInput {
  /** Lowest total spend over the plan (currency). */
  lower?: number;
  /** Highest total spend over the plan (currency). */
  upper?: number;
  /** Lower bound = (1 - lowerPct) x historical mean spend per period x periods (floored at 0). */
  lowerPct?: number;
  /** Upper bound = (1 + upperPct) x historical mean spend per period x periods. */
  upperPct?: number;
}

export interface OptimizeBudgetOptions {
  /** Total spend over the plan, all channels (currency). Required unless a target ROI or marginal ROI is given. */
  budget?: number;
  /** Planning periods N, after the end of the stored data (default 13: a quarter of weeks). */
  periods?: number;
  /** Cost per media unit, per channel (in channel order, or by name); default 1 (media columns are spend). */
  prices?: number[] | Record<string, number>;
  /** Default lower bound of every channel as a fraction below its historical level (default 0.2). */
  boundsLowerPct?: number;
  /** Default upper bound of every channel as a fraction above its historical level (default 0.2). */
  boundsUpperPct?: number;
  /** Per-channel bounds, overriding the defaults. */
  bounds?: Record<string, ChannelBoundInput>;
  /** Channels held at a given total spend over the plan (must lie within their bounds). */
  fixed?: Record<string, number>;
  /** Linear constraints over channel spends, e.g. "tv + radio <= 0.4 * budget". */
  constraints?: string[];
  /** What to maximise: the posterior-mean KPI (default) or its CVaR at alpha. */
  objective?: "mean" | "cvar";
  /** CVaR level: the mean of the worst alpha fraction of draws (default 0.1). */
  alpha?: number;
  /** What the CVaR is taken of: the KPI the plan adds (default) or the total KPI. */
  cvarOf?: "incremental" | "total";
  /** Use this many posterior draws (a seeded random subset); default all. */
  draws?: number;
  /** Seed of the draw subset (default: the fit's seed). */
  seed?: number;
  /** Let the stored rows' media carry over into the plan (default true). */
  carryOverFromHistory?: boolean;
  /** Count the KPI that the plan's spend produces after the plan: true = the carryover window (13 periods weekly), or a number of periods (default false). */
  countSpillover?: boolean | number;
  /** Extra features over the plan: one value per feature, or one row per period; default their mean over the last N stored periods. */
  extraFeatures?: number[] | number[][];
  /** Find the budget instead: the largest (or smallest) budget whose ROI meets this target. */
  targetRoi?: number;
  /** Find the budget instead: the largest (or smallest) budget whose marginal ROI meets this target. */
  targetMarginalRoi?: number;
  /** With a target: "largest" (default, Meridian's flexible budget) or "smallest" budget meeting it. */
  targetFind?: "largest" | "smallest";
  /** With a target: the budgets searched (default: from the sum of lower to the sum of upper bounds, capped at `budget` when one is given). */
  budgetRange?: [number, number];
  /** SQP iterations at most (default 200). */
  maxIterations?: number;
  /** Projected-gradient tolerance, relative to the largest marginal return at the start (default 1e-9). */
  tolerance?: number;
}

export type ChannelStatus = "free" | "lower" | "upper" | "fixed" | "constrained";

export interface ConstraintReport {
  formula: string;
  /** rhs - lhs for <=, lhs - rhs for >=, |lhs - rhs| for == (currency); 0 when active. */
  slack: number;
  active: boolean;
}

export interface TargetReport {
  metric: "roi" | "marginal_roi";
  target: number;
  find: "largest" | "smallest";
  /** The metric at the budget found. */
  achieved: number;
  budget_range: [number, number];
  bisection_steps: number;
  /** The target held (or failed) over the whole range, so the answer is an end of it. */
  at_range_end: boolean;
}

export interface BudgetOptimization {
  objective: "mean" | "cvar";
  alpha?: number;
  cvar_of?: "incremental" | "total";
  budget: number;
  periods: number;
  /** What one period of the data is, for messages: "week", "day", "month", or "period" where the data say nothing (plurals add "s"). */
  period_unit: PeriodUnit;
  /** Periods whose KPI counts: the plan plus any spill-over periods. */
  evaluation_periods: number;
  carry_over_from_history: boolean;
  draws: number;
  seed: number;
  channels: string[];
  prices: Record<string, number>;
  /** Historical mean spend per period (training rows). */
  historical_spend_per_period: Record<string, number>;
  bounds: Record<string, { lower: number; upper: number }>;
  /** The starting allocation: historical shares at this budget, made feasible. Totals over the plan. */
  spend_before: Record<string, number>;
  /** The optimised allocation. Totals over the plan; each period gets 1/periods of it. */
  spend_after: Record<string, number>;
  /** KPI summed over the evaluation periods (target units), posterior mean and 94% HDI. */
  kpi_before: Interval;
  kpi_after: Interval;
  /** kpi_after - kpi_before, draw by draw. */
  uplift: Interval;
  /** The objective itself (the posterior mean, or the CVaR), before and after. */
  objective_before: number;
  objective_after: number;
  /** Per channel at the solution: KPI the channel's plan spend adds per unit of spend (null at zero spend). */
  roi: Record<string, Interval | null>;
  /** Per channel at the solution: d KPI / d spend (posterior mean KPI). */
  marginal_roi: Record<string, Interval>;
  /** Per channel at the solution: d objective / d spend (equals marginal_roi's mean for the mean objective). */
  marginal_objective: Record<string, number>;
  /** KKT multiplier of the budget: the common marginal return (d objective / d spend) of the free channels. */
  budget_multiplier: number;
  /** d (optimal objective) / d budget; equals budget_multiplier unless a constraint's right side scales with the budget. */
  budget_marginal_return: number;
  channel_status: Record<string, ChannelStatus>;
  constraints: ConstraintReport[];
  converged: boolean;
  iterations: number;
  function_evaluations: number;
  /** Projected-gradient residual at the solution (solver units). */
  stationarity: number;
  message: string;
  target?: TargetReport;
}
