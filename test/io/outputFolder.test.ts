// Output folders and files are written whole or not at all: a writer that
// fails (or is interrupted) part-way, or a failing rename, leaves the earlier
// fit's folder exactly as it was and no staging files behind; a re-fit
// replaces the whole folder (no file of the earlier fit survives); --out is
// checked before any work.
import * as fs from "node:fs";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { InputError } from "../../src/errors.js";
import { MODEL_FILE, writeFitOutputs } from "../../src/io/fitOutputs.js";
import { saveMMM } from "../../src/io/modelFile.js";
import { checkOutputFile, checkOutputFolder, writeFileWhole, writeOutputFolder, type FsSteps } from "../../src/io/outputFolder.js";
import { simulateDataset } from "../../src/simulate/simulate.js";

const sim = simulateDataset({ seed: 8, T: 50, channels: 2, extras: 0 });
const quick = (seed: number) => fitMMM(sim.dataset, { sampler: { chains: 1, warmup: 40, samples: 20, seed, threads: 0 } });

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString("base64")]));
}

/** Node's fs, except that the n-th call of `step` (1-based) fails with `code`. */
function failing(step: keyof FsSteps, n: number, code = "EIO"): FsSteps {
  let calls = 0;
  const fail = () => {
    calls += 1;
    if (calls === n) throw Object.assign(new Error(`${step} failed (injected)`), { code });
  };
  return {
    mkdirSync: (p, o) => (step === "mkdirSync" && fail(), fs.mkdirSync(p, o)),
    writeFileSync: (p, d) => (step === "writeFileSync" && fail(), fs.writeFileSync(p, d)),
    renameSync: (a, b) => (step === "renameSync" && fail(), fs.renameSync(a, b)),
    rmSync: (p, o) => (step === "rmSync" && fail(), fs.rmSync(p, o)),
  };
}

describe("an output folder written whole or not at all", () => {
  let a: FittedMMM;
  let b: FittedMMM;
  let root: string;
  let target: string;
  let earlier: Record<string, string>;

  beforeAll(async () => {
    [a, b] = [await quick(1), await quick(2)];
    root = mkdtempSync(join(tmpdir(), "mmm-out-"));
    target = join(root, "fit");
    await writeOutputFolder(target, (dir) => {
      writeFitOutputs(a, dir);
      writeFileSync(join(dir, "report.html"), "<html>earlier report</html>");
    });
    earlier = snapshot(target);
  });

  const onlyTarget = () => expect(readdirSync(root)).toEqual(["fit"]);

  it("a writer interrupted just after model.mmm leaves the earlier fit as it was", async () => {
    await expect(
      writeOutputFolder(target, (dir) => {
        saveMMM(b, join(dir, MODEL_FILE));
        throw new Error("interrupted");
      }),
    ).rejects.toThrow("interrupted");
    expect(snapshot(target)).toEqual(earlier);
    onlyTarget();
  });

  it("a writer whose file system fails part-way leaves the earlier fit as it was", async () => {
    // writeFitOutputs writes with node:fs; fail its third file by filling the folder's name with a folder.
    await expect(
      writeOutputFolder(target, (dir) => {
        mkdirSync(join(dir, "summary.csv"));
        writeFitOutputs(b, dir);
      }),
    ).rejects.toThrow(/EISDIR/);
    expect(snapshot(target)).toEqual(earlier);
    onlyTarget();
  });

  for (const [n, what] of [
    [1, "moving the earlier folder aside"],
    [2, "moving the new folder into place"],
  ] as const) {
    it(`a failure while ${what} leaves the earlier fit as it was`, async () => {
      const err = await writeOutputFolder(target, (dir) => writeFitOutputs(b, dir), failing("renameSync", n)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(/cannot write the output folder .*: EIO; it is unchanged/);
      expect(snapshot(target)).toEqual(earlier);
      onlyTarget();
    });
  }

  it("a re-fit replaces the whole folder: no file of the earlier fit is left", async () => {
    const files = await writeOutputFolder(target, (dir) => writeFitOutputs(b, dir));
    expect(readdirSync(target).sort()).toEqual([...files].sort());
    expect(readdirSync(target)).not.toContain("report.html");
    expect(readFileSync(join(target, MODEL_FILE))).toEqual(Buffer.from(b.toBytes()));
    onlyTarget();
  });
});

describe("--out checked before any work", () => {
  const root = mkdtempSync(join(tmpdir(), "mmm-check-"));
  writeFileSync(join(root, "a-file"), "x");
  mkdirSync(join(root, "other"));
  writeFileSync(join(root, "other", "notes.txt"), "mine");

  const cases: [string, () => void, RegExp][] = [
    ["an existing file as the folder", () => checkOutputFolder(join(root, "a-file")), /--out: ".*a-file" is a file; give a folder/],
    ["a folder of other files", () => checkOutputFolder(join(root, "other")), /holds files but no model\.mmm, so it is not an earlier fit's folder/],
    ["a path through a file", () => checkOutputFolder(join(root, "a-file", "fit")), /--out: cannot (use|write in) ".*a-file.*": a part of the path is a file, not a folder/],
    ["a folder where a file goes", () => checkOutputFile(join(root, "other"), "--out"), /--out: ".*other" is a folder; give a file name/],
    ["an unwritable folder", () => checkOutputFolder(join(root, "new", "fit"), "--out", failing("writeFileSync", 1, "EACCES")), /--out: cannot write in ".*new": permission denied/],
  ];
  for (const [what, check, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(check).toThrow(InputError);
      expect(check).toThrow(message);
    });
  }

  it("accepts a new folder (creating its parents), an empty one, and an earlier fit's", () => {
    expect(() => checkOutputFolder(join(root, "deep", "er", "fit"))).not.toThrow();
    mkdirSync(join(root, "empty"));
    expect(() => checkOutputFolder(join(root, "empty"))).not.toThrow();
    mkdirSync(join(root, "earlier"));
    writeFileSync(join(root, "earlier", MODEL_FILE), "x");
    expect(() => checkOutputFolder(join(root, "earlier"))).not.toThrow();
  });
});

describe("an output file written whole", () => {
  it("a failing rename leaves the earlier file and no temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-file-"));
    const path = join(dir, "prediction.csv");
    writeFileSync(path, "earlier");
    expect(() => writeFileWhole(path, "new", failing("renameSync", 1))).toThrow(/--out: cannot write ".*prediction\.csv": EIO/);
    expect(readFileSync(path, "utf8")).toBe("earlier");
    expect(readdirSync(dir)).toEqual(["prediction.csv"]);
    writeFileWhole(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["prediction.csv"]);
  });
});
