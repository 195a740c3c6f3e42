import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(process.cwd(), "bin", "mmm.js");
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

describe("mmm fit --init", () => {
  it("exits 2 naming the option and its choices for an unknown value", () => {
    const r = run(["fit", "--example", "--init", "lbfgs", "--chains", "1", "--warmup", "10", "--samples", "1", "--out", join(mkdtempSync(join(tmpdir(), "mmm-init-")), "fit")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--init/);
    expect(r.stderr).toMatch(/pathfinder/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("starts the chains with Pathfinder and records it in the fit", () => {
    const out = join(mkdtempSync(join(tmpdir(), "mmm-init-")), "fit");
    const r = run(["fit", "--example", "--init", "pathfinder", "--chains", "2", "--warmup", "20", "--samples", "10", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    const diagnostics = JSON.parse(readFileSync(join(out, "diagnostics.json"), "utf8"));
    expect(diagnostics.gradient_evaluations.initialisation).toBeGreaterThan(0);
  });
});
