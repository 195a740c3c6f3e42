import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { simulateDataset } from "../../src/simulate/simulate.js";

const CLI = join(process.cwd(), "bin", "mmm.js");
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("mmm fit --roi-prior", () => {
  const dir = mkdtempSync(join(tmpdir(), "mmm-roi-"));
  const data = join(dir, "data.csv");
  const base = ["--target", "sales", "--media", "tv,search", "--date", "week"];
  const short = ["--chains", "2", "--warmup", "80", "--samples", "40", "--seed", "2"];
  let dates: string[] = [];
  beforeAll(() => {
    const d = simulateDataset({ seed: 6, T: 50, channels: 2, extras: 0 }).dataset;
    dates = d.dates!;
    const lines = ["week,sales,tv,search"];
    for (let t = 0; t < d.T; t++) lines.push([d.dates![t], d.target[t], d.media[2 * t], d.media[2 * t + 1]].join(","));
    writeFileSync(data, lines.join("\n") + "\n");
  });

  it("fits with a tight ROI prior over a period and per channel from --priors", () => {
    const out = join(dir, "fit");
    const priors = join(dir, "priors.json");
    writeFileSync(priors, JSON.stringify({ roi: [{ dist: "LogNormal", loc: Math.log(0.5), scale: 0.01 }, { dist: "LogNormal", loc: Math.log(2), scale: 0.01 }] }));
    const r = run(["fit", data, ...base, "--roi-prior", "--roi-period", `${dates[0]},${dates[49]}`, "--priors", priors, ...short, "--out", out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    const roi = JSON.parse(readFileSync(join(out, "roi.json"), "utf8")) as { channels: { channel: string; mean: number }[] };
    expect(roi.channels.map((x) => x.channel)).toEqual(["tv", "search"]);
    expect(roi.channels[0].mean / 0.5).toBeCloseTo(1, 1);
    expect(roi.channels[1].mean / 2).toBeCloseTo(1, 1);
  });

  it("a geo fit with ROI priors: the prior is on each channel's ROI over every geo", () => {
    const out = join(dir, "geo");
    const fixture = join(process.cwd(), "test", "fixtures", "geo_weekly.csv");
    const geo = ["--geo", "region", "--date", "week", "--target", "sales", "--media", "tv,search", "--extra", "price", "--degrees-seasonality", "1"];
    const r = run(["fit", fixture, ...geo, "--roi-prior", "0.4,0.01", ...short, "--out", out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    const roi = JSON.parse(readFileSync(join(out, "roi.json"), "utf8")) as { channels: { channel: string; mean: number }[] };
    for (const c of roi.channels) expect(c.mean / Math.exp(0.4)).toBeCloseTo(1, 1);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(Object.keys(summary)).toContain("channel_coef_media[1]");
  });

  it("fits with ROI priors and a lift test together, and reports the test", () => {
    const out = join(dir, "lift");
    const lift = join(dir, "lift.csv");
    writeFileSync(lift, "channel,x,delta_x,delta_y,sigma\ntv,8000,4000,1500,300\n");
    const r = run(["fit", data, ...base, "--roi-prior", "--lift-tests", lift, ...short, "--out", out]);
    expect(r.stderr).not.toMatch(/internal error|cannot be combined/);
    expect(r.status).toBe(0);
    const roi = JSON.parse(readFileSync(join(out, "roi.json"), "utf8")) as { channels: { channel: string; mean: number }[] };
    expect(roi.channels.every((x) => Number.isFinite(x.mean) && x.mean > 0)).toBe(true);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain('id="lift-table"');
  });

  it("a geo fit with ROI priors and a lift test in one geo", () => {
    const out = join(dir, "geo-lift");
    const lift = join(dir, "geo-lift.csv");
    writeFileSync(lift, "channel,geo,x,delta_x,delta_y,sigma\ntv,north,150,50,120,40\n");
    const fixture = join(process.cwd(), "test", "fixtures", "geo_weekly.csv");
    const geo = ["--geo", "region", "--date", "week", "--target", "sales", "--media", "tv,search", "--extra", "price", "--degrees-seasonality", "1"];
    const r = run(["fit", fixture, ...geo, "--roi-prior", "--lift-tests", lift, ...short, "--out", out]);
    expect(r.stderr).not.toMatch(/internal error|cannot be combined/);
    expect(r.status).toBe(0);
    const roi = JSON.parse(readFileSync(join(out, "roi.json"), "utf8")) as { channels: { channel: string; mean: number }[] };
    expect(roi.channels.every((x) => Number.isFinite(x.mean) && x.mean > 0)).toBe(true);
  });

  it("bad ROI options exit with code 2 and say what is wrong", () => {
    const bad = run(["fit", data, ...base, "--roi-prior", "0.2", ...short, "--out", join(dir, "x")]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--roi-prior: give the LogNormal's loc and scale/);
    const period = run(["fit", data, ...base, "--roi-period", "2020-01-01,2020-02-01", ...short, "--out", join(dir, "y")]);
    expect(period.status).toBe(2);
    expect(period.stderr).toMatch(/--roi-period needs --roi-prior/);
    const empty = run(["fit", data, ...base, "--roi-prior", "--roi-period", "1990-01-01,1990-02-01", ...short, "--out", join(dir, "z")]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/calibration period 1990-01-01 .. 1990-02-01 holds no training date/);
  });
});
