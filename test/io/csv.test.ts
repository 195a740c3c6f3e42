import { describe, expect, it } from "vitest";
import { errorOf } from "../helpers/errors.js";
import { columnIndex, numericColumn, parseCsv, tableFromColumns, tableFromRows } from "../../src/io/csv.js";


describe("parseCsv", () => {
  it("reads a header and rows, trimming cells and a BOM, and ignores blank lines at the end", () => {
    const t = parseCsv("\uFEFFweek, sales ,tv\n1, 10 ,2\r\n2,11,3\n\n\n", "f.csv");
    expect(t.columns).toEqual(["week", "sales", "tv"]);
    expect(t.rows).toEqual([
      ["1", "10", "2"],
      ["2", "11", "3"],
    ]);
    expect(t.source).toBe("f.csv");
  });

  it("rejects an empty file, unnamed and repeated header columns", () => {
    expect(errorOf(() => parseCsv("\n\n", "e.csv")).message).toBe("e.csv: the file is empty (expected a header row)");
    expect(errorOf(() => parseCsv("a,,c\n1,2,3\n", "h.csv")).message).toBe("h.csv: header column 2 has no name");
    expect(errorOf(() => parseCsv("a,b,a\n1,2,3\n", "h.csv")).message).toBe('h.csv: column "a" appears twice in the header');
  });

  it("names the spreadsheet row of a short row, a long row and a blank row in the middle", () => {
    expect(errorOf(() => parseCsv("a,b,c\n1,2,3\n4,5\n", "r.csv")).message).toBe("r.csv: row 3 has 2 cells but the header has 3 columns");
    expect(errorOf(() => parseCsv("a,b\n1,2\n3,4\n5,6,7\n", "r.csv")).message).toMatch(/^r\.csv: row 4 has 3 cells but the header has 2 columns/);
    expect(errorOf(() => parseCsv("a,b\n1,2\n\n3,4\n", "r.csv")).message).toMatch(/^r\.csv: row 3 is empty/);
  });

  it("accepts stray empty cells at the end of a row and drops only those", () => {
    const t = parseCsv("a,b\n1,2,\n3,4,,\n", "s.csv");
    expect(t.rows).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("counts a quoted multi-line cell as one row", () => {
    const t = parseCsv('note,x\n"two\nlines",1\nplain,oops\n', "q.csv");
    expect(t.rows).toHaveLength(2);
    expect(errorOf(() => numericColumn(t, "x")).message).toBe('q.csv: column "x", row 3: "oops" is not a number');
  });

  it("reports broken quoting as invalid CSV", () => {
    expect(errorOf(() => parseCsv('a,b\n1,"2\n', "b.csv")).message).toMatch(/^b\.csv: not valid CSV near line 2/);
  });
});

describe("numericColumn", () => {
  const t = parseCsv("x\n1\n-2.5\n1e3\n.5\n+7\n", "n.csv");

  it("parses plain decimal numbers", () => {
    expect(Array.from(numericColumn(t, "x"))).toEqual([1, -2.5, 1000, 0.5, 7]);
  });

  const cases: [string, RegExp][] = [
    ["", /^n\.csv: media column "x", row 3: empty cell$/],
    ["abc", /^n\.csv: media column "x", row 3: "abc" is not a number$/],
    ["NaN", /^n\.csv: media column "x", row 3: "NaN" is not a number \(a missing value/],
    ["NA", /^n\.csv: media column "x", row 3: "NA" is not a number \(a missing value/],
    ["Infinity", /^n\.csv: media column "x", row 3: Infinity is not finite$/],
    ["-inf", /^n\.csv: media column "x", row 3: -inf is not finite$/],
    ["1e400", /^n\.csv: media column "x", row 3: 1e400 is not finite$/],
    ["0x1A", /^n\.csv: media column "x", row 3: "0x1A" is not a number$/],
    ['"1,234"', /row 3: "1,234" is not a number \(remove the thousands separators\)/],
    ["$12", /row 3: "\$12" is not a number \(remove the currency or percent sign\)/],
    ["-3", /^n\.csv: media column "x", row 3: negative value -3 \(spend cannot be negative\)$/],
  ];
  for (const [cell, re] of cases) {
    it(`rejects ${JSON.stringify(cell)} naming file, column and row`, () => {
      const bad = parseCsv(`x,y\n1,0\n${cell},0\n2,0\n`, "n.csv");
      expect(errorOf(() => numericColumn(bad, "x", { role: "media", nonNegative: true })).message).toMatch(re);
    });
  }

  it("names a missing column and lists the columns, hinting at a semicolon separator", () => {
    expect(errorOf(() => columnIndex(t, "y")).message).toBe('n.csv: missing column "y"; the columns are: x');
    const semi = parseCsv("a;b\n1;2\n", "s.csv");
    expect(errorOf(() => columnIndex(semi, "a")).message).toMatch(/separated by ";"/);
  });

  it("hints at a semicolon separator when decimal commas split a row into more cells than the header", () => {
    // A European spreadsheet's export: ";" between cells, "," as the decimal point.
    const message = errorOf(() => parseCsv("week;sales;tv\n2024-01-01;70990,87;9419,11\n", "eu.csv")).message;
    expect(message).toMatch(/^eu\.csv: row 2 has 3 cells but the header has 1 columns/);
    expect(message).toMatch(/separated by ";"; save it with commas, and "\." as the decimal point/);
  });
});

describe("tables from memory", () => {
  it("tableFromColumns keeps values as written and treats null/undefined as empty cells, numbering rows by index", () => {
    const t = tableFromColumns({ a: [1, 2.5, "3"], b: new Float64Array([4, 5, 6]) }, "mem");
    expect(t.rows).toEqual([
      ["1", "4"],
      ["2.5", "5"],
      ["3", "6"],
    ]);
    const u = tableFromColumns({ a: [1, null as unknown as number, 3] }, "mem");
    expect(errorOf(() => numericColumn(u, "a")).message).toBe('mem: column "a", row 1: no value (null, or missing from the row)');
    expect(errorOf(() => tableFromColumns({ a: [1, 2], b: [1] })).message).toBe('data: column "b" has 1 values, "a" has 2');
    expect(errorOf(() => tableFromColumns({})).message).toBe("data: no columns given");
  });

  it("tableFromRows takes the union of keys and reports a missing key as an empty cell of that row", () => {
    const t = tableFromRows([{ a: 1, b: 2 }, { a: 3 }, { a: 5, b: 6, c: 7 }], "rows");
    expect(t.columns).toEqual(["a", "b", "c"]);
    expect(errorOf(() => numericColumn(t, "b")).message).toBe('rows: column "b", row 1: no value (null, or missing from the row)');
    expect(errorOf(() => tableFromRows([])).message).toBe("data: no rows given");
    expect(errorOf(() => numericColumn(tableFromRows([{ a: NaN }]), "a")).message).toMatch(/row 0: "NaN" is not a number/);
  });
});
