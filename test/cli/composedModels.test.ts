import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { simulateDataset } from "../../src/simulate/simulate.js";

const CLI = join(process.cwd(), "bin", "mmm.js");
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("mmm fit --adstock --saturation --lift-tests", () => {
  const dir = mkdtempSync(join(tmpdir(), "mmm-zoo-"));
  const data = join(dir, "data.csv");
  const lift = join(dir, "lift.csv");
  const base = ["--target", "sales", "--media", "tv,search", "--date", "week"];
  const short = ["--chains", "2", "--warmup", "40", "--samples", "20", "--seed", "2"];
  beforeAll(() => {
    const d = simulateDataset({ seed: 6, T: 50, channels: 2, extras: 0, model: "weibull_cdf+tanh" }).dataset;
    const lines = ["week,sales,tv,search"];
    for (let t = 0; t < d.T; t++) lines.push([d.dates![t], d.target[t], d.media[2 * t], d.media[2 * t + 1]].join(","));
    writeFileSync(data, lines.join("\n") + "\n");
    writeFileSync(lift, "channel,x,delta_x,delta_y,sigma,date_start,date_end\ntv,8000,4000,1500,300,2024-02-05,2024-03-03\n");
  });

  it("fits a composed model with a lift test and reports both", () => {
    const out = join(dir, "fit");
    const r = run(["fit", data, ...base, "--adstock", "weibull_cdf", "--saturation", "tanh", "--lift-tests", lift, ...short, "--out", out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    const names = Object.keys(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")));
    expect(names).toContain("weibull_shape[1]");
    expect(names).toContain("tanh_scale[0]");
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("weibull_cdf+tanh model");
    expect(html).toContain('id="lift-table"');
  });

  it("mmm report --lift-before shows each test's lift before and after calibration", () => {
    const after = join(dir, "fit");
    const before = join(dir, "uncalibrated");
    expect(run(["fit", data, ...base, "--adstock", "weibull_cdf", "--saturation", "tanh", ...short, "--no-report", "--out", before]).status).toBe(0);
    const page = join(dir, "both.html");
    const r = run(["report", after, "--lift-before", before, "--out", page]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toContain("Model's lift before calibration (94% interval)");
    expect(html).toContain("Model's lift after calibration (94% interval)");
    // One row per test, with both model columns filled.
    const row = html.slice(html.indexOf('<table id="lift-table">')).split("<tbody>")[1]!.split("</tbody>")[0]!.trim();
    expect(row.split("<tr>").length - 1).toBe(1);
    expect(row.match(/class="range"/g)?.length).toBe(2);
    // The uncalibrated fit has no tests of its own to compare against, so it cannot be the calibrated side.
    const wrongWay = run(["report", before, "--lift-before", after, "--out", join(dir, "wrong.html")]);
    expect(wrongWay.status).toBe(2);
    expect(wrongWay.stderr).toMatch(/--lift-before: the model in DIR was not calibrated on lift tests/);
    const other = join(dir, "other");
    expect(run(["fit", data, "--target", "sales", "--media", "tv", "--date", "week", ...short, "--no-report", "--out", other]).status).toBe(0);
    const mismatch = run(["report", after, "--lift-before", other, "--out", join(dir, "mismatch.html")]);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/other channels or geos/);
  });

  it("bad names and bad lift-test files exit with code 2 and say what is wrong", () => {
    const bad = run(["fit", data, ...base, "--adstock", "binomial", ...short, "--out", join(dir, "x")]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--adstock: unknown adstock "binomial"; use one of geometric, delayed/);
    const both = run(["fit", data, ...base, "--model", "carryover", "--saturation", "hill", ...short, "--out", join(dir, "y")]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/not both/);
    writeFileSync(join(dir, "bad.csv"), "channel,x,delta_x,delta_y,sigma\ntv,100,50,10,-1\n");
    const badLift = run(["fit", data, ...base, "--lift-tests", join(dir, "bad.csv"), ...short, "--out", join(dir, "z")]);
    expect(badLift.status).toBe(2);
    expect(badLift.stderr).toMatch(/bad.csv: row 2: sigma .* must be > 0/);
    writeFileSync(join(dir, "unknown.csv"), "channel,x,delta_x,delta_y,sigma\nradio,100,50,10,1\n");
    const unknown = run(["fit", data, ...base, "--lift-tests", join(dir, "unknown.csv"), ...short, "--out", join(dir, "w")]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown.csv: row 2: channel "radio" is not a media channel/);
    expect(existsSync(join(dir, "w", "model.mmm"))).toBe(false);
  });
});
