import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { parseCsv } from "../../src/io/csv.js";
import { fileRowsInMessage, sliceData, sliceDataHash, sliceTable } from "../../src/many/slices.js";
import { canonicalJson } from "../../src/many/sliceSpec.js";
import { isComplete, fileHashes, SLICE_FILE, sliceDir } from "../../src/many/sliceRecord.js";

const CSV = ["market,brand,week,sales", "b,x,2024-01-01,1", "a,x,2024-01-01,2", "b,x,2024-01-08,3", "a,y,2024-01-01,4", "a,x,2024-01-08,5"].join("\n");

describe("sliceTable", () => {
  const table = parseCsv(CSV, "long.csv");

  it("makes one slice per value, sorted, rows in file order, without the --by column, remembering file rows", () => {
    const s = sliceTable(table, ["market"]);
    expect(s.map((x) => x.id)).toEqual(["market=a", "market=b"]);
    expect(s[0].table.columns).toEqual(["brand", "week", "sales"]);
    expect(s[0].table.rows.map((r) => r[2])).toEqual(["2", "4", "5"]);
    expect(s[0].fileRows).toEqual([3, 5, 6]);
    expect(s[1].fileRows).toEqual([2, 4]);
    expect(s[0].table.source).toBe("long.csv [market=a]");
  });

  it("slices by combinations of columns", () => {
    const s = sliceTable(table, ["market", "brand"]);
    expect(s.map((x) => x.id)).toEqual(["market=a,brand=x", "market=a,brand=y", "market=b,brand=x"]);
    expect(s[1].key).toEqual({ market: "a", brand: "y" });
  });

  it("rejects an unknown column and an empty --by cell, naming them", () => {
    expect(() => sliceTable(table, ["region"])).toThrow(InputError);
    expect(() => sliceTable(table, ["region"])).toThrow(/region/);
    const blank = parseCsv("market,sales\na,1\n,2\n", "f.csv");
    expect(() => sliceTable(blank, ["market"])).toThrow(/row 3 has no value in the --by column "market"/);
  });

  it("keeps values apart that differ only in characters a folder name cannot hold", () => {
    const t = parseCsv("market,sales\na/b,1\na?b,2\n", "f.csv");
    const ids = sliceTable(t, ["market"]).map((x) => x.id);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).not.toMatch(/[/?]/);
  });

  it("rewrites a slice's row numbers in messages as the file's rows", () => {
    const s = sliceTable(table, ["market"])[0];
    expect(fileRowsInMessage(`${s.table.source}: row 3, column "sales" is empty`, s.table.source, s.fileRows)).toBe(`${s.table.source}: row 5, column "sales" is empty`);
    expect(fileRowsInMessage("other: row 3", s.table.source, s.fileRows)).toBe("other: row 3");
  });

  it("hashes a slice's data: equal data, equal hash; one changed cell, another", () => {
    const [a] = sliceTable(table, ["market"]).map(sliceData);
    const [a2] = sliceTable(parseCsv(CSV, "other-name.csv"), ["market"]).map(sliceData);
    const [a3] = sliceTable(parseCsv(CSV.replace("a,x,2024-01-08,5", "a,x,2024-01-08,6"), "long.csv"), ["market"]).map(sliceData);
    expect(sliceDataHash(a2)).toBe(sliceDataHash(a));
    expect(sliceDataHash(a3)).not.toBe(sliceDataHash(a));
  });

  it("canonical JSON ignores key order and undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined, e: [1, { z: 1, y: 2 }] } })).toBe(canonicalJson({ a: { e: [1, { y: 2, z: 1 }], d: 2 }, b: 1 }));
  });
});

describe("isComplete", () => {
  it("holds only when the record matches the hashes and every listed file has its bytes", () => {
    const out = mkdtempSync(join(tmpdir(), "mmm-slice-"));
    const dir = sliceDir(out, "market=a");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "roi.json"), "{}\n");
    const record = { id: "market=a", key: { market: "a" }, status: "ok", data_sha256: "d", options_sha256: "o", files: fileHashes(dir, ["roi.json"]) };
    writeFileSync(join(dir, SLICE_FILE), JSON.stringify(record));
    expect(isComplete(out, "market=a", "d", "o")).toBe(true);
    expect(isComplete(out, "market=a", "d", "other options")).toBe(false);
    expect(isComplete(out, "market=a", "other data", "o")).toBe(false);
    writeFileSync(join(dir, "roi.json"), "{ }\n");
    expect(isComplete(out, "market=a", "d", "o")).toBe(false);
    expect(isComplete(out, "market=b", "d", "o")).toBe(false);
  });
});
