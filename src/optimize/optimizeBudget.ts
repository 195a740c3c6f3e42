// Where the next marketing dollar should go: reads and checks the options,
// sets up the planning window and the draws' media response, then runs the
// fixed-budget optimizer or the target-efficiency search. Defaults and
// choices are documented in README.md ("The budget optimizer").

import type { FitRecord } from "../api/fittedMMM.js";
import { InputError } from "../errors.js";
import { allocate, type AllocationProblem } from "./allocate.js";
import { checkBudget, resolveBounds, resolvePrices } from "./channelBounds.js";
import { MediaResponse } from "./mediaResponse.js";
import { baselinePerDraw, historicalSpendPerPeriod, selectDraws, windowExtra } from "./planningWindow.js";
import { buildOptimizationResult } from "./result.js";
import { checkConstraintsAgainstBounds, parseSpendConstraints } from "./spendConstraints.js";
import { findTargetBudget } from "./targetBudget.js";
import type { BudgetOptimization, OptimizeBudgetOptions } from "./types.js";

/** LightweightMMM requires n_time_periods; a quarter of weeks is the usual planning horizon. */
export const DEFAULT_PERIODS = 13;

const KNOWN_OPTIONS = new Set([
  "budget", "periods", "prices", "boundsLowerPct", "boundsUpperPct", "bounds", "fixed", "constraints", "objective", "alpha",
  "cvarOf", "draws", "seed", "carryOverFromHistory", "countSpillover", "extraFeatures", "targetRoi", "targetMarginalRoi",
  "targetFind", "budgetRange", "maxIterations", "tolerance",
]);

function positiveInteger(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new InputError(`${what} must be a positive integer, got ${v}`);
  return v;
}

export async function optimizeBudget(record: FitRecord, o: OptimizeBudgetOptions = {}): Promise<BudgetOptimization> {
  for (const k of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(k)) throw new InputError(`unknown budget optimizer option "${k}"; known: ${[...KNOWN_OPTIONS].join(", ")}`);
  }
  const channels = record.dataset.channelNames;
  const periods = positiveInteger(o.periods ?? DEFAULT_PERIODS, "periods");
  const objective = o.objective ?? "mean";
  if (objective !== "mean" && objective !== "cvar") throw new InputError(`objective must be "mean" or "cvar", got "${objective}"`);
  const alpha = o.alpha ?? 0.1;
  if (!(alpha > 0 && alpha <= 1)) throw new InputError(`alpha must lie in (0, 1], got ${alpha}`);
  const cvarOf = o.cvarOf ?? "incremental";
  if (cvarOf !== "incremental" && cvarOf !== "total") throw new InputError(`cvarOf must be "incremental" or "total", got "${cvarOf}"`);
  const seed = o.seed ?? record.config.sampler.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`seed must be a non-negative integer, got ${seed}`);
  const spill = o.countSpillover === true ? record.structure.carryoverLags : o.countSpillover === false || o.countSpillover === undefined ? 0 : o.countSpillover;
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

  const prices = resolvePrices(o.prices, channels);
  const historical = historicalSpendPerPeriod(record, prices);
  const bounds = resolveBounds(channels, historical, periods, o);
  const constraints = await parseSpendConstraints(o.constraints ?? [], channels);
  if (!hasTarget) {
    checkBudget(o.budget!, channels, bounds);
    checkConstraintsAgainstBounds(constraints, bounds.lower, bounds.upper, o.budget!);
  }

  const total = record.chains.reduce((a, c) => a + c.numDraws, 0);
  const drawIndices = selectDraws(total, o.draws, seed);
  const window = periods + spill;
  const extra = windowExtra(record, periods, window, o.extraFeatures);
  const response = new MediaResponse({ record, drawIndices, periods, spilloverPeriods: spill, carryOverFromHistory, prices });
  const zeroMedia = new Float64Array(response.draws);
  response.evaluateEven(new Float64Array(channels.length), zeroMedia);
  const problem: AllocationProblem = {
    channels,
    response,
    baseline: baselinePerDraw(record, drawIndices, window, extra),
    zeroMedia,
    lower: bounds.lower,
    upper: bounds.upper,
    fixed: bounds.fixed,
    historical,
    constraints,
    objective,
    alpha,
    cvarOf,
    maxIterations,
    tolerance,
  };
  const ctx = { periods, carryOverFromHistory, seed, prices, historical };
  if (hasTarget) {
    const { allocation, report } = findTargetBudget(problem, {
      metric: o.targetRoi !== undefined ? "roi" : "marginal_roi",
      target: (o.targetRoi ?? o.targetMarginalRoi)!,
      find,
      // A budget given with a target caps the search: spend at most that much.
      range: o.budgetRange ?? (o.budget !== undefined ? [bounds.lower.reduce((a, v) => a + v, 0), Math.min(o.budget, bounds.upper.reduce((a, v) => a + v, 0))] : undefined),
    });
    return { ...buildOptimizationResult(problem, allocation, ctx), target: report };
  }
  return buildOptimizationResult(problem, allocate(problem, o.budget!), ctx);
}
