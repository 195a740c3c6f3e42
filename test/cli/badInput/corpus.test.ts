// The bad-input corpus, by kind: each case is a command line, the exit code
// it must end with (2 for bad input, 0 where accepting with a warning is
// right) and the fragment its message must hold. Run in-process through the
// CLI's main(); no case may print a stack trace or "internal error", and no
// fit output may hold NaN, Infinity or null where a number belongs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { crc32 } from "../../../src/fit/savedModel.js";
import { loadMMM } from "../../../src/io/modelFile.js";
import { simulateDataset } from "../../../src/simulate/simulate.js";

const dir = mkdtempSync(join(tmpdir(), "mmm-bad-input-"));
const p = (name: string) => join(dir, name);
const COLUMNS = ["--target", "sales", "--media", "tv,search", "--extra", "price_index", "--date", "week"];
const QUICK = ["--chains", "1", "--warmup", "30", "--samples", "20", "--threads", "0", "--no-report", "--seed", "2"];

/** A weekly CSV of simulated data; `edit` changes the rows (header included) before writing. */
function writeCsv(name: string, T: number, edit: (rows: string[][]) => void = () => {}): string {
  const d = simulateDataset({ seed: 4, T, channels: 2, extras: 1 }).dataset;
  const rows = [["week", "sales", "tv", "search", "price_index"]];
  for (let t = 0; t < T; t++) rows.push([d.dates![t], String(d.target[t]), String(d.media[2 * t]), String(d.media[2 * t + 1]), String(d.extra[t])]);
  edit(rows);
  writeFileSync(p(name), rows.map((r) => r.join(",")).join("\n") + "\n");
  return p(name);
}

async function mmm(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = "";
  let stdout = "";
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  try {
    const code = await main(args);
    return { code, stderr, stdout };
  } finally {
    vi.restoreAllMocks();
  }
}

/** Every number in a JSON output is finite: no null, NaN or Infinity in its place. */
function expectNumbersFinite(path: string): void {
  const text = readFileSync(path, "utf8");
  expect(text, path).not.toMatch(/\bnull\b|NaN|Infinity/);
}

interface Case {
  kind: string;
  what: string;
  args: () => string[];
  code: 0 | 2 | 3;
  message: RegExp;
  after?: () => void;
}

let fitDir: string;

beforeAll(async () => {
  writeCsv("good.csv", 70);
  fitDir = p("fit");
  const r = await mmm(["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--out", fitDir]);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  writeFileSync(p("a-file"), "x");
  mkdirSync(p("not-a-fit"));
  writeFileSync(join(p("not-a-fit"), "notes.txt"), "mine");
  mkdirSync(p("a-folder"));
  // A saved model whose checksum is valid but whose header is malformed (3 channel names for 2 channels).
  const bytes = readFileSync(join(fitDir, "model.mmm"));
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString("utf8"));
  header.dataset.channelNames = ["t", "s", "x"];
  const newHeader = Buffer.from(JSON.stringify(header).padEnd(headerLength, " "));
  expect(newHeader.length).toBe(headerLength);
  const forged = Buffer.from(bytes);
  newHeader.copy(forged, 12);
  forged.writeUInt32LE(crc32(forged.subarray(0, forged.length - 4)), forged.length - 4);
  mkdirSync(p("forged"));
  writeFileSync(join(p("forged"), "model.mmm"), forged);
  // New periods for predict: after the fitted data, in order, then broken copies.
  const future = (dates: string[]) => ["week,tv,search,price_index", ...dates.map((d) => `${d},100,50,1.0`)].join("\n") + "\n";
  const last = new Date(`${simulateDataset({ seed: 4, T: 70, channels: 2, extras: 1 }).dataset.dates![69]}T00:00:00Z`);
  const week = (n: number) => new Date(last.getTime() + n * 7 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(p("future.csv"), future([week(1), week(2), week(3)]));
  writeFileSync(p("future-late.csv"), future([week(4), week(5)]));
  writeFileSync(p("future-inside.csv"), future([week(-3), week(-2)]));
  writeFileSync(p("future-unordered.csv"), future([week(2), week(1), week(3)]));
  writeFileSync(p("gap-2.csv"), future([week(1), week(2)]));
});

afterEach(() => vi.restoreAllMocks());

const CASES: Case[] = [
  // File-system problems with --out.
  { kind: "--out", what: "an existing file as fit's folder", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--out", p("a-file")], code: 2, message: /--out: ".*a-file" is a file; give a folder/ },
  { kind: "--out", what: "a folder of other files", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--out", p("not-a-fit")], code: 2, message: /--out: .* not an earlier fit's folder/ },
  { kind: "--out", what: "a parent that is a file", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--out", join(p("a-file"), "fit")], code: 2, message: /--out: .*a part of the path is a file, not a folder/ },
  { kind: "--out", what: "a read-only place", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--out", "/proc/mmm-fit"], code: 2, message: /--out: cannot write in "\/proc"/ },
  { kind: "--out", what: "a folder where predict's file goes", args: () => ["predict", fitDir, "--data", p("future.csv"), "--out", p("a-folder")], code: 2, message: /--out: ".*a-folder" is a folder; give a file name/ },
  { kind: "--out", what: "a folder where optimize's file goes", args: () => ["optimize", fitDir, "--budget", "1000", "--out", p("a-folder")], code: 2, message: /--out: ".*a-folder" is a folder; give a file name/ },
  { kind: "--out", what: "report through a file", args: () => ["report", fitDir, "--out", join(p("a-file"), "r.html")], code: 2, message: /--out: .*a part of the path is a file/ },
  {
    kind: "--out",
    what: "a missing parent folder for predict (created)",
    args: () => ["predict", fitDir, "--data", p("future.csv"), "--out", join(p("new-parent"), "deeper", "pred.csv")],
    code: 0,
    message: /^$/,
    after: () => expect(readFileSync(join(p("new-parent"), "deeper", "pred.csv"), "utf8")).toMatch(/^period,date,mean/),
  },
  // Options out of range, caught before any sampling (never inside a worker).
  { kind: "range", what: "--max-tree-depth 40", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--max-tree-depth", "40", "--out", p("o")], code: 2, message: /--max-tree-depth: expected an integer from 1 to 30/ },
  { kind: "range", what: "--warmup 0", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--warmup", "0", "--out", p("o")], code: 2, message: /--warmup: expected an integer >= 10/ },
  { kind: "range", what: "--init unknown", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--init", "zeros", "--out", p("o")], code: 2, message: /--init: expected one of jitter, median, random, pathfinder, got "zeros"/ },
  { kind: "range", what: "--adaptation unknown", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--adaptation", "full", "--out", p("o")], code: 2, message: /--adaptation: expected one of/ },
  { kind: "range", what: "--backend unknown", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--backend", "gpu", "--out", p("o")], code: 2, message: /--backend: expected one of auto, cpu, webgpu/ },
  { kind: "range", what: "--parameterisation incompatible pieces", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--parameterisation", "media+trend+hill", "--out", p("o")], code: 2, message: /--parameterisation: "hill" and "media" cannot be combined/ },
  { kind: "range", what: "--parameterisation unknown piece", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--parameterisation", "trend+centred", "--out", p("o")], code: 2, message: /--parameterisation: unknown piece "centred"/ },
  { kind: "range", what: "--math unknown", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--math", "fastest", "--out", p("o")], code: 2, message: /--math: expected one of/ },
  { kind: "range", what: "--seed beyond 2^53", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--seed", "1e20", "--out", p("o")], code: 2, message: /--seed: expected an integer from 0/ },
  { kind: "range", what: "--degrees-seasonality beyond half the period", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--degrees-seasonality", "40", "--out", p("o")], code: 2, message: /--degrees-seasonality: expected an integer from 0 to 26/ },
  // Saved models.
  { kind: "model file", what: "a valid checksum over a malformed header", args: () => ["summary", p("forged")], code: 2, message: /is not a readable saved model: the media have \d+ values for 70 rows x 3 channels/ },
  // Values too large to scale.
  {
    kind: "overflow",
    what: "a target value of 1e300",
    args: () => ["fit", writeCsv("huge.csv", 70, (r) => (r[6][1] = "1e300")), ...COLUMNS, ...QUICK, "--out", p("o")],
    code: 2,
    message: /target column "sales", row 7: 1e300 is beyond 1e\+15 in size/,
  },
  {
    kind: "overflow",
    what: "a media value of 5e200",
    args: () => ["fit", writeCsv("huge-media.csv", 70, (r) => (r[3][2] = "5e200")), ...COLUMNS, ...QUICK, "--out", p("o")],
    code: 2,
    message: /media column "tv", row 4: 5e200 is beyond/,
  },
  // Inputs that deserve a word.
  {
    kind: "target",
    what: "a target with a negative mean",
    args: () => ["fit", writeCsv("negative.csv", 70, (r) => r.slice(1).forEach((row) => (row[1] = String(-Number(row[1]))))), ...COLUMNS, ...QUICK, "--out", p("o")],
    code: 2,
    message: /target column "sales": its mean over the training rows is negative/,
  },
  {
    kind: "seasonality",
    what: "less than one seasonal cycle of data",
    args: () => ["fit", writeCsv("short.csv", 40), ...COLUMNS, ...QUICK, "--out", p("o-short")],
    code: 0,
    message: /warning: --degrees-seasonality 2: the 40 training rows cover less than one seasonal cycle of 52 periods/,
  },
  {
    kind: "threads",
    what: "more threads than chains",
    args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK.slice(0, 6), "--threads", "3", "--no-report", "--out", p("o-threads")],
    code: 0,
    message: /warning: --threads 3 is more than the 1 chain: 1 worker will run/,
    after: () => expect(JSON.parse(readFileSync(join(p("o-threads"), "diagnostics.json"), "utf8")).threads).toBe(1),
  },
  // A column whose name holds a comma: the list option splits it unless it is quoted, CSV-style.
  {
    kind: "columns",
    what: "a media column named with a comma, unquoted in --media",
    args: () => ["fit", writeCsv("comma.csv", 70, (r) => (r[0][2] = '"TV, linear"')), "--target", "sales", "--media", "TV, linear,search", "--date", "week", ...QUICK, "--out", p("o-comma")],
    code: 2,
    message: /missing column "TV"; the columns are: week, sales, "TV, linear", search, price_index \(column "TV, linear" has a comma in its name: in a comma-separated list of columns, put it in double quotes, as in '"TV, linear",other'\)/,
  },
  {
    kind: "columns",
    what: "a media column named with a comma, quoted in --media",
    args: () => ["fit", writeCsv("comma.csv", 70, (r) => (r[0][2] = '"TV, linear"')), "--target", "sales", "--media", '"TV, linear",search', "--date", "week", ...QUICK, "--out", p("o-comma")],
    code: 0,
    message: /^fitting: 1 chain x \(30 warm-up \+ 20 draws/m,
    after: () => expect(loadMMM(join(p("o-comma"), "model.mmm")).record.dataset.channelNames).toEqual(["TV, linear", "search"]),
  },
  {
    kind: "controls",
    what: "a centred control column",
    args: () => ["fit", writeCsv("centred.csv", 70, (r) => r.slice(1).forEach((row, t) => (row[4] = String(Math.sin(t / 3) - 0.01)))), ...COLUMNS, ...QUICK, "--out", p("o-centred")],
    code: 0,
    message: /warning: extra column "price_index" is centred \(mean .*\): scaled by its largest absolute value, not by its mean/,
    after: () => {
      // Stored with the model: the divisor is the column's largest absolute value, so predict scales new rows alike.
      const fit = loadMMM(join(p("o-centred"), "model.mmm"));
      const F = fit.record.dataset.extraNames.length;
      const values = Array.from({ length: fit.record.trainRows }, (_, t) => Math.abs(fit.record.dataset.extra[t * F]));
      expect(fit.record.scalers.extra[0]).toBe(Math.max(...values));
    },
  },
  { kind: "predict", what: "a --gap file of the wrong length", args: () => ["predict", fitDir, "--data", p("future-late.csv"), "--date", "week", "--gap", p("gap-2.csv")], code: 2, message: /--gap .*gap-2\.csv: 2 rows, but 3 weekly periods lie between/ },
  { kind: "predict", what: "new rows later than the fitted data, no --gap", args: () => ["predict", fitDir, "--data", p("future-late.csv"), "--date", "week"], code: 0, message: /warning: the new rows start 3 weekly periods after the fitted data ends/ },
  { kind: "predict", what: "rows dated inside the training period", args: () => ["predict", fitDir, "--data", p("future-inside.csv"), "--date", "week"], code: 2, message: /row 2: .* is inside the fitted data, which ends/ },
  { kind: "predict", what: "rows out of order", args: () => ["predict", fitDir, "--data", p("future-unordered.csv"), "--date", "week"], code: 2, message: /row 3: .* does not follow .* \(row 2\); the new periods must be in date order/ },
  { kind: "optimize", what: "the same channel fixed twice", args: () => ["optimize", fitDir, "--budget", "100000", "--fix", "tv=100", "--fix", "tv=200"], code: 2, message: /--fix: channel "tv" is fixed twice \("tv=100" and "tv=200"\)/ },
  { kind: "optimize", what: "a channel bounded twice", args: () => ["optimize", fitDir, "--budget", "100000", "--bound", "tv=1:2", "--bound", "tv=3:4"], code: 2, message: /--bound: channel "tv" has its bounds given twice/ },
  {
    kind: "geo",
    what: "a single geo",
    args: () => {
      const rows = readFileSync(join(process.cwd(), "test", "fixtures", "geo_weekly.csv"), "utf8").split("\n");
      writeFileSync(p("one-geo.csv"), [rows[0], ...rows.slice(1).filter((l) => l.split(",")[1] === "north")].join("\n") + "\n");
      return ["fit", p("one-geo.csv"), "--geo", "region", "--date", "week", "--target", "sales", "--media", "tv,search", "--extra", "price", "--degrees-seasonality", "1", ...QUICK, "--out", p("o-geo")];
    },
    code: 0,
    message: /warning: --geo region: the data hold one geo \("north"\); a geo model of one geo is the national model/,
  },
  { kind: "geo", what: "--geo without --date", args: () => ["fit", join(process.cwd(), "test", "fixtures", "geo_weekly.csv"), "--geo", "region", "--target", "sales", "--media", "tv,search", ...QUICK, "--out", p("o-geo-nodate")], code: 2, message: /--geo needs --date <column>: the dates line up the geos' rows/ },
  {
    kind: "geo",
    what: "a geo row whose spend is not a number",
    args: () => {
      const rows = readFileSync(join(process.cwd(), "test", "fixtures", "geo_weekly.csv"), "utf8").split("\n");
      const cells = rows[5].split(",");
      cells[rows[0].split(",").indexOf("search")] = "n/a";
      rows[5] = cells.join(",");
      writeFileSync(p("geo-bad-cell.csv"), rows.join("\n"));
      return ["fit", p("geo-bad-cell.csv"), "--geo", "region", "--date", "week", "--target", "sales", "--media", "tv,search", ...QUICK, "--out", p("o-geo-bad")];
    },
    code: 2,
    message: /geo-bad-cell\.csv: media column "search", row 6 \(geo "[^"]+"\): "n\/a" is not a number/,
  },
  // Long runs say what they are doing at once.
  { kind: "progress", what: "a run announces itself before the first draw", args: () => ["fit", p("good.csv"), ...COLUMNS, ...QUICK, "--out", p("o-announce")], code: 0, message: /^fitting: 1 chain x \(30 warm-up \+ 20 draws\), seed 2; Ctrl-C stops$/m },
  // Lockstep: 20 draws of 4 chains cannot agree, so the CLI says so (exit 3)
  // and writes nothing rather than a summary (E-BFMI without null is checked on
  // the API's fit in test/api/lockstepAgreement.test.ts).
  {
    kind: "lockstep",
    what: "ChEES on the CPU that does not agree writes nothing",
    args: () => ["fit", p("good.csv"), ...COLUMNS, "--chains", "4", "--warmup", "30", "--samples", "20", "--method", "chees", "--backend", "cpu", "--no-report", "--out", p("o-chees")],
    code: 3,
    message: /^error: NOT CONVERGED/m,
    after: () => {
      expect(existsSync(join(p("o-chees"), "diagnostics.json"))).toBe(false);
    },
  },
];

describe("the bad-input corpus", () => {
  it("covers every kind the issue lists", () => {
    expect(new Set(CASES.map((c) => c.kind))).toEqual(
      new Set(["--out", "range", "model file", "overflow", "target", "seasonality", "threads", "controls", "predict", "optimize", "geo", "progress", "lockstep", "columns"]),
    );
  });

  for (const c of CASES) {
    it(`${c.kind}: ${c.what} -> exit ${c.code}`, async () => {
      const r = await mmm(c.args());
      expect(r.stderr).not.toMatch(/internal error|\n\s+at \S+:\d+/);
      if (c.code === 2) expect(r.stderr).toMatch(/^error: /m);
      expect(r.stderr).toMatch(c.message);
      expect(r.code, r.stderr).toBe(c.code);
      c.after?.();
    });
  }

  it("no fit output of the corpus holds NaN, Infinity or null where a number belongs", () => {
    for (const name of readdirSync(dir).filter((f) => f.startsWith("o-") || f === "fit")) {
      for (const f of ["diagnostics.json", "metrics.json", "roi.json"]) expectNumbersFinite(join(p(name), f));
    }
  });
});
