// Target-efficiency mode (Meridian's flexible budget): instead of a budget,
// a target ROI or marginal ROI. The budget is found by bisection with the
// fixed-budget optimizer inside: the largest budget whose optimised ROI (or
// marginal ROI) is still at or above the target (spend while the next dollar
// pays), or the smallest budget that reaches it (S-shaped curves). The
// metrics are taken as monotone in the budget over the range; where they are
// not, bisection returns one crossing of the target.

import { InputError } from "../errors.js";
import { allocate, type Allocation, type AllocationProblem } from "./allocate.js";
import { checkBudget, formatAmount as fmt } from "./channelBounds.js";
import { checkConstraintsAgainstBounds } from "./spendConstraints.js";
import type { TargetReport } from "./types.js";

export interface TargetSpec {
  metric: "roi" | "marginal_roi";
  target: number;
  find: "largest" | "smallest";
  range?: [number, number];
}

/** Posterior-mean ROI of the plan's spend: KPI it adds over the window per unit of budget. */
export function planRoi(p: AllocationProblem, a: Allocation): number {
  const kpi = new Float64Array(p.response.draws);
  p.response.evaluateEven(a.spend, kpi);
  let s = 0;
  for (let k = 0; k < kpi.length; k++) s += kpi[k] - p.zeroMedia[k];
  return s / kpi.length / a.budget;
}

export function findTargetBudget(p: AllocationProblem, spec: TargetSpec): { allocation: Allocation; report: TargetReport } {
  if (!Number.isFinite(spec.target)) throw new InputError(`target ${spec.metric === "roi" ? "ROI" : "marginal ROI"} must be a number, got ${spec.target}`);
  const channels = p.channels;
  const sumLo = p.lower.reduce((a, v) => a + v, 0);
  const sumHi = p.upper.reduce((a, v) => a + v, 0);
  let [lo, hi] = spec.range ?? [sumLo, sumHi];
  if (!Number.isFinite(hi)) throw new InputError("an upper bound is infinite: give the budgets to search (budgetRange / --budget-range)");
  if (!(lo >= 0 && hi > lo)) throw new InputError(`budget range must be two amounts with 0 <= min < max, got [${lo}, ${hi}]`);
  lo = Math.max(lo, 1e-6 * hi); // ROI at a zero budget is undefined
  const bounds = { lower: p.lower, upper: p.upper, fixed: p.fixed };
  for (const b of [lo, hi]) {
    checkBudget(b, channels, bounds);
    checkConstraintsAgainstBounds(p.constraints, p.lower, p.upper, b);
  }
  const name = spec.metric === "roi" ? "ROI" : "marginal ROI";
  const solve = (b: number) => {
    const a = allocate(p, b);
    return { a, v: spec.metric === "roi" ? planRoi(p, a) : a.budgetMarginalReturn };
  };
  let atLo = solve(lo);
  let atHi = solve(hi);
  const ok = (v: number) => v >= spec.target;
  const report = (r: { a: Allocation; v: number }, steps: number, atEnd: boolean) => ({
    allocation: r.a,
    report: { metric: spec.metric, target: spec.target, find: spec.find, achieved: r.v, budget_range: [lo, hi] as [number, number], bisection_steps: steps, at_range_end: atEnd },
  });
  if (spec.find === "largest") {
    if (ok(atHi.v)) return report(atHi, 0, true);
    if (!ok(atLo.v)) {
      throw new InputError(`no budget in [${fmt(lo)}, ${fmt(hi)}] reaches the target ${name} ${spec.target}: even the smallest gives ${fmt(atLo.v)} (short by ${fmt(spec.target - atLo.v)}); lower the target or widen the bounds`);
    }
  } else {
    if (ok(atLo.v)) return report(atLo, 0, true);
    if (!ok(atHi.v)) {
      throw new InputError(`no budget in [${fmt(lo)}, ${fmt(hi)}] reaches the target ${name} ${spec.target}: even the largest gives ${fmt(atHi.v)} (short by ${fmt(spec.target - atHi.v)}); lower the target or widen the bounds`);
    }
  }
  let steps = 0;
  while (atHi.a.budget - atLo.a.budget > 1e-6 * atHi.a.budget && steps < 60) {
    steps++;
    const mid = solve(0.5 * (atLo.a.budget + atHi.a.budget));
    // Keep the end that meets the target on its side of the crossing.
    if (ok(mid.v) === (spec.find === "largest")) atLo = mid;
    else atHi = mid;
  }
  return report(spec.find === "largest" ? atLo : atHi, steps, false);
}
