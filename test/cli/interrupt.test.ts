// Ctrl-C and SIGTERM during `mmm fit`: the chains stop, the command says what
// it did, exits 130 / 143, and an earlier fit in --out is left as it was.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(process.cwd(), "bin", "mmm.js");

/** Runs `mmm fit --example` and sends `sig` once stderr matches `when`. */
function fitAndSignal(out: string, extra: string[], when: (stderr: string) => boolean, sig: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "fit", "--example", "--chains", "2", "--threads", "2", "--seed", "2", "--no-report", "--out", out, ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let sent = false;
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      if (!sent && when(stderr)) {
        sent = true;
        child.kill(sig);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

function earlierFit(dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const files = { "model.mmm": "earlier model", "summary.csv": "earlier summary", "roi.json": "[]" };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return files;
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

describe("stopping `mmm fit` with a signal", () => {
  const root = mkdtempSync(join(tmpdir(), "mmm-interrupt-"));

  it("Ctrl-C in the first draws: too few to keep, says so, writes nothing", async () => {
    const out = join(root, "first-draws");
    const before = earlierFit(out);
    const r = await fitAndSignal(out, ["--warmup", "100", "--samples", "5000"], (e) => /\(sampling\)/.test(e), "SIGINT");
    expect(r.stderr).toMatch(/stopped: stopped (at the start of|during) sampling .*nothing was written to/);
    expect(r.code).toBe(130);
    expect(contents(out)).toEqual(before);
  });

  it("Ctrl-C during sampling: exit 130, says how many draws it had, writes nothing", async () => {
    const out = join(root, "sampling");
    const before = earlierFit(out);
    const r = await fitAndSignal(out, ["--warmup", "100", "--samples", "5000"], (e) => /: (\d+)\/5100 \(sampling\)/.exec(e)?.[1] !== undefined && Number(/: (\d+)\/5100 \(sampling\)[^\n]*\n$/.exec(e)?.[1] ?? 0) >= 300, "SIGINT");
    expect(r.stderr).toMatch(/Ctrl-C: stopping the chains/);
    expect(r.stderr).toMatch(/stopped: stopped during sampling \(\d chains? x \d+ draws kept\); nothing was written to .* \(an earlier fit there is untouched\)/);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.code).toBe(130);
    expect(contents(out)).toEqual(before);
  });

  it("SIGTERM during warm-up: exit 143, stopped during warm-up, writes nothing", async () => {
    const out = join(root, "warmup");
    const before = earlierFit(out);
    const r = await fitAndSignal(out, ["--warmup", "5000", "--samples", "100"], (e) => /\(warmup\)/.test(e), "SIGTERM");
    expect(r.stderr).toMatch(/SIGTERM: stopping the chains/);
    expect(r.stderr).toMatch(/stopped: stopped during warm-up .*nothing was written to/);
    expect(r.code).toBe(143);
    expect(contents(out)).toEqual(before);
  });
});
