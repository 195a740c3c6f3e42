import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { findRuns, formatRunComparison, formatRunList } from "../../src/runs/listRuns.js";
import { convergenceIssues, datasetHash, divergenceNotes, engineVersionString, runRecord, writeRunRecord, RUN_FILE, type RunRecord } from "../../src/runs/runRecord.js";

const CLI = join(process.cwd(), "bin", "mmm.js");

describe("run records", () => {
  let fit: FittedMMM;
  let record: RunRecord;
  beforeAll(async () => {
    const sim = simulateDataset({ seed: 8, T: 40, channels: 2, extras: 1 });
    fit = await fitMMM(sim.dataset, { sampler: { chains: 2, warmup: 60, samples: 40, seed: 4, threads: 0 } }, { trainRows: 34 });
    record = runRecord(fit, { command: "api", source: "sim.csv", slice: { market: "north" } });
  });

  it("holds configuration, data hash, engine version, seed, timings and headline metrics", () => {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8"));
    expect(record.engine.version).toBe(pkg.version);
    expect(engineVersionString()).toBe(pkg.version);
    expect(record.seed).toBe(4);
    expect(record.slice).toEqual({ market: "north" });
    expect(record.data).toMatchObject({ source: "sim.csv", rows: 40, train_rows: 34 });
    expect(record.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((record.configuration as { sampler: { chains: number } }).sampler.chains).toBe(2);
    expect(record.timings.wall_seconds).toBeGreaterThan(0);
    // What the chains did, beside what was asked (here the same: 40 draws a chain).
    const d = fit.diagnostics();
    expect(record.sampling).toEqual({ chains: 2, warmup: 60, draws: d.draws, gradient_evaluations: d.gradient_evaluations.total });
    expect(record.metrics.test_r2).toBeTypeOf("number");
    expect(record.channels.map((c) => c.channel)).toEqual(fit.record.dataset.channelNames);
    for (const c of record.channels) {
      expect(c.roi_low).toBeLessThanOrEqual(c.roi);
      expect(c.roi).toBeLessThanOrEqual(c.roi_high);
      expect(c.spend).toBeGreaterThan(0);
    }
  });

  it("hashes the data the model saw: one changed spend changes it", () => {
    const d = fit.record.dataset;
    const changed = { ...fit, record: { ...fit.record, dataset: { ...d, media: Float64Array.from(d.media, (v, i) => (i === 5 ? v + 1 : v)) } } } as FittedMMM;
    expect(datasetHash(changed)).not.toBe(datasetHash(fit));
    expect(datasetHash(fit)).toBe(record.data.sha256);
  });

  it("mmm runs lists records under a folder and compares two", () => {
    const root = mkdtempSync(join(tmpdir(), "mmm-runs-"));
    const a = join(root, "2026-11");
    const b = join(root, "2026-12", "slices", "market=north");
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    writeRunRecord(a, { ...record, created: "2026-11-01T00:00:00.000Z" });
    const later: RunRecord = {
      ...record,
      created: "2026-12-01T00:00:00.000Z",
      data: { ...record.data, sha256: "f".repeat(64), rows: 44 },
      channels: record.channels.map((c) => ({ ...c, roi: c.roi + 0.5 })),
      // The chains went on while they disagreed: the list shows the draws made, not those asked.
      sampling: { ...record.sampling!, draws: 120 },
    };
    writeRunRecord(b, later);
    // A temporary folder is never listed.
    mkdirSync(join(root, ".tmp-x"));
    writeFileSync(join(root, ".tmp-x", RUN_FILE), JSON.stringify(record));
    const runs = findRuns(root);
    expect(runs.map((r) => r.path)).toEqual(["2026-11", "2026-12/slices/market=north"]);
    expect(formatRunList(runs)).toMatch(/2026-11\s+2026-11-01 00:00:00\s+north/);
    expect(formatRunList(runs)).toMatch(/market=north\s+2026-12-01 00:00:00\s+north\s+f{8}\s+4\s+2 x 120\s/);
    // A record written before run.json had "sampling" shows the draws asked for.
    const { sampling: _, ...older } = record;
    expect(formatRunList([{ path: "old", record: older }])).toMatch(/old\s.*\s2 x 40\s/);
    const cmp = formatRunComparison(runs[0], runs[1]);
    expect(cmp).toMatch(/data: changed \(40 -> 44 rows/);
    expect(cmp).toMatch(/configuration: the same/);
    expect(cmp).toMatch(new RegExp(`draws a chain\\s+${record.sampling!.draws}\\s+120\\s+${120 - record.sampling!.draws}\\b`));
    expect(cmp).toMatch(new RegExp(`${record.channels[0].channel}\\s.*\\s0\\.50\\s`));
    const cli = spawnSync(process.execPath, [CLI, "runs", root, "--compare", "2026-11", "2026-12/slices/market=north"], { encoding: "utf8" });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe(cmp + "\n");
    // The runs may also be given as paths from the current folder (what tab completion gives), or as "./x/".
    const fromHere = spawnSync(process.execPath, [CLI, "runs", root, "--compare", a, `${b}/`], { encoding: "utf8" });
    expect(fromHere.stderr).toBe("");
    expect(fromHere.stdout).toBe(cmp + "\n");
    const fromRoot = spawnSync(process.execPath, [CLI, "runs", ".", "--compare", "./2026-11/", "2026-12/slices/market=north"], { encoding: "utf8", cwd: root });
    expect(fromRoot.stdout).toBe(cmp + "\n");
    // Without a folder, the current one is searched.
    const here = spawnSync(process.execPath, [CLI, "runs"], { encoding: "utf8", cwd: root });
    expect(here.status).toBe(0);
    expect(here.stdout).toBe(spawnSync(process.execPath, [CLI, "runs", root], { encoding: "utf8" }).stdout);
    expect(here.stdout).toMatch(/2026-11/);
    const bad = spawnSync(process.execPath, [CLI, "runs", root, "--compare", "2026-11", "nowhere"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no run record at "nowhere"/);
    expect(spawnSync(process.execPath, [CLI, "runs", join(root, "missing")], { encoding: "utf8" }).status).toBe(2);
  });
});

describe("the convergence flag of a run record", () => {
  it("is R-hat at most 1.01 and bulk ESS at least 100 per chain; divergences are a separate note", () => {
    expect(convergenceIssues({ max_r_hat: 1.005, min_ess_bulk: 400, chains: 4 })).toEqual([]);
    expect(convergenceIssues({ max_r_hat: 1.02, min_ess_bulk: 399, chains: 4 })).toEqual(["max R-hat 1.020 > 1.01", "min bulk-ESS 399 < 400"]);
    // An R-hat that cannot be computed is not a pass.
    expect(convergenceIssues({ max_r_hat: Number.NaN, min_ess_bulk: 1000, chains: 2 })).toHaveLength(1);
    expect(divergenceNotes({ divergences: 0 })).toEqual([]);
    expect(divergenceNotes({ divergences: 3 })[0]).toMatch(/^3 divergent transitions after warm-up/);
  });
});
