// Prices, per-channel bounds and fixed spends, checked against each other and
// the budget. Every problem is an InputError that names the channel or bound
// and says by how much it misses.

import { InputError } from "../errors.js";
import type { ChannelBoundInput } from "./types.js";

const fmt = (v: number) => (Math.abs(v) >= 1e15 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(4) : String(Number(v.toPrecision(10))));

function unknownChannel(name: string, channels: string[], what: string): InputError {
  return new InputError(`${what}: unknown channel "${name}"; the model's channels are ${channels.join(", ")}`);
}

/** Cost per media unit of each channel: a list in channel order or a map by name; default 1. */
export function resolvePrices(prices: number[] | Record<string, number> | undefined, channels: string[]): Float64Array {
  const C = channels.length;
  const out = new Float64Array(C).fill(1);
  if (prices === undefined) return out;
  if (Array.isArray(prices)) {
    if (prices.length !== C) throw new InputError(`prices: ${prices.length} given for ${C} channels (${channels.join(", ")})`);
    prices.forEach((p, c) => (out[c] = p));
  } else {
    for (const [name, p] of Object.entries(prices)) {
      const c = channels.indexOf(name);
      if (c < 0) throw unknownChannel(name, channels, "prices");
      out[c] = p;
    }
  }
  out.forEach((p, c) => {
    if (!(Number.isFinite(p) && p > 0)) throw new InputError(`price of ${channels[c]} must be a positive number (cost per media unit), got ${p}`);
  });
  return out;
}

export interface ResolvedBounds {
  lower: Float64Array;
  upper: Float64Array;
  fixed: boolean[];
}

function checkPct(v: number | undefined, what: string): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new InputError(`${what} must be a non-negative number (0.2 = 20%), got ${v}`);
}

/**
 * Bounds on each channel's total spend over the plan: (1 -/+ pct) x
 * historical spend per period x periods (LightweightMMM's rule, lower floored
 * at 0), overridden per channel, then fixed channels pinned.
 */
export function resolveBounds(
  channels: string[],
  historicalPerPeriod: ArrayLike<number>,
  periods: number,
  o: { boundsLowerPct?: number; boundsUpperPct?: number; bounds?: Record<string, ChannelBoundInput>; fixed?: Record<string, number> },
): ResolvedBounds {
  const C = channels.length;
  const lowerPct = o.boundsLowerPct ?? 0.2;
  const upperPct = o.boundsUpperPct ?? 0.2;
  checkPct(lowerPct, "bounds lower pct");
  checkPct(upperPct, "bounds upper pct");
  const perChannel: (ChannelBoundInput | undefined)[] = new Array(C);
  for (const [name, b] of Object.entries(o.bounds ?? {})) {
    const c = channels.indexOf(name);
    if (c < 0) throw unknownChannel(name, channels, "bounds");
    perChannel[c] = b;
  }
  const lower = new Float64Array(C);
  const upper = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const b = perChannel[c] ?? {};
    const name = channels[c];
    checkPct(b.lowerPct, `bounds of ${name}: lowerPct`);
    checkPct(b.upperPct, `bounds of ${name}: upperPct`);
    const level = historicalPerPeriod[c] * periods;
    lower[c] = Math.max(0, level * (1 - (b.lowerPct ?? lowerPct)));
    upper[c] = level * (1 + (b.upperPct ?? upperPct));
    if (b.lower !== undefined) {
      if (!(Number.isFinite(b.lower) && b.lower >= 0)) throw new InputError(`bounds of ${name}: lower must be a non-negative amount, got ${b.lower}`);
      lower[c] = b.lower;
    }
    if (b.upper !== undefined) {
      if (!(b.upper >= 0)) throw new InputError(`bounds of ${name}: upper must be a non-negative amount, got ${b.upper}`);
      upper[c] = b.upper;
    }
    if (lower[c] > upper[c]) {
      throw new InputError(`bounds of ${name}: the lower bound ${fmt(lower[c])} is above the upper bound ${fmt(upper[c])} by ${fmt(lower[c] - upper[c])}`);
    }
  }
  const fixed = new Array<boolean>(C).fill(false);
  for (const [name, amount] of Object.entries(o.fixed ?? {})) {
    const c = channels.indexOf(name);
    if (c < 0) throw unknownChannel(name, channels, "fixed");
    if (!(Number.isFinite(amount) && amount >= 0)) throw new InputError(`fixed spend of ${name} must be a non-negative amount, got ${amount}`);
    if (amount < lower[c]) {
      throw new InputError(`fixed spend of ${name} (${fmt(amount)}) is below its lower bound ${fmt(lower[c])} by ${fmt(lower[c] - amount)}; widen its bounds`);
    }
    if (amount > upper[c]) {
      throw new InputError(`fixed spend of ${name} (${fmt(amount)}) is above its upper bound ${fmt(upper[c])} by ${fmt(amount - upper[c])}; widen its bounds`);
    }
    lower[c] = upper[c] = amount;
    fixed[c] = true;
  }
  return { lower, upper, fixed };
}

/** The budget must be reachable: sum of lower bounds <= budget <= sum of upper bounds. */
export function checkBudget(budget: number, channels: string[], b: ResolvedBounds): void {
  if (!(Number.isFinite(budget) && budget > 0)) throw new InputError(`budget must be a positive number, got ${budget}`);
  const list = (v: Float64Array) => channels.map((n, c) => `${n} ${fmt(v[c])}`).join(", ");
  const lo = b.lower.reduce((a, v) => a + v, 0);
  const hi = b.upper.reduce((a, v) => a + v, 0);
  const slack = 1e-12 * Math.max(budget, lo);
  if (budget < lo - slack) {
    throw new InputError(`budget ${fmt(budget)} is below the sum of the channels' lower bounds ${fmt(lo)} by ${fmt(lo - budget)} (lower bounds: ${list(b.lower)}); raise the budget or lower the lower bounds (CLI: --bounds-lower-pct, --bound, --bound-pct; API: boundsLowerPct, bounds)`);
  }
  if (budget > hi + slack) {
    throw new InputError(`budget ${fmt(budget)} is above the sum of the channels' upper bounds ${fmt(hi)} by ${fmt(budget - hi)} (upper bounds: ${list(b.upper)}); lower the budget or raise the upper bounds (CLI: --bounds-upper-pct, --bound, --bound-pct; API: boundsUpperPct, bounds)`);
  }
}

export { fmt as formatAmount };
