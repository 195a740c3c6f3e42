import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const CLI = join(process.cwd(), "bin", "mmm.js");
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

describe("mmm export", () => {
  const dir = mkdtempSync(join(tmpdir(), "mmm-export-cli-"));
  const fit = join(dir, "fit");

  beforeAll(() => {
    const r = run(["fit", "--example", "--chains", "1", "--warmup", "40", "--samples", "25", "--threads", "1", "--no-report", "--out", fit]);
    expect(r.status).toBe(0);
  });

  it("writes netCDF into the fit folder by default, and csv where told", () => {
    const nc = run(["export", fit]);
    expect(nc.status).toBe(0);
    expect(nc.stdout).toContain("posterior, sample_stats, observed_data, constant_data");
    expect(readFileSync(join(fit, "posterior.nc")).subarray(1, 4).toString()).toBe("HDF");
    const out = join(dir, "csv");
    expect(run(["export", join(fit, "model.mmm"), "--format", "csv", "--out", out]).status).toBe(0);
    expect(readFileSync(join(out, "posterior.csv"), "utf8").split("\n")).toHaveLength(1 + 25 + 1);
    expect(run(["export", fit, "--format", "zarr"]).status).toBe(0);
    expect(existsSync(join(fit, "posterior.zarr", ".zmetadata"))).toBe(true);
  });

  it("exits 2 with a clear message on a bad format, model or destination", () => {
    const format = run(["export", fit, "--format", "hdf5"]);
    expect(format.status).toBe(2);
    expect(format.stderr).toContain("--format: expected one of netcdf, zarr, csv");
    const missing = run(["export", join(dir, "nothing-here")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read model file/);
    const nowhere = run(["export", fit, "--out", join(dir, "no", "such", "folder", "p.nc")]);
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toContain("does not exist");
    expect(nowhere.stderr).not.toMatch(/\n\s+at /);
    // A folder of the user's in the way is never replaced; an earlier export is.
    const taken = run(["export", fit, "--out", dir]);
    expect(taken.status).toBe(2);
    expect(taken.stderr).toContain("is not an earlier netcdf export");
    expect(existsSync(join(fit, "model.mmm"))).toBe(true);
    expect(run(["export", fit, "--format", "csv", "--out", fit]).status).toBe(2);
    expect(run(["export", fit]).status).toBe(0);
  });
});
