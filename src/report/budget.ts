// The report's bridge to the budget optimizer. The optimizer lives in
// src/optimize/ and is reached only through `fit.optimizeBudget({budget})` at
// run time, so the report works (and says so) before and after it exists.
// Its answer is read leniently into a BudgetAllocation: spend before and after
// per channel, KPI before and after (numbers or intervals).

import { panelOf } from "../analysis/panel.js";
import type { ReportFit } from "./data.js";
import type { BudgetAllocation, KpiInterval } from "./plots.js";

export type OptimizerOutcome =
  | { status: "ok"; budget: number; allocation: BudgetAllocation; result: unknown }
  | { status: "unavailable"; budget: number; message: string }
  | { status: "failed"; budget: number; message: string };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function pick(o: Obj, ...paths: string[]): unknown {
  for (const p of paths) {
    let v: unknown = o;
    for (const k of p.split(".")) v = isObj(v) ? v[k] : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

function numbers(v: unknown): number[] | undefined {
  if (v instanceof Float64Array || v instanceof Float32Array) return Array.from(v);
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v as number[];
  return undefined;
}

function kpi(v: unknown): number | KpiInterval | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (isObj(v) && typeof v.mean === "number") return v as unknown as KpiInterval;
  return undefined;
}

/**
 * Reads an optimizer result (or any plain object) as a BudgetAllocation.
 * Accepts {channels, spendBefore, spendAfter, kpiBefore, kpiAfter} and the
 * usual variants: snake_case names (the optimizer's own JSON: spend_before
 * keyed by channel, kpi_before / kpi_after / uplift as intervals),
 * {before: {spend, kpi}, after: {...}}, or per-channel rows
 * [{channel, spendBefore, spendAfter}].
 */
export function toBudgetAllocation(result: unknown, channelNames?: string[]): BudgetAllocation {
  if (!isObj(result)) throw new TypeError("budget allocation: expected an object");
  let channels: string[] | undefined;
  const rawChannels = pick(result, "channels", "channelNames");
  let rows: Obj[] | undefined;
  if (Array.isArray(rawChannels) && rawChannels.every((c) => typeof c === "string")) channels = rawChannels as string[];
  else if (Array.isArray(rawChannels) && rawChannels.every(isObj)) {
    rows = rawChannels as Obj[];
    channels = rows.map((r, i) => String(pick(r, "channel", "name") ?? channelNames?.[i] ?? `channel ${i + 1}`));
  }
  channels ??= channelNames;
  // A spend per channel: an array in channel order, or an object keyed by channel name.
  const spends = (v: unknown): number[] | undefined => {
    const arr = numbers(v);
    if (arr) return arr;
    if (isObj(v) && channels) {
      const vals = channels.map((c) => v[c]);
      return vals.every((x) => typeof x === "number") ? (vals as number[]) : undefined;
    }
    return undefined;
  };
  let spendBefore = spends(pick(result, "spendBefore", "spend_before", "before.spend", "current.spend", "initialSpend", "currentSpend"));
  let spendAfter = spends(pick(result, "spendAfter", "spend_after", "after.spend", "optimal.spend", "optimised.spend", "optimized.spend", "optimalSpend"));
  if (rows) {
    spendBefore ??= numbers(rows.map((r) => pick(r, "spendBefore", "spend_before", "before", "current")));
    spendAfter ??= numbers(rows.map((r) => pick(r, "spendAfter", "spend_after", "after", "optimal", "optimised", "optimized")));
  }
  const kpiBefore = kpi(pick(result, "kpiBefore", "kpi_before", "before.kpi", "current.kpi"));
  const kpiAfter = kpi(pick(result, "kpiAfter", "kpi_after", "after.kpi", "optimal.kpi", "optimised.kpi", "optimized.kpi"));
  const missing = [
    !channels && "channels",
    !spendBefore && "spendBefore",
    !spendAfter && "spendAfter",
    kpiBefore === undefined && "kpiBefore",
    kpiAfter === undefined && "kpiAfter",
  ].filter(Boolean);
  if (missing.length) throw new TypeError(`budget allocation: missing ${missing.join(", ")}`);
  if (spendBefore!.length !== channels!.length || spendAfter!.length !== channels!.length) {
    throw new TypeError(`budget allocation: ${channels!.length} channels but ${spendBefore!.length} spends before and ${spendAfter!.length} after`);
  }
  const out: BudgetAllocation = { channels: channels!, spendBefore: spendBefore!, spendAfter: spendAfter!, kpiBefore: kpiBefore!, kpiAfter: kpiAfter! };
  const uplift = kpi(pick(result, "uplift", "kpiUplift", "kpi_uplift"));
  if (uplift !== undefined) out.uplift = uplift;
  const periods = pick(result, "periods");
  if (typeof periods === "number") out.periods = periods;
  const message = pick(result, "message");
  if (typeof message === "string") out.message = message;
  return out;
}

/** Budget optimizer settings the report passes through (see OptimizeBudgetOptions). */
export interface ReportOptimizerOptions {
  periods?: number;
  boundsLowerPct?: number;
  boundsUpperPct?: number;
  [option: string]: unknown;
}

/** Planning periods when none are given (the optimizer's default horizon). */
export const DEFAULT_PLAN_PERIODS = 13;

/**
 * Today's spending rate over the plan: mean spend per period over the
 * training rows, summed over channels (and geos), times the periods. The
 * report's default question is "the same money, split better".
 */
export function currentSpendingBudget(fit: ReportFit, periods = DEFAULT_PLAN_PERIODS): number {
  const { C, G, media, trainRows } = panelOf(fit.record);
  let total = 0;
  for (let t = 0; t < trainRows; t++) for (let j = 0; j < C * G; j++) total += media[t * C * G + j];
  return (total / trainRows) * periods;
}

/** Calls fit.optimizeBudget({budget, ...options}) when this version has the optimizer; never throws. */
export async function optimizeForReport(fit: ReportFit, budget: number, options: ReportOptimizerOptions = {}): Promise<OptimizerOutcome> {
  const optimize = (fit as unknown as { optimizeBudget?: (options: object) => unknown }).optimizeBudget;
  if (typeof optimize !== "function") {
    return { status: "unavailable", budget, message: "The budget optimizer is not available in this version of mmm-wasm." };
  }
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  try {
    const result = await optimize.call(fit, { budget, ...given });
    return { status: "ok", budget, allocation: toBudgetAllocation(result, fit.channelNames), result };
  } catch (e) {
    return { status: "failed", budget, message: (e as Error)?.message ?? String(e) };
  }
}

/** The report's budget: an allocation given as it is, else the optimizer's answer for the budget (default: today's spending rate), or none. */
export async function reportBudget(
  fit: ReportFit,
  o: { budget?: number | false; optimizer?: ReportOptimizerOptions; allocation?: BudgetAllocation },
): Promise<{ outcome?: OptimizerOutcome; allocation?: BudgetAllocation }> {
  if (o.allocation) return { allocation: o.allocation };
  const budget = o.budget ?? currentSpendingBudget(fit, (o.optimizer?.periods as number | undefined) ?? DEFAULT_PLAN_PERIODS);
  if (budget === false) return {};
  const outcome = await optimizeForReport(fit, budget, o.optimizer);
  return { outcome, ...(outcome.status === "ok" ? { allocation: outcome.allocation } : {}) };
}
