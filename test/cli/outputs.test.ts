// Outputs people can read: channel names beside indexed labels (terminal,
// CSV, JSON), `summary --json`, roi.json with the fields of the API's roi(),
// predict with dates, and progress that shows every chain from the start with
// elapsed time and the time left.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { progressDisplay, RunClock, formatDuration } from "../../src/cli/progress.js";
import { loadMMM } from "../../src/io/modelFile.js";
import { simulateDataset } from "../../src/simulate/simulate.js";

const dir = mkdtempSync(join(tmpdir(), "mmm-outputs-"));
const out = join(dir, "fit");
const sim = simulateDataset({ seed: 4, T: 70, channels: 2, extras: 1 });

async function mmm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

describe("readable outputs", () => {
  let fitText: string;
  beforeAll(async () => {
    const d = sim.dataset;
    const lines = ["week,sales,tv,search,price_index"];
    for (let t = 0; t < d.T; t++) lines.push([d.dates![t], d.target[t], d.media[2 * t], d.media[2 * t + 1], d.extra[t]].join(","));
    writeFileSync(join(dir, "data.csv"), lines.join("\n") + "\n");
    const r = await mmm(["fit", join(dir, "data.csv"), "--target", "sales", "--media", "tv,search", "--extra", "price_index", "--date", "week", "--chains", "2", "--warmup", "40", "--samples", "20", "--threads", "0", "--no-report", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    fitText = r.stdout;
  });

  it("names the channel and the extra column beside each indexed label", () => {
    expect(fitText).toMatch(/^coef_media\[1\] \(search\)\s/m);
    expect(fitText).toMatch(/^coef_extra_features\[0\] \(price_index\)\s/m);
    const csv = readFileSync(join(out, "summary.csv"), "utf8").split("\n");
    expect(csv[0]).toMatch(/^,about,mean,/);
    expect(csv.find((l) => l.startsWith('"coef_media[0]"') || l.startsWith("coef_media[0]"))).toMatch(/,tv,/);
    const json = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(json["coef_media[1]"].about).toBe("search");
    expect(json.sigma?.about).toBeUndefined();
  });

  it("summary --json prints one object with the summary, diagnostics, metrics and ROI", async () => {
    const r = await mmm(["summary", out, "--json"]);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(Object.keys(o)).toEqual(["summary", "diagnostics", "metrics", "roi"]);
    expect(o.summary["coef_media[0]"].about).toBe("tv");
    expect(o.diagnostics.chains).toBe(2);
  });

  it("roi.json holds the fields of the API's roi() (without the draws), plus contribution and marginal ROI", () => {
    const file = JSON.parse(readFileSync(join(out, "roi.json"), "utf8")).channels as Record<string, unknown>[];
    const api = loadMMM(join(out, "model.mmm")).roi();
    expect(file).toHaveLength(api.length);
    api.forEach(({ draws: _d, ...r }, i) => {
      for (const [k, v] of Object.entries(r)) expect(file[i][k], k).toEqual(v);
      expect(Object.keys(file[i])).toEqual(expect.arrayContaining(["contribution", "contribution_share", "marginal_roi"]));
    });
  });

  it("predict writes the dates of the predicted periods", async () => {
    writeFileSync(join(dir, "future.csv"), "tv,search,price_index\n100,50,1\n120,40,1.1\n");
    const r = await mmm(["predict", out, "--data", join(dir, "future.csv")]);
    expect(r.code, r.stderr).toBe(0);
    const last = new Date(`${sim.dataset.dates![69]}T00:00:00Z`).getTime();
    const next = (n: number) => new Date(last + n * 7 * 86_400_000).toISOString().slice(0, 10);
    const rows = r.stdout.trim().split("\n");
    expect(rows[0]).toBe("period,date,mean,hdi_3%,hdi_97%");
    expect(rows[1].split(",").slice(0, 2)).toEqual(["0", next(1)]);
    expect(rows[2].split(",").slice(0, 2)).toEqual(["1", next(2)]);
    // With --out: the same CSV in the file, and a line saying where it went.
    const file = join(dir, "prediction.csv");
    const w = await mmm(["predict", out, "--data", join(dir, "future.csv"), "--out", file]);
    expect(w.code, w.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(r.stdout);
    expect(w.stdout).toBe(`wrote ${file} (2 periods)\n`);
  });

  it("predict reads the dates from the fit's own date column where the new rows have it, without --date", async () => {
    const last = new Date(`${sim.dataset.dates![69]}T00:00:00Z`).getTime();
    const week = (n: number) => new Date(last + n * 7 * 86_400_000).toISOString().slice(0, 10);
    // Two weeks after the fitted data: dated as written, with the warning about the week between.
    writeFileSync(join(dir, "dated.csv"), `week,tv,search,price_index\n${week(2)},100,50,1\n${week(3)},120,40,1.1\n`);
    const r = await mmm(["predict", out, "--data", join(dir, "dated.csv")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").slice(1).map((l) => l.split(",")[1])).toEqual([week(2), week(3)]);
    expect(r.stderr).toMatch(/warning: the new rows start 1 weekly period after the fitted data ends/);
    // The training file itself is refused, naming the column it read.
    const again = await mmm(["predict", out, "--data", join(dir, "data.csv")]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/date column "week" \(the fit's\), row 2: .* is inside the fitted data/);
  });
});

describe("progress", () => {
  it("shows every chain from the first report, with elapsed time and time left", () => {
    let now = 0;
    let text = "";
    const stream = { isTTY: false, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
    const p = progressDisplay(3, stream, () => now);
    now = 2000;
    p.update({ chainId: 0, iteration: 20, total: 200, phase: "warmup", divergences: 0 });
    expect(text).toMatch(/^3 chains of 200 iterations each/);
    // 20 of 600 iterations in 2 s: 58 s left.
    expect(text).toMatch(/chain 0: 20\/200 \(warmup\), divergences 0; 2s elapsed, about 58s left/);
    now = 4000;
    p.update({ chainId: 0, iteration: 22, total: 200, phase: "warmup", divergences: 0 });
    expect(text.split("\n").filter(Boolean)).toHaveLength(2);
    now = 15_000;
    p.update({ chainId: 0, iteration: 24, total: 200, phase: "warmup", divergences: 0 });
    expect(text.split("\n").filter(Boolean)).toHaveLength(3);
    p.update({ chainId: 2, iteration: 110, total: 200, phase: "sampling", divergences: 1 });
    expect(text).toMatch(/chain 2: 110\/200 \(sampling\), divergences 1; 15s elapsed/);
  });

  it("formats durations and estimates from the rate so far", () => {
    expect(formatDuration(42)).toBe("42s");
    expect(formatDuration(65)).toBe("1m05s");
    expect(formatDuration(3700)).toBe("1h01m");
    let now = 0;
    const c = new RunClock(() => now);
    expect(Number.isNaN(c.remaining(0, 100))).toBe(true);
    now = 10_000;
    expect(c.remaining(25, 100)).toBeCloseTo(30, 9);
  });
});
