import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { simulateDataset } from "../../src/simulate/simulate.js";

const CLI = join(process.cwd(), "bin", "mmm.js");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeCsv(path: string, T: number, seed: number): void {
  const sim = simulateDataset({ seed, T, channels: 2, extras: 1 });
  const d = sim.dataset;
  const lines = ["week,sales,tv,search,price_index"];
  for (let t = 0; t < T; t++) lines.push([d.dates![t], d.target[t], d.media[2 * t], d.media[2 * t + 1], d.extra[t]].join(","));
  writeFileSync(path, lines.join("\n") + "\n");
}

describe("mmm fit / summary / predict / check", () => {
  const dir = mkdtempSync(join(tmpdir(), "mmm-cli-"));
  const data = join(dir, "data.csv");
  const out = join(dir, "fit");
  const base = ["--target", "sales", "--media", "tv,search", "--extra", "price_index", "--date", "week"];
  let fit: ReturnType<typeof run>;
  beforeAll(() => {
    writeCsv(data, 60, 4);
    fit = run(["fit", data, ...base, "--test-rows", "8", "--chains", "2", "--warmup", "80", "--samples", "40", "--seed", "3", "--out", out]);
  });

  it("fits and writes every output file", () => {
    expect(fit.stderr).not.toMatch(/internal error/);
    expect(fit.status).toBe(0);
    for (const f of ["model.mmm", "summary.json", "summary.csv", "diagnostics.json", "metrics.json", "contributions.csv", "roi.json"]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(Object.keys(summary)).toContain("gamma_seasonality[1, 0]");
    expect(Object.keys(summary["coef_media[1]"])).toEqual(["about", "mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"]);
    const csv = readFileSync(join(out, "summary.csv"), "utf8").split("\n");
    expect(csv[0]).toBe(",about,mean,sd,hdi_3%,hdi_97%,mcse_mean,mcse_sd,ess_bulk,ess_tail,r_hat");
    expect(csv.some((l) => l.startsWith('"gamma_seasonality[0, 1]",'))).toBe(true);
    const diag = JSON.parse(readFileSync(join(out, "diagnostics.json"), "utf8"));
    for (const k of ["chains", "warmup", "draws", "seed", "wall_seconds", "warmup_seconds", "sampling_seconds", "gradient_evaluations", "divergences", "max_tree_depth_hits", "step_sizes", "e_bfmi", "min_ess_bulk", "max_r_hat", "min_ess_bulk_per_second"]) {
      expect(diag).toHaveProperty(k);
    }
    expect(diag.chains).toBe(2);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.train.periods).toBe(52);
    expect(metrics.test.periods).toBe(8);
    const roi = JSON.parse(readFileSync(join(out, "roi.json"), "utf8"));
    expect(roi.channels.map((c: { channel: string }) => c.channel)).toEqual(["tv", "search"]);
    const contrib = readFileSync(join(out, "contributions.csv"), "utf8").trim().split("\n");
    expect(contrib).toHaveLength(53);
    expect(contrib[0]).toMatch(/^period,date,actual,prediction/);
  });

  it("summary, predict and check read what fit wrote", () => {
    const s = run(["summary", out]);
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/coef_media\[0\]/);
    expect(s.stdout).toMatch(/R2/);
    const future = join(dir, "future.csv");
    writeFileSync(future, "tv,search,price_index\n100,200,1.0\n0,150,1.1\n50,50,0.9\n");
    const p = run(["predict", out, "--data", future]);
    expect(p.status).toBe(0);
    expect(p.stdout.trim().split("\n")).toHaveLength(4);
    const c = run(["check", data, ...base]);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/Variance inflation factors/);
  });

  it("bad input gets a clear message and exit code 2", () => {
    const cases: [string[], RegExp][] = [
      [["fit", data, ...base, "--out", join(dir, "x"), "--chains", "0"], /--chains: expected an integer >= 1/],
      [["fit", data, "--target", "sales", "--media", "tv,radio", "--out", join(dir, "x")], /missing column "radio"/],
      [["fit", data, ...base, "--out", join(dir, "x"), "--costs", "1,2,3"], /--costs has 3 values but there are 2 media channels/],
      [["fit", data, ...base, "--out", join(dir, "x"), "--model", "hill"], /unknown model "hill"/],
      [["fit", data, ...base, "--out", join(dir, "x"), "--target-accept", "1.5"], /--target-accept/],
      [["fit", data, ...base, "--out", join(dir, "x"), "--test-rows", "55"], /leaves 5 training rows/],
      [["fit", data, ...base], /missing --out/],
      [["fit", join(dir, "nope.csv"), ...base, "--out", join(dir, "x")], /cannot read data file/],
      [["summary", join(dir, "nothing")], /cannot read model file/],
      [["summary", data], /data\.csv" is a file, not a fit's output folder: give the folder that mmm fit --out wrote \(it holds model\.mmm\)/],
      [["predict", out, "--data", data.replace("data.csv", "missing.csv")], /cannot read data file/],
      [["fit", "--bogus-option"], /./],
    ];
    for (const [args, pattern] of cases) {
      const r = run(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("daily data: the seasonal period is a year of days, and a weekly cycle without the weekday term is pointed out", () => {
    const daily = join(dir, "daily.csv");
    const lines = ["day,orders,search"];
    for (let t = 0; t < 70; t++) {
      const day = new Date(Date.UTC(2024, 0, 1 + t)).toISOString().slice(0, 10);
      lines.push([day, 100 + (t % 7 >= 5 ? 30 : 0) + ((t * 37) % 11), 20 + ((t * 13) % 7)].join(","));
    }
    writeFileSync(daily, lines.join("\n") + "\n");
    const args = ["fit", daily, "--date", "day", "--target", "orders", "--media", "search", "--chains", "1", "--warmup", "20", "--samples", "10", "--no-report"];
    const without = run([...args, "--out", join(dir, "daily")]);
    expect(without.status).toBe(0);
    expect(without.stderr).toMatch(/"orders" differs by day of the week .*add --weekday-seasonality/);
    // 70 days are less than a year of them: the seasonal warning counts in days.
    expect(without.stderr).toMatch(/less than one seasonal cycle of 365 periods/);
    const withTerm = run([...args, "--weekday-seasonality", "--out", join(dir, "daily-weekday")]);
    expect(withTerm.status).toBe(0);
    expect(withTerm.stderr).not.toMatch(/day of the week/);
  });
});

describe("mmm fit on columns the data cannot tell apart", () => {
  it("says so at the data check, and again at the end when the chains disagree", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-cli-collinear-"));
    const sim = simulateDataset({ seed: 6, T: 60, channels: 2, extras: 0 }).dataset;
    // "tv_copy" repeats "tv": their coefficients trade off along a ridge no data can shorten.
    const lines = ["week,sales,tv,tv_copy,search"];
    for (let t = 0; t < sim.T; t++) lines.push([sim.dates![t], sim.target[t], sim.media[2 * t], sim.media[2 * t], sim.media[2 * t + 1]].join(","));
    writeFileSync(join(dir, "data.csv"), lines.join("\n") + "\n");
    const out = join(dir, "fit");
    const r = run(["fit", join(dir, "data.csv"), "--target", "sales", "--media", "tv,tv_copy,search", "--date", "week", "--chains", "2", "--warmup", "60", "--samples", "40", "--threads", "0", "--no-report", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^data check: media column "tv" is a linear combination of the other media and extra columns/m);
    const end = /^warning: the data check found columns the data cannot tell apart \("tv", "tv_copy": each a linear combination of the others\); .* remove or merge those columns and refit$/m;
    // Said at the end exactly when the chains disagree.
    const rhat = JSON.parse(readFileSync(join(out, "diagnostics.json"), "utf8")).max_r_hat as number;
    if (rhat > 1.01) expect(r.stderr).toMatch(end);
    else expect(r.stderr).not.toMatch(end);
  });
});
