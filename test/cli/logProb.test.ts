import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mulberry32, uniformIn } from "../helpers/random.js";

const CLI = join(process.cwd(), "bin", "mmm.js");
const PY = join(process.cwd(), "test", "fixtures", "logprob_reference.py");
const hasPython = spawnSync("python3", ["--version"]).status === 0;

function writeData(dir: string, seed: number, T: number): string {
  const rand = mulberry32(seed);
  const lines = ["week,sales,tv,radio,search,price,promo"];
  for (let t = 0; t < T; t++) {
    const cell = (zeroProb: number, hi: number) => (rand() < zeroProb ? 0 : uniformIn(rand, 1, hi)).toFixed(4);
    lines.push(
      [t, uniformIn(rand, 900, 1300).toFixed(3), cell(0.3, 500), cell(0.1, 80), cell(0, 200), uniformIn(rand, 1, 2).toFixed(4), uniformIn(rand, 0, 1).toFixed(4)].join(","),
    );
  }
  const path = join(dir, `data-${seed}.csv`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

function params(model: string, seed: number): Record<string, unknown> {
  const r = mulberry32(seed);
  const u = (lo: number, hi: number) => uniformIn(r, lo, hi);
  const vec = (lo: number, hi: number) => [u(lo, hi), u(lo, hi), u(lo, hi)];
  const p: Record<string, unknown> = {
    intercept: [u(0.2, 1)],
    sigma: [u(0.05, 0.3)],
    coef_trend: [u(-0.01, 0.01)],
    expo_trend: u(0.6, 1.4),
    coef_media: vec(0.01, 0.4),
    gamma_seasonality: [[u(-0.1, 0.1), u(-0.1, 0.1)], [u(-0.1, 0.1), u(-0.1, 0.1)]],
    coef_extra_features: [u(-0.2, 0.2), u(-0.2, 0.2)],
  };
  if (model === "carryover") {
    Object.assign(p, { ad_effect_retention_rate: vec(0.1, 0.9), peak_effect_delay: vec(0.2, 3), exponent: vec(0.5, 0.99) });
  } else {
    p.lag_weight = vec(0.05, 0.95);
    if (model === "hill_adstock") Object.assign(p, { half_max_effective_concentration: vec(0.3, 2), slope: vec(0.5, 3) });
    else p.exponent = vec(0.5, 0.99);
  }
  return p;
}

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("mmm log-prob", () => {
  const dir = mkdtempSync(join(tmpdir(), "mmm-logprob-"));

  for (const [k, model] of ["hill_adstock", "adstock", "carryover"].entries()) {
    it.skipIf(!hasPython)(`${model}: agrees with an independent Python implementation to 1e-9`, () => {
      for (let rep = 0; rep < 3; rep++) {
        const seed = 10 * k + rep;
        const data = writeData(dir, seed, 40 + 31 * rep);
        const pfile = join(dir, `p-${seed}.json`);
        writeFileSync(pfile, JSON.stringify(params(model, seed + 100)));
        const costs = rep === 1 ? "-" : "1000,300,600";
        const args = ["log-prob", "--data", data, "--target", "sales", "--media", "tv,radio,search", "--extra", "price,promo", "--model", model, "--params", pfile];
        if (costs !== "-") args.push("--costs", costs);
        const out = runCli(args);
        expect(out.stderr).toBe("");
        expect(out.status).toBe(0);
        const ours = JSON.parse(out.stdout);
        const theirs = JSON.parse(
          execFileSync("python3", [PY, data, "sales", "tv,radio,search", "price,promo", costs, "0.15", model, "2", "52", pfile], { encoding: "utf8" }),
        );
        expect(Math.abs(ours.lp - theirs.lp) / Math.abs(theirs.lp)).toBeLessThan(1e-9);
        expect(Math.abs(ours.lp_jacobian - theirs.lp_jacobian) / Math.abs(theirs.lp_jacobian)).toBeLessThan(1e-9);
        const transformParams = model === "adstock" ? 2 : 3;
        expect(ours.gradient).toHaveLength(3 + 1 + 3 * (1 + transformParams) + 4 + 2);
        expect(ours.gradient.every(Number.isFinite)).toBe(true);
      }
    });
  }

  it("names the missing column, the bad cell and the bad parameter, with exit code 2", () => {
    const data = writeData(dir, 99, 20);
    const pfile = join(dir, "p-bad.json");
    writeFileSync(pfile, JSON.stringify(params("hill_adstock", 5)));
    const base = ["log-prob", "--data", data, "--target", "sales", "--extra", "price,promo", "--params", pfile];
    let r = runCli([...base, "--media", "tv,radio,seach"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing column "seach"/);
    r = runCli([...base, "--media", "tv,radio,search", "--costs", "1,2"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--costs has 2 values but there are 3 media channels/);
    const bad = { ...params("hill_adstock", 5), lag_weight: [0.5, 1.5, 0.2] };
    writeFileSync(pfile, JSON.stringify(bad));
    r = runCli([...base, "--media", "tv,radio,search"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/lag_weight\[1\] = 1.5 is outside its support/);
    const csv = join(dir, "neg.csv");
    writeFileSync(csv, "sales,tv\n1,2\n3,-1\n");
    r = runCli(["log-prob", "--data", csv, "--target", "sales", "--media", "tv", "--params", pfile]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/media column "tv", row 3: negative value -1/);
    expect(r.stderr).not.toMatch(/at .*\.js/);
  });
});
