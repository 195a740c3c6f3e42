// Recovery on the bundled multi-market example: `mmm fit-many` fits all 12
// markets (short chains: 2 x 300 + 300) and the combined table orders each
// market's channels by ROI as the truth does (examples/markets_weekly.truth.json).
//
// The criterion is on channel pairs: at least 90% of the 36 within-market
// pairs ordered as the truth, and no market with more pairs wrong than right.
// Requiring all 12 rankings exactly would fail by chance for a correct
// engine: with 36 ROIs, a few true values fall outside their 94% intervals,
// and where two channels' posteriors overlap their order can swap.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(process.cwd(), "bin", "mmm.js");

/** Runs the CLI without blocking the test worker (so the test timeout can act). */
function runCli(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("exit", (status) => resolve({ status, stderr }));
  });
}

// 12 fits of 156 weeks: about 2 minutes on 2 idle cores, several on a loaded machine.
const TIMEOUT_MS = 20 * 60_000;

describe("fit-many on examples/markets_weekly.csv", () => {
  it("fits every market and recovers the markets' ROI rankings from combined.csv", async () => {
    const truth = JSON.parse(readFileSync(join(process.cwd(), "examples", "markets_weekly.truth.json"), "utf8"));
    const out = join(mkdtempSync(join(tmpdir(), "mmm-markets-")), "out");
    const r = await runCli(
      ["fit-many", join("examples", "markets_weekly.csv"), "--by", "market", "--target", "sales", "--media", truth.columns.media.join(","),
        "--extra", "price_index", "--date", "week", "--chains", "2", "--warmup", "300", "--samples", "300", "--seed", "1", "--out", out],
    );
    expect(r.status, r.stderr).toBe(0);
    const [header, ...lines] = readFileSync(join(out, "combined.csv"), "utf8").trim().split("\n");
    const cols = header.split(",");
    const at = (l: string, name: string) => l.split(",")[cols.indexOf(name)];
    const markets = Object.keys(truth.markets);
    expect(markets.length).toBeGreaterThanOrEqual(12);
    let pairs = 0;
    let concordant = 0;
    const report: string[] = [];
    for (const m of markets) {
      const rows = lines.filter((l) => at(l, "market") === m);
      expect(rows.map((l) => at(l, "status"))).toEqual(truth.columns.media.map(() => "ok"));
      const est = Object.fromEntries(rows.map((l) => [at(l, "channel"), Number(at(l, "roi"))]));
      const tru = truth.markets[m].roi as Record<string, number>;
      const ch = Object.keys(tru);
      let good = 0;
      let all = 0;
      for (let i = 0; i < ch.length; i++) {
        for (let j = i + 1; j < ch.length; j++) {
          all++;
          if (Math.sign(est[ch[i]] - est[ch[j]]) === Math.sign(tru[ch[i]] - tru[ch[j]])) good++;
        }
      }
      pairs += all;
      concordant += good;
      report.push(`${m}: ${good}/${all} pairs`);
      expect(good, `market ${m}: ${JSON.stringify(est)} vs ${JSON.stringify(tru)}`).toBeGreaterThan(all / 2);
    }
    expect(concordant / pairs, report.join(", ")).toBeGreaterThanOrEqual(0.9);
  }, TIMEOUT_MS);
});
