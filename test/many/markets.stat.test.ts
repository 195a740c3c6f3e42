// Recovery on the bundled multi-market example: `mmm fit-many` fits all 12
// markets (short chains: 2 x 300 + 300) and the combined table ranks each
// market's channels by ROI as the truth does (examples/markets_weekly.truth.json).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(process.cwd(), "bin", "mmm.js");

describe("fit-many on examples/markets_weekly.csv", () => {
  it("fits every market and recovers each market's true ROI ranking from combined.csv", () => {
    const truth = JSON.parse(readFileSync(join(process.cwd(), "examples", "markets_weekly.truth.json"), "utf8"));
    const out = join(mkdtempSync(join(tmpdir(), "mmm-markets-")), "out");
    const r = spawnSync(
      process.execPath,
      [CLI, "fit-many", join("examples", "markets_weekly.csv"), "--by", "market", "--target", "sales", "--media", truth.columns.media.join(","),
        "--extra", "price_index", "--date", "week", "--chains", "2", "--warmup", "300", "--samples", "300", "--seed", "1", "--out", out],
      { encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(0);
    const [header, ...lines] = readFileSync(join(out, "combined.csv"), "utf8").trim().split("\n");
    const cols = header.split(",");
    const at = (l: string, name: string) => l.split(",")[cols.indexOf(name)];
    const markets = Object.keys(truth.markets);
    expect(markets.length).toBeGreaterThanOrEqual(12);
    for (const m of markets) {
      const rows = lines.filter((l) => at(l, "market") === m);
      expect(rows.map((l) => at(l, "status"))).toEqual(truth.columns.media.map(() => "ok"));
      const ranking = rows.sort((a, b) => Number(at(b, "roi")) - Number(at(a, "roi"))).map((l) => at(l, "channel"));
      expect(ranking, `market ${m}`).toEqual(truth.markets[m].roi_ranking);
    }
  });
});
