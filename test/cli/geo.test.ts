import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const CLI = join(process.cwd(), "bin", "mmm.js");
const FIXTURE = join(process.cwd(), "test", "fixtures", "geo_weekly.csv");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("mmm fit --geo and the commands on a geo fit", () => {
  const dir = mkdtempSync(join(tmpdir(), "mmm-geo-cli-"));
  const out = join(dir, "fit");
  const base = ["--geo", "region", "--date", "week", "--target", "sales", "--media", "tv,search", "--extra", "price"];
  let fit: ReturnType<typeof run>;
  beforeAll(() => {
    fit = run(["fit", FIXTURE, ...base, "--degrees-seasonality", "1", "--test-rows", "2", "--chains", "2", "--warmup", "60", "--samples", "30", "--seed", "3", "--out", out]);
  }, 120_000);

  it("fits and writes the national files, each with a geo column", () => {
    expect(fit.stderr).not.toMatch(/internal error/);
    expect(fit.status).toBe(0);
    for (const f of ["model.mmm", "summary.json", "summary.csv", "diagnostics.json", "metrics.json", "contributions.csv", "roi.json", "roi.csv", "report.html"]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(Object.keys(summary)).toContain("coef_media[1, 2]");
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.perGeo.map((g: { geo: string }) => g.geo)).toEqual(["north", "south", "west"]);
    expect(metrics.national.test.periods).toBe(2);
    const contributions = readFileSync(join(out, "contributions.csv"), "utf8").trim().split("\n");
    expect(contributions[0].startsWith("geo,period,date,actual,prediction")).toBe(true);
    // 14 training weeks, national rows then 3 geos.
    expect(contributions).toHaveLength(1 + 14 * 4);
    expect(contributions[1].startsWith("(all),0,2023-01-02,")).toBe(true);
    const roi = JSON.parse(readFileSync(join(out, "roi.json"), "utf8"));
    expect(Object.keys(roi.geos)).toEqual(["north", "south", "west"]);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain('id="geo-fit"');
    expect(html).toContain('id="national-fit"');
    // The national report's whole-model plots and posterior summary, on one page with the per-geo sections.
    for (const id of ["summary", "roi-distribution", "response-curves", "parameter-table"]) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/The model tracks sales/);
    expect(html).toMatch(/<footer>/);
  });

  it("writes a run record of the geo fit: its geos, the national roll-up per channel", () => {
    const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    expect(run.command).toBe("fit");
    expect(run.data.geos).toEqual(["north", "south", "west"]);
    expect(run.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.seed).toBe(3);
    const roi = JSON.parse(readFileSync(join(out, "roi.json"), "utf8"));
    expect(run.channels.map((c: { channel: string }) => c.channel)).toEqual(["tv", "search"]);
    // The record's ROI is the national one written in roi.json.
    for (const [i, c] of run.channels.entries()) expect(c.roi).toBeCloseTo(roi.channels[i].mean, 12);
    expect(run.metrics.r2).toBeCloseTo(JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")).national.train.r2, 12);
  });

  it("summary, predict, optimize and report work on the saved geo fit", () => {
    const s = run(["summary", out]);
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/geo model, 3 geos/);
    expect(s.stdout).toMatch(/north/);
    const sj = JSON.parse(run(["summary", out, "--json"]).stdout);
    expect(Object.keys(sj.roi.geos)).toEqual(["north", "south", "west"]);
    expect(sj.roi.channels.map((c: { channel: string }) => c.channel)).toEqual(["tv", "search"]);
    expect(Object.values(sj.summary).some((r) => /, (north|south|west)$/.test((r as { about?: string }).about ?? ""))).toBe(true);
    const future = join(dir, "future.csv");
    writeFileSync(future, "region,tv,search,price\nnorth,100,30,1.0\nnorth,120,30,1.0\nsouth,80,20,1.1\nsouth,80,25,1.1\nwest,50,10,1.0\nwest,60,12,1.0\n");
    const p = run(["predict", out, "--data", future]);
    expect(p.stderr).toBe("");
    expect(p.status).toBe(0);
    const lines = p.stdout.trim().split("\n");
    expect(lines[0]).toBe("geo,period,date,mean,hdi_3%,hdi_97%");
    expect(lines).toHaveLength(1 + 2 * 4);
    // Without dates, the weeks that follow the fitted data (ending 2023-04-17), for the total and each geo.
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 3).join(","))).toEqual(
      ["(all)", "north", "south", "west"].flatMap((g) => [`${g},0,2023-04-24`, `${g},1,2023-05-01`]),
    );
    // With the fit's date column: read per geo and checked, as for national data.
    const dated = (rows: string[][]) => {
      const file = join(dir, "dated.csv");
      writeFileSync(file, ["week,region,tv,search,price", ...rows.map((r) => `${r.join(",")},100,30,1.0`)].join("\n") + "\n");
      return run(["predict", out, "--data", file]);
    };
    const later = dated(["north", "south", "west"].flatMap((g) => [["2023-05-01", g], ["2023-05-08", g]]));
    expect(later.status).toBe(0);
    expect(later.stderr).toMatch(/warning: the new rows start 1 weekly period after the fitted data ends \(2023-04-17\)/);
    expect(later.stdout.trim().split("\n")[1]).toMatch(/^\(all\),0,2023-05-01,/);
    const inside = dated(["north", "south", "west"].flatMap((g) => [["2023-04-10", g], ["2023-04-24", g]]));
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/date column "week" \(the fit's\), row 2: 2023-04-10 is inside the fitted data, which ends 2023-04-17/);
    const mismatch = dated([["2023-04-24", "north"], ["2023-05-01", "north"], ["2023-04-24", "south"], ["2023-05-08", "south"], ["2023-04-24", "west"], ["2023-05-01", "west"]]);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/geo "south" gives period 2 as 2023-05-08 \(row 5\), geo "north" as 2023-05-01; every geo needs a row for each new date/);
    const unordered = dated([["2023-05-01", "north"], ["2023-04-24", "north"], ["2023-04-24", "south"], ["2023-05-01", "south"], ["2023-04-24", "west"], ["2023-05-01", "west"]]);
    expect(unordered.status).toBe(2);
    expect(unordered.stderr).toMatch(/row 3 \(geo "north"\): 2023-04-24 does not follow 2023-05-01 \(row 2\)/);
    const o = run(["optimize", out, "--budget", "1900", "--periods", "4", "--draws", "20", "--out", join(dir, "plan.json")]);
    expect(o.stderr).not.toMatch(/internal error/);
    expect(o.status).toBe(0);
    expect(o.stdout).toMatch(/split across geos by the historical ratio/);
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
    expect(plan.split).toBe("historical_ratio");
    expect(Object.keys(plan.spend_after_by_geo.tv)).toEqual(["north", "south", "west"]);
    const perGeo = run(["optimize", out, "--budget", "1900", "--periods", "4", "--draws", "20", "--per-geo"]);
    expect(perGeo.status).toBe(0);
    expect(perGeo.stdout).toMatch(/tv@north/);
    const r = run(["report", out, "--out", join(dir, "r.html")]);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, "r.html"))).toBe(true);
    // The geo report compares lift tests with the model, one row per test with its geo.
    const lift = join(dir, "lift.csv");
    writeFileSync(lift, "channel,geo,x,delta_x,delta_y,sigma\ntv,north,100,50,20,10\nsearch,west,10,5,3,2\n");
    const rl = run(["report", out, "--lift-tests", lift, "--out", join(dir, "rl.html")]);
    expect(rl.stderr).not.toMatch(/internal error/);
    expect(rl.status).toBe(0);
    const html = readFileSync(join(dir, "rl.html"), "utf8");
    expect(html).toContain('id="lift-table"');
    expect(html).toMatch(/<th>Geo<\/th>/);
    expect(html).toMatch(/<td>tv<\/td><td>north<\/td>/);
    expect(html).toMatch(/before calibration/);
  }, 120_000);

  it("report --budget on a geo fit: the optimizer's whole-model split and its split per geo", () => {
    const r = run(["report", out, "--budget", "1900", "--periods", "4", "--out", join(dir, "rb.html")]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    const html = readFileSync(join(dir, "rb.html"), "utf8");
    for (const id of ["budget-table", "budget-geo-table", "channel-table", "geo-response-table"]) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/Spending 1,900 over the next 4 weeks/);
  }, 120_000);

  it("check --geo: the whole data's checks, then each geo's", () => {
    const c = run(["check", FIXTURE, "--geo", "region", "--date", "week", "--target", "sales", "--media", "tv,search", "--extra", "price"]);
    expect(c.stderr).toBe("");
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/^Data quality of .*geo_weekly\.csv, all 3 geos: 16 rows, target "sales"/);
    expect(c.stdout).toContain("Per geo: the same checks on each geo's own series");
    const j = JSON.parse(run(["check", FIXTURE, "--geo", "region", "--date", "week", "--target", "sales", "--media", "tv,search", "--json"]).stdout);
    expect(j.perGeo.map((q: { geo: string }) => q.geo)).toEqual(["north", "south", "west"]);
  });

  it("fit: each geo's outlying values are listed while few, counted in one line past four series", () => {
    const lines = readFileSync(FIXTURE, "utf8").trim().split("\n");
    // A spike in week 5 of tv and search, in one geo, then in all three (six series).
    const spiked = (geos: string[]) =>
      [lines[0], ...lines.slice(1).map((l) => {
        const c = l.split(",");
        if (c[0] === "2023-01-30" && geos.includes(c[1])) [c[3], c[4]] = ["5000", "3000"];
        return c.join(",");
      })].join("\n") + "\n";
    const quick = ["--chains", "1", "--warmup", "10", "--samples", "10", "--no-report"];
    writeFileSync(join(dir, "spike1.csv"), spiked(["north"]));
    const one = run(["fit", join(dir, "spike1.csv"), ...base, ...quick, "--out", join(dir, "s1")]);
    expect(one.status).toBe(0);
    expect(one.stderr).toMatch(/^data check \(.*spike1\.csv, geo "north"\): media column "tv" has 1 value more than 4 robust sds from its median .*: row \d+ \(2023-01-30\)/m);
    writeFileSync(join(dir, "spike3.csv"), spiked(["north", "south", "west"]));
    const all = run(["fit", join(dir, "spike3.csv"), ...base, ...quick, "--out", join(dir, "s3")]);
    expect(all.status).toBe(0);
    expect(all.stderr).not.toMatch(/geo "north"\): media column "tv" has 1 value/);
    expect(all.stderr).toMatch(
      /^data check \(.*spike3\.csv\): 6 values more than 4 robust sds from their median in 6 of the geos' series \(north tv, north search, south tv, south search, west tv, west search\); `mmm check` with the same options lists them with their rows$/m,
    );
  });

  it("a geo missing weeks, or a duplicate row, exits 2 naming geo and dates", () => {
    const lines = readFileSync(FIXTURE, "utf8").trim().split("\n");
    const missing = join(dir, "missing.csv");
    writeFileSync(missing, lines.filter((l) => !(l.startsWith("2023-02-06,south") || l.startsWith("2023-02-13,south"))).join("\n") + "\n");
    const m = run(["fit", missing, ...base, "--out", join(dir, "m")]);
    expect(m.status).toBe(2);
    expect(m.stderr).toMatch(/south/);
    expect(m.stderr).toMatch(/2023-02-06/);
    expect(m.stderr).not.toMatch(/internal error|at .*\.js/);
    const dup = join(dir, "dup.csv");
    writeFileSync(dup, [...lines, lines[3]].join("\n") + "\n");
    const dd = run(["fit", dup, ...base, "--out", join(dir, "d")]);
    expect(dd.status).toBe(2);
    expect(dd.stderr).toMatch(/same date .* and geo "north"/);
    const noDate = run(["fit", FIXTURE, "--geo", "region", "--target", "sales", "--media", "tv,search", "--out", join(dir, "n")]);
    expect(noDate.status).toBe(2);
    expect(noDate.stderr).toMatch(/--geo needs --date/);
  });
});
