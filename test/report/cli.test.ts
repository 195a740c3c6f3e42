import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { simulateDataset } from "../../src/simulate/simulate.js";

const CLI = join(process.cwd(), "bin", "mmm.js");

function mmm(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("mmm fit writes report.html; mmm report rewrites it", () => {
  const dir = mkdtempSync(join(tmpdir(), "mmm-report-"));
  const data = join(dir, "data.csv");
  const out = join(dir, "fit");
  const base = ["--target", "sales", "--media", "tv,search", "--date", "week", "--chains", "2", "--warmup", "80", "--samples", "40", "--seed", "3"];
  let fit: ReturnType<typeof mmm>;
  let weeklySpend = 0;
  beforeAll(() => {
    const sim = simulateDataset({ seed: 4, T: 60, channels: 2, extras: 0 });
    const d = sim.dataset;
    const lines = ["week,sales,tv,search"];
    for (let t = 0; t < d.T; t++) lines.push([d.dates![t], d.target[t], d.media[2 * t], d.media[2 * t + 1]].join(","));
    writeFileSync(data, lines.join("\n") + "\n");
    weeklySpend = Array.from(d.media).reduce((a, b) => a + b, 0) / d.T;
    fit = mmm(["fit", data, ...base, "--out", out]);
  });

  it("fit writes a self-contained report beside its other outputs", () => {
    expect(fit.stderr).not.toMatch(/internal error|could not write the report/);
    expect(fit.status).toBe(0);
    expect(fit.stdout).toContain(`${out}/report.html`);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const id of ["model-fit", "contributions-over-time", "roi", "response-curves", "prior-posterior", "diagnostics"]) {
      expect(html).toContain(`id="plot-${id}"`);
    }
    // Nothing to fetch: no scripts, stylesheets, images or fonts from elsewhere.
    expect(html).not.toMatch(/<script|<link|<img|@import|@font-face|src=/i);
    // With no budget given, the report splits today's spending rate over the next 13 weeks.
    expect(html).toContain('id="budget-table"');
    expect(html).toMatch(/over the next 13 weeks/);
  });

  it("--no-report skips it", () => {
    const out2 = join(dir, "fit2");
    const r = mmm(["fit", data, ...base, "--samples", "20", "--out", out2, "--no-report"]);
    expect(r.status).toBe(0);
    expect(existsSync(join(out2, "model.mmm"))).toBe(true);
    expect(existsSync(join(out2, "report.html"))).toBe(false);
  });

  it("report --budget adds the optimizer's allocation (or says the optimizer is not available)", () => {
    const budget = Math.round(weeklySpend * 13);
    const file = join(dir, "with-budget.html");
    const r = mmm(["report", out, "--budget", String(budget), "--out", file]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote ${file}`);
    const html = readFileSync(file, "utf8");
    expect(html).toContain('id="plot-budget"');
    expect(html).toContain('id="budget-table"');
    expect(html).toMatch(new RegExp(`Spending ${budget.toLocaleString("en-US")} over the next 13 weeks`));
    // A budget the optimizer cannot meet: the report is written, and the warning is whole sentences.
    const low = mmm(["report", out, "--budget", "1", "--out", join(dir, "low-budget.html")]);
    expect(low.status).toBe(0);
    expect(low.stderr).toMatch(/^warning: the optimizer failed: budget 1 is below the sum of the channels' lower bounds .*\)\. The report says so in its budget section\.$/m);
  });

  it("bad input exits with code 2 and a clear message", () => {
    const cases: [string[], RegExp][] = [
      [["report", join(dir, "nowhere")], /cannot read model file .*model\.mmm/],
      [["report", out, "--budget", "-5"], /--budget: expected a positive amount/],
      [["report", out, "--periods", "4"], /give --budget too/],
      [["report", out, "--budget", "1000", "--periods", "0"], /--periods: expected an integer >= 1/],
    ];
    for (const [args, message] of cases) {
      const r = mmm(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
