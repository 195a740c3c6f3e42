// The optimizer on a model fitted by the sampler, through the API and the
// command line (`mmm fit` then `mmm optimize`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { loadMMM } from "../../src/io/modelFile.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { MediaResponse } from "../../src/optimize/mediaResponse.js";
import { baselinePerDraw, selectDraws, windowExtra } from "../../src/optimize/planningWindow.js";
import type { BudgetOptimization } from "../../src/optimize/types.js";

const CLI = join(process.cwd(), "bin", "mmm.js");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("budget optimizer on a fitted model", () => {
  const dir = mkdtempSync(join(tmpdir(), "mmm-opt-"));
  const data = join(dir, "data.csv");
  const out = join(dir, "fit");
  const N = 13;
  let fit: FittedMMM;
  let budget: number;
  let fitRun: ReturnType<typeof run>;

  beforeAll(() => {
    const sim = simulateDataset({ seed: 11, T: 70, channels: 3, extras: 1 });
    const d = sim.dataset;
    const lines = ["week,sales,tv,search,social,price_index"];
    for (let t = 0; t < d.T; t++) lines.push([d.dates![t], d.target[t], d.media[3 * t], d.media[3 * t + 1], d.media[3 * t + 2], d.extra[t]].join(","));
    writeFileSync(data, lines.join("\n") + "\n");
    fitRun = run(["fit", data, "--target", "sales", "--media", "tv,search,social", "--extra", "price_index", "--date", "week", "--chains", "2", "--warmup", "150", "--samples", "100", "--seed", "3", "--threads", "0", "--out", out]);
    fit = loadMMM(join(out, "model.mmm"));
    const C = 3;
    budget = 0;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let t = 0; t < d.T; t++) s += d.media[t * C + c];
      budget += (s / d.T) * N;
    }
    budget = Math.round(budget * 1.05);
  });

  it("the fit ran", () => {
    expect(fitRun.stderr).not.toMatch(/internal error/);
    expect(fitRun.status).toBe(0);
  });

  it("its KPI per draw is the model's own prediction of the plan's periods", () => {
    const rec = fit.record;
    const C = 3;
    const draws = selectDraws(200, undefined, 1);
    const r = new MediaResponse({ record: rec, drawIndices: draws, periods: N, spilloverPeriods: 0, carryOverFromHistory: true, prices: [1, 1, 1] });
    const extra = windowExtra(rec, N, N);
    const base = baselinePerDraw(rec, draws, N, extra);
    const totals = [40000, 90000, 30000];
    const kpi = new Float64Array(r.draws);
    r.evaluateEven(totals, kpi);
    const media = new Float64Array(N * C);
    for (let j = 0; j < N; j++) for (let c = 0; c < C; c++) media[j * C + c] = totals[c] / N;
    const pred = fit.predict({ T: N, media, extra }, { includeNoise: false });
    expect(pred.drawCount).toBe(200);
    for (let k = 0; k < 200; k++) {
      let want = 0;
      for (let j = 0; j < N; j++) want += pred.draws[k * N + j];
      expect(Math.abs(base[k] + kpi[k] - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
    }
  });

  it("optimises through the API: budget, bounds, optimality, and marginal ROI equal to a finite difference of predictions", async () => {
    const r = await fit.optimizeBudget({ budget, periods: N });
    expect(r.converged).toBe(true);
    expect(r.draws).toBe(200);
    const after = r.channels.map((c) => r.spend_after[c]);
    expect(Math.abs(after.reduce((a, b) => a + b, 0) - budget)).toBeLessThanOrEqual(1e-12 * budget);
    r.channels.forEach((c, i) => {
      expect(after[i]).toBeGreaterThanOrEqual(r.bounds[c].lower);
      expect(after[i]).toBeLessThanOrEqual(r.bounds[c].upper);
      const m = r.marginal_objective[c];
      if (r.channel_status[c] === "free") expect(m).toBeCloseTo(r.budget_multiplier, 6);
      if (r.channel_status[c] === "lower") expect(m).toBeLessThanOrEqual(r.budget_multiplier + 1e-9);
      if (r.channel_status[c] === "upper") expect(m).toBeGreaterThanOrEqual(r.budget_multiplier - 1e-9);
    });
    expect(r.kpi_after.mean).toBeGreaterThanOrEqual(r.kpi_before.mean);
    expect(r.kpi_after["hdi_3%"]).toBeLessThan(r.kpi_after.mean);
    expect(r.kpi_after["hdi_97%"]).toBeGreaterThan(r.kpi_after.mean);
    // d KPI / d spend through scalers, adstock and Hill, against the model's own predictions.
    const C = 3;
    const predicted = (totals: number[]) => {
      const media = new Float64Array(N * C);
      for (let j = 0; j < N; j++) for (let c = 0; c < C; c++) media[j * C + c] = totals[c] / N;
      const p = fit.predict({ T: N, media, extra: windowExtra(fit.record, N, N) }, { includeNoise: false });
      let s = 0;
      for (let i = 0; i < p.draws.length; i++) s += p.draws[i];
      return s / p.drawCount;
    };
    for (let c = 0; c < C; c++) {
      const h = 1e-4 * after[c];
      const up = [...after];
      const down = [...after];
      up[c] += h;
      down[c] -= h;
      const fd = (predicted(up) - predicted(down)) / (2 * h);
      expect(Math.abs(r.marginal_roi[r.channels[c]].mean - fd)).toBeLessThanOrEqual(1e-5 * Math.abs(fd) + 1e-9);
    }
    // A plain number is the budget with every default.
    const again = await fit.optimizeBudget(budget);
    expect(again.spend_after).toEqual(r.spend_after);
  });

  it("mmm optimize prints a before/after table and writes the JSON the API returns", async () => {
    const file = join(dir, "plan.json");
    const res = run(["optimize", out, "--budget", String(budget), "--out", file]);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/spend before\s+spend after/);
    for (const ch of ["tv", "search", "social"]) expect(res.stdout).toMatch(new RegExp(`^${ch}\\s`, "m"));
    expect(res.stdout).toMatch(/^Budget \d+ over 13 weeks; /m);
    expect(res.stdout).toMatch(/KPI over 13 weeks/);
    expect(res.stdout).toMatch(/Converged after \d+ iterations/);
    expect(res.stdout.trimEnd().split("\n").at(-1)).toBe(`wrote ${file}`);
    const json = JSON.parse(readFileSync(file, "utf8")) as BudgetOptimization;
    for (const k of ["spend_before", "spend_after", "kpi_before", "kpi_after", "roi", "marginal_roi", "converged", "iterations"]) expect(json).toHaveProperty(k);
    expect(Object.keys(json.kpi_after)).toEqual(["mean", "hdi_3%", "hdi_97%"]);
    const api = await fit.optimizeBudget({ budget, periods: 13 });
    expect(json.spend_after).toEqual(api.spend_after);
    expect(json.kpi_after).toEqual(api.kpi_after);

    // Scenarios from the command line: a fixed channel, a constraint, CVaR on a draw subset.
    const fixed = Math.round(json.spend_before.social);
    const file2 = join(dir, "plan2.json");
    const res2 = run(["optimize", out, "--budget", String(budget), "--fix", `social=${fixed}`, "--constraint", "tv <= 1.1 * search", "--objective", "cvar", "--draws", "100", "--seed", "4", "--bounds-upper-pct", "0.5", "--out", file2]);
    expect(res2.stderr).toBe("");
    expect(res2.status).toBe(0);
    const j2 = JSON.parse(readFileSync(file2, "utf8")) as BudgetOptimization;
    expect(j2.spend_after.social).toBe(fixed);
    expect(j2.spend_after.tv).toBeLessThanOrEqual(1.1 * j2.spend_after.search * (1 + 1e-12));
    expect(j2.objective).toBe("cvar");
    expect(j2.draws).toBe(100);
    expect(res2.stdout).toMatch(/Constraint tv <= 1.1 \* search/);
  });

  it("mmm optimize finds a budget for a target marginal ROI", () => {
    const file = join(dir, "target.json");
    const first = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as BudgetOptimization;
    const res = run(["optimize", out, "--target-mroi", String(first.budget_multiplier), "--bounds-lower-pct", "0.5", "--bounds-upper-pct", "0.5", "--out", file]);
    expect(res.status).toBe(0);
    const j = JSON.parse(readFileSync(file, "utf8")) as BudgetOptimization;
    expect(j.target?.metric).toBe("marginal_roi");
    expect(j.target!.achieved).toBeGreaterThanOrEqual(first.budget_multiplier);
    expect(res.stdout).toMatch(/Budget found for marginal ROI/);
  });

  it("bad or infeasible input exits with code 2 and says why", () => {
    const cases: [string[], RegExp][] = [
      [["--budget", "10"], /budget 10 is below the sum of the channels' lower bounds .* by /],
      [["--budget", String(budget * 10)], /above the sum of the channels' upper bounds/],
      [["--budget", String(budget), "--fix", "radio=100"], /fixed: unknown channel "radio"; the model's channels are tv, search, social/],
      [["--budget", String(budget), "--fix", "tv"], /--fix: expected CHANNEL=AMOUNT/],
      [["--budget", String(budget), "--constraint", "tv * search <= 5"], /multiplies spends/],
      [["--budget", String(budget), "--constraint", "tv <= radio"], /unknown name "radio"/],
      [["--budget", String(budget), "--prices", "1,-1,1"], /price of search must be a positive number/],
      [["--budget", String(budget), "--bound", "tv=1:2:3"], /expected LOWER:UPPER/],
      [["--budget", String(budget), "--objective", "median"], /--objective: expected mean or cvar/],
      [["--budget", String(budget), "--target-roi", "1", "--target-mroi", "1"], /not both/],
      [[], /missing --budget/],
      [["--budget", "abc"], /--budget: expected a positive amount/],
    ];
    for (const [args, pattern] of cases) {
      const r = run(["optimize", out, ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = run(["optimize", join(dir, "nothing"), "--budget", "5"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read model file/);
  });
});
