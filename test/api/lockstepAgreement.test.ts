import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FittedMMM, NotConvergedError, fitMMM, simulateDataset } from "../../src/index.js";

// Five warm-up iterations cannot bring 8 chains started apart into agreement:
// the fit must say so instead of summarising the draws as a posterior.
const sampler = { chains: 8, warmup: 5, samples: 20, seed: 2, backend: "cpu" as const, method: "chees" as const, initJitter: 2 };

describe("a lockstep fit whose chains disagree", () => {
  const sim = simulateDataset({ seed: 4, T: 40, channels: 2, extras: 0 });

  it("throws NotConvergedError naming nested R-hat and R-hat, with the fit attached", async () => {
    const error = await fitMMM(sim.dataset, { sampler }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotConvergedError);
    const e = error as NotConvergedError;
    expect(e.message).toMatch(/NOT CONVERGED/);
    expect(e.message).toMatch(/nested R-hat \d+\.\d{3} over 8 superchains/);
    expect(e.nestedRhat! >= 1.01 || e.maxRhat >= 1.01).toBe(true);
    expect(e.fit).toBeInstanceOf(FittedMMM);
    const d = (e.fit as FittedMMM).diagnostics();
    expect(d.method).toBe("chees");
    // Lockstep records no per-draw energy: E-BFMI is an empty list with a note, never null.
    expect(d.e_bfmi).toEqual([]);
    expect(d.e_bfmi_note).toMatch(/ChEES-HMC \(lockstep\) records no per-draw energy/);
    expect(JSON.stringify(d)).not.toMatch(/null/);
  }, 60_000);

  it("makes the CLI exit with code 3 and write no outputs", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-notconv-"));
    const data = join(dir, "data.csv");
    const d = sim.dataset;
    const lines = ["week,sales,tv,search"];
    for (let t = 0; t < d.T; t++) lines.push([d.dates![t], d.target[t], d.media[2 * t], d.media[2 * t + 1]].join(","));
    writeFileSync(data, lines.join("\n") + "\n");
    const out = join(dir, "fit");
    const args = ["fit", data, "--target", "sales", "--media", "tv,search", "--date", "week", "--out", out];
    const flags = ["--chains", "8", "--warmup", "10", "--samples", "20", "--seed", "2", "--backend", "cpu", "--method", "chees"];
    const r = spawnSync(process.execPath, [join(process.cwd(), "bin", "mmm.js"), ...args, ...flags], { encoding: "utf8" });
    expect(r.stderr).toMatch(/error: NOT CONVERGED/);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.status).toBe(3);
    expect(existsSync(join(out, "summary.json"))).toBe(false);
  }, 60_000);

  it("says so for a geo model too: the CLI exits with code 3 naming nested R-hat, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-notconv-geo-"));
    const out = join(dir, "fit");
    const data = join(process.cwd(), "examples", "geo_weekly.csv");
    const args = ["fit", data, "--geo", "geo", "--date", "date", "--target", "sales", "--media", "tv,search,social", "--extra", "price_index", "--out", out];
    const flags = ["--chains", "4", "--warmup", "10", "--samples", "10", "--max-samples", "20", "--seed", "2", "--backend", "cpu", "--method", "chees", "--no-report"];
    const r = spawnSync(process.execPath, [join(process.cwd(), "bin", "mmm.js"), ...args, ...flags], { encoding: "utf8" });
    // Lockstep chains go on too, within a bound on their stored draws.
    expect(r.stderr).toMatch(/fitting: 4 chains x \(10 warm-up \+ 10 draws, more while the chains disagree, up to 20 \(fewer if the 4 chains' draws would pass 512 MiB\)\)/);
    expect(r.stderr).toMatch(/error: NOT CONVERGED: the 4 lockstep chains \(CPU\) did not reach agreement \(nested R-hat \d+\.\d{3} over 4 superchains/);
    expect(r.stderr).toMatch(/They went on while they disagreed, to 20 draws each \(at most 20\)/);
    expect(r.stderr).toMatch(/no summary is given/);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.status).toBe(3);
    expect(existsSync(join(out, "summary.json"))).toBe(false);
    expect(existsSync(join(out, "diagnostics.json"))).toBe(false);
  }, 120_000);
});
