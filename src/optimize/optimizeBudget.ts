// Where the next marketing dollar should go: reads and checks the options,
// sets up the planning window and the draws' media response, then runs the
// fixed-budget optimizer or the target-efficiency search. Defaults and
// choices are documented in README.md ("The budget optimizer").

import type { FitRecord } from "../fit/record.js";
import { periodUnitOf, type PeriodUnit } from "../model/cadence.js";
import { InputError } from "../errors.js";
import { allocate, type AllocationProblem } from "./allocate.js";
import { checkBudget, resolveBounds, resolvePrices } from "./channelBounds.js";
import { MediaResponse, type SpendResponse } from "./mediaResponse.js";
import { baselinePerDraw, historicalSpendPerPeriod, selectDraws, windowExtra } from "./planningWindow.js";
import { buildOptimizationResult } from "./result.js";
import { checkConstraintsAgainstBounds, parseSpendConstraints } from "./spendConstraints.js";
import { findTargetBudget } from "./targetBudget.js";
import type { BudgetOptimization, OptimizeBudgetOptions } from "./types.js";

/** LightweightMMM requires n_time_periods; a quarter of weeks is the usual planning horizon. */
export const DEFAULT_PERIODS = 13;

export const KNOWN_OPTIONS = new Set([
  "budget", "periods", "prices", "boundsLowerPct", "boundsUpperPct", "bounds", "fixed", "constraints", "objective", "alpha",
  "cvarOf", "draws", "seed", "carryOverFromHistory", "countSpillover", "extraFeatures", "targetRoi", "targetMarginalRoi",
  "targetFind", "budgetRange", "maxIterations", "tolerance",
]);

function positiveInteger(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new InputError(`${what} must be a positive integer, got ${v}`);
  return v;
}

/** The options every plan shares, checked. */
export interface PlanOptions {
  periods: number;
  objective: "mean" | "cvar";
  alpha: number;
  cvarOf: "incremental" | "total";
  seed: number;
  spill: number;
  maxIterations: number;
  tolerance: number;
  hasTarget: boolean;
  find: "largest" | "smallest";
  carryOverFromHistory: boolean;
}

/** Checks the options that do not depend on the channels (unknown keys, ranges). */
export function readPlanOptions(o: OptimizeBudgetOptions, known: Set<string>, defaultSeed: number, carryoverLags: number): PlanOptions {
  for (const k of Object.keys(o)) {
    if (!known.has(k)) throw new InputError(`unknown budget optimizer option "${k}"; known: ${[...known].join(", ")}`);
  }
  const periods = positiveInteger(o.periods ?? DEFAULT_PERIODS, "periods");
  const objective = o.objective ?? "mean";
  if (objective !== "mean" && objective !== "cvar") throw new InputError(`objective must be "mean" or "cvar", got "${objective}"`);
  const alpha = o.alpha ?? 0.1;
  if (!(alpha > 0 && alpha <= 1)) throw new InputError(`alpha must lie in (0, 1], got ${alpha}`);
  const cvarOf = o.cvarOf ?? "incremental";
  if (cvarOf !== "incremental" && cvarOf !== "total") throw new InputError(`cvarOf must be "incremental" or "total", got "${cvarOf}"`);
  const seed = o.seed ?? defaultSeed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`seed must be a non-negative integer, got ${seed}`);
  const spill = o.countSpillover === true ? carryoverLags : o.countSpillover === false || o.countSpillover === undefined ? 0 : o.countSpillover;
  if (!Number.isInteger(spill) || spill < 0) throw new InputError(`countSpillover must be true, false or a number of periods, got ${o.countSpillover}`);
  const maxIterations = positiveInteger(o.maxIterations ?? 200, "maxIterations");
  const tolerance = o.tolerance ?? 1e-9;
  if (!(tolerance > 0)) throw new InputError(`tolerance must be positive, got ${tolerance}`);
  const hasTarget = o.targetRoi !== undefined || o.targetMarginalRoi !== undefined;
  if (o.targetRoi !== undefined && o.targetMarginalRoi !== undefined) throw new InputError("give a target ROI or a target marginal ROI, not both");
  if (!hasTarget && o.budget === undefined) throw new InputError("give a budget (or a target ROI / marginal ROI to find one)");
  const find = o.targetFind ?? "largest";
  if (find !== "largest" && find !== "smallest") throw new InputError(`targetFind must be "largest" or "smallest", got "${find}"`);
  const carryOverFromHistory = o.carryOverFromHistory ?? true;
  return { periods, objective, alpha, cvarOf, seed, spill, maxIterations, tolerance, hasTarget, find, carryOverFromHistory };
}

/** The decision variables of a plan and how the model responds to them. */
export interface PlanSetup {
  /** Names of the decision variables (channels, or channel-geo pairs). */
  channels: string[];
  /** Cost per media unit of each decision variable. */
  prices: Float64Array;
  /** Historical spend per period of each decision variable (training rows). */
  historical: Float64Array;
  /** Posterior draws in the fit (all chains). */
  totalDraws: number;
  /** What one period of the data is ("week"; periodUnitOf). */
  periodUnit: PeriodUnit;
  /** The media response over the window for these draws. */
  response(drawIndices: number[], spill: number, carryOverFromHistory: boolean): SpendResponse;
  /** Per draw, the KPI over the window that no spend in it changes. */
  baseline(drawIndices: number[], window: number): Float64Array;
}

/** Bounds, constraints and the solve (or the target search) for any plan setup. */
export async function solvePlan(o: OptimizeBudgetOptions, opts: PlanOptions, setup: PlanSetup): Promise<BudgetOptimization> {
  const { channels, prices, historical } = setup;
  const { periods, hasTarget, seed, spill, carryOverFromHistory } = opts;
  const bounds = resolveBounds(channels, historical, periods, o);
  const constraints = await parseSpendConstraints(o.constraints ?? [], channels);
  if (!hasTarget) {
    checkBudget(o.budget!, channels, bounds);
    checkConstraintsAgainstBounds(constraints, bounds.lower, bounds.upper, o.budget!);
  }
  const drawIndices = selectDraws(setup.totalDraws, o.draws, seed);
  const window = periods + spill;
  const baseline = setup.baseline(drawIndices, window);
  const response = setup.response(drawIndices, spill, carryOverFromHistory);
  const zeroMedia = new Float64Array(response.draws);
  response.evaluateEven(new Float64Array(channels.length), zeroMedia);
  const problem: AllocationProblem = {
    channels,
    response,
    baseline,
    zeroMedia,
    lower: bounds.lower,
    upper: bounds.upper,
    fixed: bounds.fixed,
    historical,
    constraints,
    objective: opts.objective,
    alpha: opts.alpha,
    cvarOf: opts.cvarOf,
    maxIterations: opts.maxIterations,
    tolerance: opts.tolerance,
  };
  const ctx = { periods, periodUnit: setup.periodUnit, carryOverFromHistory, seed, prices, historical };
  if (hasTarget) {
    const { allocation, report } = findTargetBudget(problem, {
      metric: o.targetRoi !== undefined ? "roi" : "marginal_roi",
      target: (o.targetRoi ?? o.targetMarginalRoi)!,
      find: opts.find,
      // A budget given with a target caps the search: spend at most that much.
      range: o.budgetRange ?? (o.budget !== undefined ? [bounds.lower.reduce((a, v) => a + v, 0), Math.min(o.budget, bounds.upper.reduce((a, v) => a + v, 0))] : undefined),
    });
    return { ...buildOptimizationResult(problem, allocation, ctx), target: report };
  }
  return buildOptimizationResult(problem, allocate(problem, o.budget!), ctx);
}

export async function optimizeBudget(record: FitRecord, o: OptimizeBudgetOptions = {}): Promise<BudgetOptimization> {
  const opts = readPlanOptions(o, KNOWN_OPTIONS, record.config.sampler.seed, record.structure.carryoverLags);
  const channels = record.dataset.channelNames;
  const prices = resolvePrices(o.prices, channels);
  return solvePlan(o, opts, {
    channels,
    prices,
    historical: historicalSpendPerPeriod(record, prices),
    totalDraws: record.chains.reduce((a, c) => a + c.numDraws, 0),
    periodUnit: periodUnitOf(record),
    response: (drawIndices, spill, carryOverFromHistory) =>
      new MediaResponse({ record, drawIndices, periods: opts.periods, spilloverPeriods: spill, carryOverFromHistory, prices }),
    baseline: (drawIndices, window) => baselinePerDraw(record, drawIndices, window, windowExtra(record, opts.periods, window, o.extraFeatures)),
  });
}
