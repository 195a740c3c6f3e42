import { describe, expect, it } from "vitest";
import type { FitRecord } from "../../src/fit/record.js";
import { InputError } from "../../src/errors.js";
import { optimizeBudget } from "../../src/optimize/optimizeBudget.js";
import type { BudgetOptimization, OptimizeBudgetOptions } from "../../src/optimize/types.js";
import { mulberry32, uniformIn } from "../helpers/random.js";
import { syntheticRecord } from "./syntheticFit.js";

const TINY_LAG = 1e-9; // adstock ~ identity, so response curves are closed-form

/** The "adstock" model with a tiny lag: channel c's KPI over N periods is coef * ys * N * (s / (N p m))^e. */
function powerRecord(coefs: number[][], exponent: number[], seed = 2): FitRecord {
  const C = exponent.length;
  return syntheticRecord({ model: "adstock", channels: C, T: 52, seed, draws: coefs.length, draw: (k) => ({ coef_media: coefs[k], lag_weight: Array(C).fill(TINY_LAG), exponent }) });
}

function hillRecord(coefs: number[][], K: number[][], S: number[][], seed = 4): FitRecord {
  const C = K[0].length;
  return syntheticRecord({
    model: "hill_adstock",
    channels: C,
    T: 52,
    seed,
    draws: coefs.length,
    draw: (k) => ({ coef_media: coefs[k], lag_weight: Array(C).fill(TINY_LAG), half_max_effective_concentration: K[k], slope: S[k] }),
  });
}

const values = (r: Record<string, number>, names: string[]) => names.map((n) => r[n]);
const total = (v: number[]) => v.reduce((a, b) => a + b, 0);

/** Per draw, the media KPI of each channel in closed form (tiny lag, no carry-over from history). */
function closedFormKpi(rec: FitRecord, spend: number[], N: number, prices: number[], sat: (k: number, c: number, v: number) => number, coefs: number[][]): number[] {
  return coefs.map((coef, k) =>
    spend.reduce((acc, s, c) => acc + coef[c] * rec.scalers.target * N * sat(k, c, s / (N * prices[c] * rec.scalers.media[c])), 0),
  );
}

function checkFeasible(r: BudgetOptimization) {
  const after = values(r.spend_after, r.channels);
  expect(Math.abs(total(after) - r.budget)).toBeLessThanOrEqual(1e-12 * r.budget);
  after.forEach((s, c) => {
    const b = r.bounds[r.channels[c]];
    expect(s).toBeGreaterThanOrEqual(b.lower);
    expect(s).toBeLessThanOrEqual(b.upper);
  });
}

/** Equal marginal ROI across free channels; channels at a bound on the right side of it. */
function checkOptimality(r: BudgetOptimization, rel = 1e-6) {
  const lambda = r.budget_multiplier;
  expect(lambda).toBeGreaterThan(0);
  for (const ch of r.channels) {
    const m = r.marginal_objective[ch];
    const st = r.channel_status[ch];
    if (st === "free") expect(Math.abs(m - lambda)).toBeLessThanOrEqual(rel * lambda);
    if (st === "lower") expect(m).toBeLessThanOrEqual(lambda * (1 + rel));
    if (st === "upper") expect(m).toBeGreaterThanOrEqual(lambda * (1 - rel));
  }
}

describe("fixed-budget optimizer on closed-form response curves", () => {
  it("matches the closed-form optimum of power curves: s_c proportional to beta_c^(1/(1-e))", async () => {
    const rand = mulberry32(1);
    const C = 3;
    const e = 0.6;
    const coefs = Array.from({ length: 7 }, () => Array.from({ length: C }, () => uniformIn(rand, 0.05, 0.3)));
    const rec = powerRecord(coefs, Array(C).fill(e));
    const N = 13;
    const prices = [1, 2, 0.5];
    const hist = rec.scalers.media.map((m, c) => m * prices[c] * N);
    const budget = 1.3 * total(hist);
    const r = await optimizeBudget(rec, { budget, periods: N, prices, boundsLowerPct: 1, boundsUpperPct: 50, carryOverFromHistory: false });
    expect(r.converged).toBe(true);
    const beta = Array.from({ length: C }, (_, c) => {
      const mean = coefs.reduce((a, v) => a + v[c], 0) / coefs.length;
      return mean * rec.scalers.target * N ** (1 - e) * (prices[c] * rec.scalers.media[c]) ** -e;
    });
    const w = beta.map((b) => b ** (1 / (1 - e)));
    const want = w.map((v) => (budget * v) / total(w));
    const got = values(r.spend_after, r.channels);
    for (let c = 0; c < C; c++) expect(Math.abs(got[c] - want[c])).toBeLessThanOrEqual(1e-6 * want[c]);
    checkFeasible(r);
    checkOptimality(r);
    expect(Object.values(r.channel_status)).toEqual(["free", "free", "free"]);
    // At the optimum every channel's marginal ROI is e * beta * s^(e-1).
    for (let c = 0; c < C; c++) expect(r.marginal_roi[r.channels[c]].mean).toBeCloseTo(e * beta[c] * want[c] ** (e - 1), 8);
    expect(r.kpi_after.mean).toBeGreaterThan(r.kpi_before.mean);
    // The uplift is the closed-form difference.
    const media = (s: number[]) => total(s.map((v, c) => beta[c] * v ** e));
    const uplift = media(want) - media(values(r.spend_before, r.channels));
    expect(Math.abs(r.uplift.mean - uplift)).toBeLessThanOrEqual(1e-9 * r.kpi_after.mean);
  });

  it("matches a brute-force grid search on Hill curves, with bounds that bind", async () => {
    const rand = mulberry32(2);
    const C = 3;
    const nd = 5;
    const coefs = Array.from({ length: nd }, () => [uniformIn(rand, 0.25, 0.35), uniformIn(rand, 0.05, 0.1), uniformIn(rand, 0.1, 0.2)]);
    const K = Array.from({ length: nd }, () => Array.from({ length: C }, () => uniformIn(rand, 0.6, 1.4)));
    const S = Array.from({ length: nd }, () => Array.from({ length: C }, () => uniformIn(rand, 0.5, 1)));
    const rec = hillRecord(coefs, K, S);
    const N = 8;
    const prices = [1, 1, 1];
    const hist = rec.scalers.media.map((m) => m * N);
    const budget = total(hist);
    const opts: OptimizeBudgetOptions = { budget, periods: N, carryOverFromHistory: false, bounds: { search: { lowerPct: 0.9, upperPct: 0.9 }, social: { lowerPct: 0.9, upperPct: 0.9 } } };
    const r = await optimizeBudget(rec, opts);
    expect(r.converged).toBe(true);
    checkFeasible(r);
    checkOptimality(r);
    const hill = (k: number, c: number, v: number) => (v === 0 ? 0 : 1 / (1 + (v / K[k][c]) ** -S[k][c]));
    const objective = (s: number[]) => total(closedFormKpi(rec, s, N, prices, hill, coefs)) / nd;
    const hi = r.channels.map((ch) => r.bounds[ch].upper);
    const lower = r.channels.map((ch) => r.bounds[ch].lower);
    // Default bounds for tv, wide ones for the others.
    expect(lower[0]).toBeCloseTo(0.8 * hist[0], 6);
    expect(hi[1]).toBeCloseTo(1.9 * hist[1], 6);
    const steps = 400;
    let best = -Infinity;
    let arg: number[] = [];
    for (let i = 0; i <= steps; i++) {
      const s0 = lower[0] + ((hi[0] - lower[0]) * i) / steps;
      for (let j = 0; j <= steps; j++) {
        const s1 = lower[1] + ((hi[1] - lower[1]) * j) / steps;
        const s2 = budget - s0 - s1;
        if (s2 < lower[2] || s2 > hi[2]) continue;
        const v = objective([s0, s1, s2]);
        if (v > best) {
          best = v;
          arg = [s0, s1, s2];
        }
      }
    }
    const got = values(r.spend_after, r.channels);
    const gotValue = objective(got);
    expect(gotValue).toBeGreaterThanOrEqual(best - 1e-9 * Math.abs(best));
    for (let c = 0; c < 2; c++) expect(Math.abs(got[c] - arg[c])).toBeLessThanOrEqual((hi[c] - lower[c]) / steps + 1e-9);
    // tv (largest coefficient) is pushed to its upper bound.
    expect(r.channel_status.tv).toBe("upper");
    expect(got[0]).toBe(hi[0]);
    // The optimizer's KPI is the closed form plus the baseline.
    expect(r.kpi_after.mean - r.kpi_before.mean).toBeCloseTo(gotValue - objective(values(r.spend_before, r.channels)), 6);
  });

  it("never ends below the starting allocation, and keeps budget and bounds, over many scenarios", async () => {
    const rand = mulberry32(3);
    const C = 4;
    for (let trial = 0; trial < 6; trial++) {
      const nd = 4;
      const rec = hillRecord(
        Array.from({ length: nd }, () => Array.from({ length: C }, () => uniformIn(rand, 0.02, 0.3))),
        Array.from({ length: nd }, () => Array.from({ length: C }, () => uniformIn(rand, 0.3, 2))),
        Array.from({ length: nd }, () => Array.from({ length: C }, () => uniformIn(rand, 0.5, 3))), // S-shaped curves too
        10 + trial,
      );
      const N = 4 + trial;
      const hist = total(rec.scalers.media.map((m) => m * N));
      const r = await optimizeBudget(rec, { budget: hist * uniformIn(rand, 0.85, 1.15), periods: N, boundsLowerPct: uniformIn(rand, 0.1, 0.9), boundsUpperPct: uniformIn(rand, 0.1, 0.9) });
      checkFeasible(r);
      expect(r.kpi_after.mean).toBeGreaterThanOrEqual(r.kpi_before.mean);
      expect(r.objective_after).toBeGreaterThanOrEqual(r.objective_before);
      expect(r.converged).toBe(true);
      checkOptimality(r, 1e-5);
    }
  });

  it("satisfies the optimality conditions on a model with carry-over, spill-over and every channel status", async () => {
    const C = 5;
    const rand = mulberry32(4);
    const rec = syntheticRecord({
      model: "hill_adstock",
      channels: C,
      extras: 1,
      T: 60,
      draws: 30,
      chains: 2,
      draw: () => ({
        // tv strong (ends at its upper bound), search weak (lower bound), the rest free.
        coef_media: [0.6, 0.002, 0.1, 0.12, 0.08].map((v) => v * uniformIn(rand, 0.8, 1.2)),
        lag_weight: [0.7, 0.2, 0.5, 0.3, 0.8],
        half_max_effective_concentration: Array.from({ length: C }, () => uniformIn(rand, 0.7, 1.3)),
        slope: Array.from({ length: C }, () => uniformIn(rand, 0.7, 1.5)),
      }),
    });
    const N = 13;
    const budget = total(rec.scalers.media.map((m) => m * N));
    const wide = { lowerPct: 0.95, upperPct: 2 };
    const r = await optimizeBudget(rec, { budget, periods: N, countSpillover: true, bounds: { social: wide, radio: wide, display: wide } });
    expect(r.evaluation_periods).toBe(26);
    expect(r.converged).toBe(true);
    expect(r.channel_status).toEqual({ tv: "upper", search: "lower", social: "free", radio: "free", display: "free" });
    checkFeasible(r);
    checkOptimality(r);
    expect(r.marginal_roi.tv.mean).toBeCloseTo(r.marginal_objective.tv, 10);
    // ROI and marginal ROI of a concave curve: average return above the marginal one.
    for (const ch of ["social", "radio", "display"]) expect(r.roi[ch]!.mean).toBeGreaterThan(r.marginal_roi[ch].mean);
  });
});

describe("scenarios", () => {
  const rand = mulberry32(5);
  const C = 4;
  const nd = 12;
  const rec = syntheticRecord({
    model: "hill_adstock",
    channels: C,
    extras: 2,
    T: 60,
    draws: nd,
    chains: 2,
    draw: () => ({
      coef_media: [0.3, 0.25, 0.05, 0.04].map((v) => v * uniformIn(rand, 0.7, 1.3)),
      lag_weight: [0.8, 0.1, 0.5, 0.4],
      half_max_effective_concentration: [1, 1, 1, 1].map((v) => v * uniformIn(rand, 0.7, 1.3)),
      slope: [0.8, 0.9, 1, 0.7],
    }),
  });
  const N = 10;
  const hist = rec.scalers.media.map((m) => m * N);
  const budget = total(hist);
  const wide = { boundsLowerPct: 0.9, boundsUpperPct: 1.5, periods: N, budget };

  it("fixed channels and formula constraints hold at the solution", async () => {
    const free = await optimizeBudget(rec, wide);
    // Unconstrained, tv and search take most of the money.
    expect(free.spend_after.tv + free.spend_after.search).toBeGreaterThan(0.6 * budget);
    const r = await optimizeBudget(rec, { ...wide, fixed: { social: hist[2] }, constraints: ["tv + search <= 0.6 * budget", "radio >= 0.05 * budget"] });
    expect(r.converged).toBe(true);
    checkFeasible(r);
    expect(r.spend_after.social).toBe(hist[2]);
    expect(r.channel_status.social).toBe("fixed");
    expect(r.spend_after.tv + r.spend_after.search).toBeCloseTo(0.6 * budget, 6);
    expect(r.constraints[0]).toMatchObject({ formula: "tv + search <= 0.6 * budget", active: true });
    expect(r.channel_status.tv).toBe("constrained");
    expect(r.channel_status.search).toBe("constrained");
    // Inside the binding constraint the two channels still share one marginal ROI.
    expect(r.marginal_objective.tv).toBeCloseTo(r.marginal_objective.search, 6);
    expect(r.marginal_objective.tv).toBeGreaterThan(r.budget_multiplier);
    expect(r.kpi_after.mean).toBeLessThanOrEqual(free.kpi_after.mean);
  });

  it("bounds come from the historical level and the prices; the start is the historical shares", async () => {
    const prices = [2, 1, 0.5, 1];
    const r = await optimizeBudget(rec, {
      budget: total(hist.map((h, c) => h * prices[c])),
      periods: N,
      prices,
      boundsLowerPct: 0.3,
      boundsUpperPct: 0.1,
      bounds: { search: { lower: 1000, upperPct: 0.5 }, radio: { lowerPct: 1.5 } },
    });
    const level = hist.map((h, c) => h * prices[c]);
    expect(r.historical_spend_per_period.tv).toBeCloseTo(level[0] / N, 9);
    expect(r.bounds.tv.lower).toBeCloseTo(0.7 * level[0], 9);
    expect(r.bounds.tv.upper).toBeCloseTo(1.1 * level[0], 9);
    expect(r.bounds.search).toEqual({ lower: 1000, upper: expect.closeTo(1.5 * level[1], 9) });
    expect(r.bounds.radio.lower).toBe(0); // floored at zero
    // At the historical total budget the historical shares are feasible, so they are the start.
    r.channels.forEach((ch, c) => expect(Math.abs(r.spend_before[ch] - level[c])).toBeLessThanOrEqual(1e-9 * level[c]));
    expect(r.prices).toEqual({ tv: 2, search: 1, social: 0.5, radio: 1 });
  });

  it("the same inputs and seed give the same answer; the seed picks the draws", async () => {
    const a = await optimizeBudget(rec, { ...wide, draws: 6, seed: 11 });
    const b = await optimizeBudget(rec, { ...wide, draws: 6, seed: 11 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.draws).toBe(6);
    const c = await optimizeBudget(rec, { ...wide, draws: 6, seed: 12 });
    expect(c.kpi_after.mean).not.toBe(a.kpi_after.mean);
    const all = await optimizeBudget(rec, wide);
    expect(all.draws).toBe(nd);
    expect(all.seed).toBe(5); // the fit's seed
  });

  it("carry-over from history and extra features move the KPI level, not the allocation", async () => {
    const r = await optimizeBudget(rec, wide);
    const cold = await optimizeBudget(rec, { ...wide, carryOverFromHistory: false });
    // The stored media's adstock adds KPI to the plan's periods.
    expect(r.kpi_before.mean).toBeGreaterThan(cold.kpi_before.mean);
    const given = [1.5, 0.25];
    const ex = await optimizeBudget(rec, { ...wide, extraFeatures: given });
    for (const ch of r.channels) expect(ex.spend_after[ch]).toBeCloseTo(r.spend_after[ch], 6);
    // Shift = mean coef (0.05, the default) * target scale * sum over periods of (given - default) / feature scale.
    const F = 2;
    const d = rec.dataset;
    let shift = 0;
    for (let f = 0; f < F; f++) {
      let m = 0;
      for (let t = d.T - N; t < d.T; t++) m += d.extra[t * F + f] / N;
      shift += (0.05 * rec.scalers.target * N * (given[f] - m)) / rec.scalers.extra[f];
    }
    expect(ex.kpi_after.mean - r.kpi_after.mean).toBeCloseTo(shift, 6);
  });

  it("counting the spill-over favours the slow-decaying channel", async () => {
    const r = await optimizeBudget(rec, wide);
    const s = await optimizeBudget(rec, { ...wide, countSpillover: 30 });
    expect(s.evaluation_periods).toBe(N + 30);
    expect(s.kpi_after.mean).toBeGreaterThan(r.kpi_after.mean);
    // tv's lag is 0.8, search's 0.1: tv gains share once its later effect counts.
    expect(s.spend_after.tv / s.spend_after.search).toBeGreaterThan(r.spend_after.tv / r.spend_after.search);
  });

  it("rejects infeasible and bad input, saying which bound and by how much", async () => {
    const lowerSum = total(hist.map((h) => h * 0.8));
    const upperSum = total(hist.map((h) => h * 1.2));
    const cases: [OptimizeBudgetOptions, RegExp][] = [
      [{ budget: lowerSum - 100, periods: N }, new RegExp(`below the sum of the channels' lower bounds .* by 100 `)],
      [{ budget: upperSum + 250, periods: N }, /above the sum of the channels' upper bounds .* by 250 /],
      [{ budget, periods: N, prices: [1, -2, 1, 1] }, /price of search must be a positive number/],
      [{ budget, periods: N, prices: { tvv: 2 } }, /prices: unknown channel "tvv"/],
      [{ budget, periods: N, prices: [1, 2] }, /prices: 2 given for 4 channels/],
      [{ budget, periods: N, bounds: { radioo: { lower: 0 } } }, /bounds: unknown channel "radioo"; the model's channels are tv, search, social, radio/],
      [{ budget, periods: N, fixed: { print: 10 } }, /fixed: unknown channel "print"/],
      [{ budget, periods: N, fixed: { tv: hist[0] * 1.5 } }, new RegExp(`fixed spend of tv .* is above its upper bound .* by ${Number((hist[0] * 0.3).toPrecision(10))}`)],
      [{ budget, periods: N, fixed: { tv: hist[0] * 0.5 } }, /fixed spend of tv .* is below its lower bound/],
      [{ budget, periods: N, bounds: { tv: { lower: 10, upper: 5 } } }, /lower bound 10 is above the upper bound 5 by 5/],
      [{ budget, periods: N, constraints: ["tv <= 0.01 * budget"] }, /constraint "tv <= 0.01 \* budget" cannot hold at budget .*over by/],
      [{ budget, periods: N, constraints: ["tv * search <= 1"] }, /multiplies spends/],
      [{ budget, periods: 0 }, /periods must be a positive integer/],
      [{ periods: N }, /give a budget/],
      [{ budget, periods: N, objective: "median" as never }, /objective must be "mean" or "cvar"/],
      [{ budget, periods: N, alpha: 0, objective: "cvar" }, /alpha must lie in \(0, 1\]/],
      [{ budget, periods: N, draws: 0 }, /draws must be a positive integer/],
      [{ budget, periods: N, budgetLimit: 3 } as never, /unknown budget optimizer option "budgetLimit"/],
      [{ budget, periods: N, extraFeatures: [1] }, /expected 2 values/],
      [{ budget: -5 }, /budget must be a positive number/],
      [{ targetRoi: 1, targetMarginalRoi: 1 }, /not both/],
    ];
    for (const [o, pattern] of cases) {
      const p = optimizeBudget(rec, o);
      await expect(p, JSON.stringify(o)).rejects.toBeInstanceOf(InputError);
      await expect(optimizeBudget(rec, o), JSON.stringify(o)).rejects.toThrow(pattern);
    }
  });
});

describe("risk-aware objective: CVaR over draws", () => {
  it("trades mean for a better worst case, and matches a grid search on the exact CVaR", async () => {
    const rand = mulberry32(6);
    const nd = 40;
    const e = 0.5;
    // Channel tv: a gamble (coefficient low in half the draws); search: reliable, slightly lower mean.
    const coefs = Array.from({ length: nd }, (_, k) => [k % 2 === 0 ? uniformIn(rand, 0.01, 0.05) : uniformIn(rand, 0.35, 0.5), uniformIn(rand, 0.17, 0.19)]);
    const rec = powerRecord(coefs, [e, e], 7);
    const N = 13;
    const budget = total(rec.scalers.media.map((m) => m * N));
    const base = { budget, periods: N, boundsLowerPct: 0.95, boundsUpperPct: 1, carryOverFromHistory: false };
    const mean = await optimizeBudget(rec, base);
    const risk = await optimizeBudget(rec, { ...base, objective: "cvar", alpha: 0.1 });
    expect(risk.objective).toBe("cvar");
    expect(risk.alpha).toBe(0.1);
    checkFeasible(risk);
    expect(risk.spend_after.search).toBeGreaterThan(mean.spend_after.search);
    expect(risk.kpi_after.mean).toBeLessThanOrEqual(mean.kpi_after.mean);
    expect(risk.objective_after).toBeGreaterThanOrEqual(risk.objective_before);
    // Grid search on the exact empirical CVaR of the incremental KPI.
    const power = (_k: number, _c: number, v: number) => Math.sqrt(v);
    const cvar = (s: number[]) => {
      const v = closedFormKpi(rec, s, N, [1, 1], power, coefs).sort((a, b) => a - b);
      return total(v.slice(0, 4)) / 4; // alpha * n = 4
    };
    const lo = risk.bounds.tv.lower;
    const hi = Math.min(risk.bounds.tv.upper, budget - risk.bounds.search.lower);
    const hiT = Math.max(lo, Math.min(hi, budget - risk.bounds.search.lower));
    let best = -Infinity;
    let arg = 0;
    const steps = 20000;
    for (let i = 0; i <= steps; i++) {
      const s = lo + ((hiT - lo) * i) / steps;
      if (budget - s > risk.bounds.search.upper) continue;
      const v = cvar([s, budget - s]);
      if (v > best) {
        best = v;
        arg = s;
      }
    }
    expect(Math.abs(risk.objective_after - cvar([risk.spend_after.tv, risk.spend_after.search]))).toBeLessThanOrEqual(1e-10 * risk.objective_after);
    expect(risk.objective_after).toBeGreaterThanOrEqual(best - 1e-5 * Math.abs(best));
    expect(Math.abs(risk.spend_after.tv - arg)).toBeLessThanOrEqual(1e-3 * budget);
    // The mean-optimal plan is worse in the tail.
    expect(cvar([mean.spend_after.tv, mean.spend_after.search])).toBeLessThan(risk.objective_after);
  });
});

describe("target efficiency: find the budget", () => {
  const rand = mulberry32(8);
  const C = 3;
  const e = 0.7;
  const coefs = Array.from({ length: 5 }, () => Array.from({ length: C }, () => uniformIn(rand, 0.05, 0.3)));
  const rec = powerRecord(coefs, Array(C).fill(e), 9);
  const N = 13;
  const prices = [1, 1, 1];
  const beta = Array.from({ length: C }, (_, c) => (coefs.reduce((a, v) => a + v[c], 0) / coefs.length) * rec.scalers.target * N ** (1 - e) * rec.scalers.media[c] ** -e);
  // Optimal media KPI at budget B is A * B^e.
  const A = total(beta.map((b) => b ** (1 / (1 - e)))) ** (1 - e);
  const hist = total(rec.scalers.media.map((m) => m * N));
  const base = { periods: N, prices, boundsLowerPct: 1, boundsUpperPct: 10, carryOverFromHistory: false };

  it("largest budget whose marginal ROI meets the target, and whose ROI does", async () => {
    const targetBudget = 1.7 * hist;
    const m = e * A * targetBudget ** (e - 1);
    const r = await optimizeBudget(rec, { ...base, targetMarginalRoi: m });
    expect(r.target).toMatchObject({ metric: "marginal_roi", target: m, find: "largest", at_range_end: false });
    expect(Math.abs(r.budget - targetBudget)).toBeLessThanOrEqual(1e-5 * targetBudget);
    expect(r.target!.achieved).toBeGreaterThanOrEqual(m);
    expect(r.budget_multiplier).toBeCloseTo(r.target!.achieved, 10);
    checkFeasible(r);
    const roi = A * targetBudget ** (e - 1);
    const q = await optimizeBudget(rec, { ...base, targetRoi: roi });
    expect(Math.abs(q.budget - targetBudget)).toBeLessThanOrEqual(1e-5 * targetBudget);
    expect(q.target!.metric).toBe("roi");
    // A budget given with the target caps the search.
    const capped = await optimizeBudget(rec, { ...base, targetMarginalRoi: m, budget: 1.2 * hist });
    expect(capped.budget).toBeCloseTo(1.2 * hist, 6);
    expect(capped.target!.at_range_end).toBe(true);
  });

  it("says when no budget in the range reaches the target, and when the whole range does", async () => {
    await expect(optimizeBudget(rec, { ...base, targetRoi: 1e9 })).rejects.toThrow(/no budget in .* reaches the target ROI 1000000000/);
    const r = await optimizeBudget(rec, { ...base, targetRoi: 1e-9 });
    expect(r.target!.at_range_end).toBe(true);
    expect(r.budget).toBeCloseTo(total(Object.values(r.bounds).map((b) => b.upper)), 6);
  });

  it("smallest budget reaching a target ROI on S-shaped curves", async () => {
    const nd = 3;
    const s = hillRecord(
      Array.from({ length: nd }, () => [0.3, 0.2]),
      Array.from({ length: nd }, () => [1.5, 1.5]),
      Array.from({ length: nd }, () => [3, 3]),
      12,
    );
    const hist2 = total(s.scalers.media.map((m) => m * N));
    const o = { periods: N, carryOverFromHistory: false, boundsLowerPct: 1, boundsUpperPct: 5 };
    // ROI of the optimised plan rises with the budget along the S-curves' convex part.
    const planRoi = async (b: number) => {
      const x = await optimizeBudget(s, { ...o, budget: b });
      return total(x.channels.map((ch) => (x.roi[ch]?.mean ?? 0) * x.spend_after[ch])) / b;
    };
    const r1 = await planRoi(0.05 * hist2);
    const r2 = await planRoi(0.15 * hist2);
    expect(r2).toBeGreaterThan(r1);
    const target = 0.5 * (r1 + r2);
    const r = await optimizeBudget(s, { ...o, targetRoi: target, targetFind: "smallest", budgetRange: [0.04 * hist2, 0.16 * hist2] });
    expect(r.target).toMatchObject({ find: "smallest", metric: "roi", at_range_end: false });
    expect(r.target!.achieved).toBeGreaterThanOrEqual(target);
    expect(r.target!.achieved).toBeCloseTo(target, 4);
    expect(await planRoi(r.budget * 0.999)).toBeLessThan(target);
    expect(r.budget).toBeGreaterThan(0.05 * hist2);
    expect(r.budget).toBeLessThan(0.15 * hist2);
  });
});
