// Recovery on the bundled multi-market example: `mmm fit-many` fits all 12
// markets and the combined table orders every market's channels by ROI as
// the truth does (examples/markets_weekly.truth.json): all 36 within-market
// pairs. The example is designed for that (scripts/make-markets-example.mjs:
// independent flights, every channel at least 5% of sales, ROIs 2x apart);
// marketsExample.test.ts checks the design and the stated truth.
//
// CI fits with short chains, 2 x (300 + 300): the defaults, 4 x (1000 +
// 1000), are almost 7 times the work, most of the suite's budget on 2 cores;
// MMM_MARKETS_DEFAULTS=1 runs the same checks at the defaults.
// Besides the rankings: at least 80% of the 36 true ROIs inside their 94%
// HDIs. Calibrated intervals miss about 2 of 36 (binomial: at most 5 in 98%
// of runs, 8 or more in 0.1%); 8 or more misses say the intervals are too
// narrow or biased.
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

const DEFAULTS = process.env.MMM_MARKETS_DEFAULTS === "1";
const SAMPLER = DEFAULTS ? [] : ["--chains", "2", "--warmup", "300", "--samples", "300"];
// 12 fits of 156 weeks: minutes, several times that on a loaded machine.
const TIMEOUT_MS = (DEFAULTS ? 60 : 20) * 60_000;

describe("fit-many on examples/markets_weekly.csv", () => {
  it("fits every market and recovers the markets' ROI rankings from combined.csv", async () => {
    const truth = JSON.parse(readFileSync(join(process.cwd(), "examples", "markets_weekly.truth.json"), "utf8"));
    const out = join(mkdtempSync(join(tmpdir(), "mmm-markets-")), "out");
    const r = await runCli(
      ["fit-many", join("examples", "markets_weekly.csv"), "--by", "market", "--target", "sales", "--media", truth.columns.media.join(","),
        "--extra", "price_index", "--date", "week", ...SAMPLER, "--seed", "1", "--out", out],
    );
    expect(r.status, r.stderr).toBe(0);
    const [header, ...lines] = readFileSync(join(out, "combined.csv"), "utf8").trim().split("\n");
    const cols = header.split(",");
    const at = (l: string, name: string) => l.split(",")[cols.indexOf(name)];
    const markets = Object.keys(truth.markets);
    expect(markets.length).toBeGreaterThanOrEqual(12);
    let covered = 0;
    const report: string[] = [];
    for (const m of markets) {
      const rows = lines.filter((l) => at(l, "market") === m);
      expect(rows.map((l) => at(l, "status"))).toEqual(truth.columns.media.map(() => "ok"));
      const est = Object.fromEntries(rows.map((l) => [at(l, "channel"), Number(at(l, "roi"))]));
      const tru = truth.markets[m].roi as Record<string, number>;
      for (const l of rows) {
        const t = tru[at(l, "channel")];
        if (Number(at(l, "roi_hdi_3%")) <= t && t <= Number(at(l, "roi_hdi_97%"))) covered++;
        report.push(`${m} ${at(l, "channel")}: ${Number(at(l, "roi")).toFixed(2)} [${Number(at(l, "roi_hdi_3%")).toFixed(2)}, ${Number(at(l, "roi_hdi_97%")).toFixed(2)}], true ${t.toFixed(2)}`);
      }
      const ranking = (r: Record<string, number>) => Object.keys(r).sort((a, b) => r[b] - r[a]);
      expect(ranking(est), `market ${m}: ${JSON.stringify(est)} vs ${JSON.stringify(tru)}`).toEqual(truth.markets[m].roi_ranking);
    }
    expect(covered, report.join("\n")).toBeGreaterThanOrEqual(Math.ceil(0.8 * markets.length * truth.columns.media.length));
  }, TIMEOUT_MS);
});
