// `mmm fit-many` end to end on markets of the bundled example, with short
// fits: a slice with broken data is reported while the others are fitted,
// and --resume after a hard kill refits only what was not finished.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Command } from "commander";
import { addSliceOptions, readSlices, type SliceCliOptions } from "../../src/cli/sliceOptions.js";
import { fitMany } from "../../src/many/fitMany.js";
import { isComplete } from "../../src/many/sliceRecord.js";

const CLI = join(process.cwd(), "bin", "mmm.js");
const EXAMPLE = join(process.cwd(), "examples", "markets_weekly.csv");
const COLUMNS = ["--by", "market", "--target", "sales", "--media", "tv,search,social", "--extra", "price_index", "--date", "week"];
const SHORT = ["--chains", "2", "--warmup", "100", "--samples", "100", "--seed", "5"];

/** The example's rows of these markets; `edit` may change a market's rows (file line order kept). */
function marketsCsv(path: string, markets: string[], edit?: (market: string, cells: string[], i: number) => void): number[] {
  const [header, ...lines] = readFileSync(EXAMPLE, "utf8").trim().split("\n");
  const kept = lines.filter((l) => markets.includes(l.split(",")[0]));
  const counts = new Map<string, number>();
  const out = kept.map((l) => {
    const cells = l.split(",");
    const i = counts.get(cells[0]) ?? 0;
    counts.set(cells[0], i + 1);
    edit?.(cells[0], cells, i);
    return cells.join(",");
  });
  writeFileSync(path, [header, ...out].join("\n") + "\n");
  return out.map((_, i) => i + 2);
}

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
// Short fits, but a loaded machine can take minutes: more than the suite's default timeout.
const TIMEOUT_MS = 5 * 60_000;
const sliceFolders = (out: string) => readdirSync(join(out, "slices")).filter((n) => !n.startsWith("."));

describe("mmm fit-many", () => {
  it("records lockstep slices whose chains did not agree as not_converged, not as internal errors", async () => {
    // The CLI fits slices with NUTS; the API takes any sampler. 8 lockstep chains after 20 warm-up
    // iterations cannot agree: each slice must fail saying so, and publish nothing.
    const dir = mkdtempSync(join(tmpdir(), "mmm-many-"));
    const data = join(dir, "markets.csv");
    marketsCsv(data, ["north", "south"]);
    const out = join(dir, "out");
    // The options as `mmm fit-many` reads them (commander's defaults included).
    const cmd = addSliceOptions(new Command()).exitOverride();
    cmd.parse([data, ...COLUMNS, "--chains", "8", "--warmup", "20", "--samples", "20", "--seed", "5", "--out", out], { from: "user" });
    const { slices, spec, by } = readSlices(data, cmd.opts<SliceCliOptions>());
    const result = await fitMany(slices, { ...spec, sampler: { ...spec.sampler, method: "chees" } }, { out, by, workers: 1, threads: 1 });
    expect(result.outcomes.map((o) => (o.status === "failed" ? o.kind : o.status))).toEqual(["not_converged", "not_converged"]);
    for (const market of ["north", "south"]) {
      const failure = JSON.parse(readFileSync(join(out, "failed", `market=${market}.json`), "utf8"));
      expect(failure.kind).toBe("not_converged");
      expect(failure.reason).toMatch(/^NOT CONVERGED: .*nested R-hat/);
    }
    expect(sliceFolders(out)).toEqual([]);
  }, TIMEOUT_MS);

  it("fits every good slice, reports the broken one with its file row, and combines them", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-many-"));
    const data = join(dir, "markets.csv");
    // Market "east" gets a negative tv spend in its 7th week.
    marketsCsv(data, ["north", "east", "south"], (m, cells, i) => {
      if (m === "east" && i === 6) cells[3] = "-5";
    });
    const lines = readFileSync(data, "utf8").split("\n");
    const brokenRow = lines.findIndex((l) => l.startsWith("east,") && l.split(",")[3] === "-5") + 1;
    const out = join(dir, "out");
    const r = run(["fit-many", data, ...COLUMNS, ...SHORT, "--workers", "2", "--out", out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/market=east: FAILED \(input\)/);
    expect(r.stderr).toMatch(new RegExp(`row ${brokenRow}\\b`));
    expect(sliceFolders(out).sort()).toEqual(["market=north", "market=south"]);
    const failure = JSON.parse(readFileSync(join(out, "failed", "market=east.json"), "utf8"));
    expect(failure.kind).toBe("input");
    expect(failure.reason).toMatch(/tv/);
    const csv = readFileSync(join(out, "combined.csv"), "utf8").trim().split("\n");
    expect(csv[0].split(",").slice(0, 4)).toEqual(["market", "slice", "status", "channel"]);
    const ok = csv.filter((l) => l.includes(",ok,"));
    expect(ok).toHaveLength(6); // 2 markets x 3 channels
    const header = csv[0].split(",");
    for (const l of ok) {
      const cells = l.split(",");
      expect(Number(cells[header.indexOf("roi")])).toBeGreaterThan(0);
      // Short chains: a fit that misses the convergence rules is flagged with the rules it missed.
      const converged = cells[header.indexOf("converged")];
      expect(["yes", "no"]).toContain(converged);
      if (converged === "no") expect(cells[header.indexOf("reason")]).toMatch(/R-hat|ESS|divergences/);
    }
    expect(csv.find((l) => l.startsWith("east,"))).toMatch(/,failed,/);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.slices.map((s: { status: string }) => s.status)).toEqual(["failed", "ok", "ok"]);
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/market=east[\s\S]*negative|east<\/b>: failed/);
    // Every fit leaves a run record that `mmm runs` lists.
    const runs = run(["runs", out]);
    expect(runs.status).toBe(0);
    expect(runs.stdout).toMatch(/slices\/market=north/);
    expect(runs.stdout).toMatch(/slices\/market=south/);
  }, TIMEOUT_MS);

  it("stops at a misspelt column once, before fitting anything, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-many-"));
    const data = join(dir, "markets.csv");
    marketsCsv(data, ["north", "east"]);
    const out = join(dir, "out");
    const args = COLUMNS.map((a) => (a === "tv,search,social" ? "tv,serach,social" : a));
    const r = run(["fit-many", data, ...args, ...SHORT, "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([`error: ${data}: missing column "serach"; the columns are: market, week, sales, tv, search, social, price_index`]);
    expect(existsSync(out)).toBe(false);
  });

  it("Ctrl-C keeps the finished slices, publishes no partial one and exits 130", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-sigint-"));
    const data = join(dir, "markets.csv");
    marketsCsv(data, ["north", "south"]);
    const out = join(dir, "out");
    const args = ["fit-many", data, ...COLUMNS, ...SHORT, "--workers", "1", "--threads", "1", "--out", out];
    // SIGINT as soon as the first slice is published, while the second is fitting.
    const { code, err, first } = await new Promise<{ code: number | null; err: string; first: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      let first = "";
      child.stderr.on("data", (b: Buffer) => {
        err += b.toString();
        const m = /\] (market=\w+): done in/.exec(err);
        if (m && !first) {
          first = m[1];
          child.kill("SIGINT");
        }
      });
      child.on("exit", (code) => resolve({ code, err, first }));
    });
    expect(first, err).not.toBe("");
    expect(code, err).toBe(130);
    expect(err).toMatch(/stopped: stopped before every slice was fitted: 1 fitted slice\(s\) kept/);
    expect(err).not.toMatch(/internal error/);
    expect(sliceFolders(out)).toEqual([first]);
    expect(readdirSync(join(out, "slices")).filter((n) => n.startsWith("."))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.slices.map((s: { id: string; status: string }) => `${s.id}:${s.status}`).sort()).toEqual(
      ["market=north", "market=south"].map((id) => `${id}:${id === first ? "ok" : "missing"}`).sort(),
    );
  }, TIMEOUT_MS);

  it("--resume after a hard kill keeps finished slices and fits only the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-resume-"));
    const data = join(dir, "markets.csv");
    marketsCsv(data, ["west", "lakes", "valley"]);
    const out = join(dir, "out");
    const args = ["fit-many", data, ...COLUMNS, ...SHORT, "--workers", "1", "--threads", "1", "--out", out];
    // Killed (SIGKILL: no clean-up) as soon as the first slice is published.
    const first = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (b: Buffer) => {
        err += b.toString();
        const m = /\] (market=\w+): done in/.exec(err);
        if (m) {
          child.kill("SIGKILL");
          resolve(m[1]);
        }
      });
      child.on("exit", () => reject(new Error(`fit-many ended before a slice was done: ${err}`)));
    });
    expect(sliceFolders(out)).toEqual([first]);
    const model = join(out, "slices", first, "model.mmm");
    const before = statSync(model);
    const r = run([...args, "--resume"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${first}: complete from an earlier run, skipped`));
    expect(r.stderr.match(/: fitting/g)).toHaveLength(2);
    const after = statSync(model);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(sliceFolders(out).sort()).toEqual(["market=lakes", "market=valley", "market=west"]);
    // No temporary folder of the killed run is left, and every slice verifies against its hashes.
    expect(readdirSync(join(out, "slices")).filter((n) => n.startsWith("."))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    for (const s of manifest.slices) {
      expect(s.status).toBe("ok");
      expect(isComplete(out, s.id, s.data_sha256, manifest.options_sha256)).toBe(true);
    }
    // Under other options nothing is complete, so --resume would refit.
    expect(isComplete(out, first, manifest.slices[0].data_sha256, "0".repeat(64))).toBe(false);
    expect(existsSync(join(out, "failed"))).toBe(false);
  }, TIMEOUT_MS);
});
