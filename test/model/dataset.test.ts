import { describe, expect, it } from "vitest";
import { errorOf } from "../helpers/errors.js";
import { parseCsv } from "../../src/io/csv.js";
import { MIN_ROWS, sliceDataset, splitRows, totalSpend, type ColumnSelection } from "../../src/model/dataset.js";
import { datasetFromColumns, datasetFromRows, datasetFromTable } from "../../src/io/datasetTable.js";
import { parseIsoDate } from "../../src/model/dates.js";


const DAY = 86_400_000;
const iso = (start: string, days: number) => new Date(Date.parse(start) + days * DAY).toISOString().slice(0, 10);

interface Row {
  week: string;
  sales: number | string;
  tv: number | string;
  radio: number | string;
  price: number | string;
}

/** n weekly rows from 2023-01-02 with varied numbers. */
function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, t) => ({
    week: iso("2023-01-02", 7 * t),
    sales: 1000 + 37 * ((t * 7) % 11),
    tv: (t * 13) % 5 === 0 ? 0 : 100 + 10 * t,
    radio: 20 + ((t * 3) % 7),
    price: 1 + 0.01 * ((t * 5) % 9),
  }));
}

function csv(rs: Row[]): string {
  return ["week,sales,tv,radio,price", ...rs.map((r) => [r.week, r.sales, r.tv, r.radio, r.price].join(","))].join("\n") + "\n";
}

const SEL: ColumnSelection = { target: "sales", media: ["tv", "radio"], extra: ["price"], date: "week" };

function fromCsv(rs: Row[], sel: ColumnSelection = SEL, minRows?: number) {
  return datasetFromTable(parseCsv(csv(rs), "d.csv"), sel, minRows);
}

describe("datasetFromTable", () => {
  it("builds row-major arrays with dates, weekly frequency and no warnings for clean data", () => {
    const rs = rows(12);
    const d = fromCsv(rs);
    expect(d.T).toBe(12);
    expect(d.frequency).toBe("weekly");
    expect(d.warnings).toEqual([]);
    expect(d.dates).toEqual(rs.map((r) => r.week));
    expect(d.media[5 * 2 + 1]).toBe(rs[5].radio);
    expect(d.extra[7]).toBe(rs[7].price);
    expect(d.sourceRows).toEqual(rs.map((_, i) => i + 2));
    expect(totalSpend(d)).toEqual([rs.reduce((s, r) => s + Number(r.tv), 0), rs.reduce((s, r) => s + Number(r.radio), 0)]);
    // No date column: no dates, no frequency.
    const nd = fromCsv(rs, { target: "sales", media: ["tv"] });
    expect(nd.dates).toBeUndefined();
    expect(nd.frequency).toBeUndefined();
    expect(nd.warnings).toEqual([]);
  });

  it("keeps the old messages: missing column, bad cells, negative spend, too few rows, selected twice", () => {
    expect(errorOf(() => fromCsv(rows(12), { ...SEL, media: ["tv", "radoi"] })).message).toBe(
      'd.csv: missing column "radoi"; the columns are: week, sales, tv, radio, price',
    );
    const rs = rows(12);
    rs[4].tv = "";
    expect(errorOf(() => fromCsv(rs)).message).toBe('d.csv: media column "tv", row 6: empty cell');
    const rs2 = rows(12);
    rs2[2].sales = "n/a";
    expect(errorOf(() => fromCsv(rs2)).message).toMatch(/^d\.csv: target column "sales", row 4: "n\/a" is not a number/);
    const rs3 = rows(12);
    rs3[8].price = "Infinity";
    expect(errorOf(() => fromCsv(rs3)).message).toBe('d.csv: extra column "price", row 10: Infinity is not finite');
    const rs4 = rows(12);
    rs4[10].radio = -5;
    expect(errorOf(() => fromCsv(rs4)).message).toBe('d.csv: media column "radio", row 12: negative value -5 (spend cannot be negative)');
    const rs5 = rows(12);
    rs5[3].tv = "NaN";
    expect(errorOf(() => fromCsv(rs5)).message).toMatch(/^d\.csv: media column "tv", row 5: "NaN" is not a number/);
    expect(errorOf(() => fromCsv(rows(9))).message).toBe("d.csv: 9 data rows; at least 10 are needed to fit a model");
    expect(fromCsv(rows(3), SEL, 3).T).toBe(3);
    expect(errorOf(() => fromCsv(rows(12), { ...SEL, extra: ["tv"] })).message).toMatch(/^column "tv" is selected twice/);
    expect(errorOf(() => fromCsv(rows(12), { ...SEL, media: ["tv", "week"] })).message).toMatch(/^column "week" is selected twice/);
    expect(errorOf(() => fromCsv(rows(12), { ...SEL, media: [] })).message).toBe("no media columns given (--media)");
  });

  it("rejects an all-zero media column, a constant target and a constant extra column", () => {
    const z = rows(12).map((r) => ({ ...r, tv: 0 }));
    expect(errorOf(() => fromCsv(z)).message).toBe(
      'd.csv: media column "tv" cannot be scaled by its mean: every row is 0 in all 12 rows; remove the channel or fit on rows where it spends',
    );
    // Zero only in the training rows: an error when those are the training rows.
    const zt = rows(12).map((r, i) => ({ ...r, radio: i < 10 ? 0 : 5 }));
    expect(fromCsv(zt).T).toBe(12);
    expect(errorOf(() => datasetFromTable(parseCsv(csv(zt), "d.csv"), SEL, { trainRows: 10 })).message).toMatch(
      /^d\.csv: media column "radio" cannot be scaled by its mean: every row is 0 in the 10 training rows \(2023-01-02 to 2023-03-06\)/,
    );
    const ct = rows(12).map((r) => ({ ...r, sales: 500 }));
    expect(errorOf(() => fromCsv(ct)).message).toMatch(/^d\.csv: target column "sales" is constant \(every row is 500 in all 12 rows\)/);
    const ce = rows(12).map((r) => ({ ...r, price: 2.5 }));
    expect(errorOf(() => fromCsv(ce)).message).toMatch(/^d\.csv: extra column "price" is constant \(every row is 2\.5 in all 12 rows\): it is collinear with the intercept/);
  });
});

describe("dates", () => {
  it("parses the accepted formats and rejects everything else", () => {
    expect(parseIsoDate("2023-01-02")).toBe("2023-01-02");
    expect(parseIsoDate("2023/01/02")).toBe("2023-01-02");
    expect(parseIsoDate("2023-01-02T00:00:00")).toBe("2023-01-02");
    expect(parseIsoDate("2023-01-02T13:45")).toBe("2023-01-02");
    expect(parseIsoDate("2023-01-02T13:45:10.5Z")).toBe("2023-01-02");
    expect(parseIsoDate("2024-02-29")).toBe("2024-02-29");
    // Database and R exports put a space before the time, BigQuery " UTC" after it.
    expect(parseIsoDate("2023-01-02 00:00")).toBe("2023-01-02");
    expect(parseIsoDate("2023-01-02 00:00:00 UTC")).toBe("2023-01-02");
    expect(parseIsoDate("2023-01-02 23:59:59.123+01:00")).toBe("2023-01-02");
    expect(parseIsoDate("2023/01/02 00:00:00")).toBe("2023-01-02");
    for (const bad of ["2023-02-29", "2023-13-01", "02/01/2023", "2023-1-2", "Jan 2 2023", "2023/01-02", "2023-01-02T25:00", "2023-01-02 24:00", "2023-01-02 00:00 PST", "2023-01-02  00:00", "2023/01/02T00:00", "2023-01-02 00:00 UTCX", "20230102", ""]) {
      expect(parseIsoDate(bad), bad).toBeUndefined();
    }
  });

  it("names the row and the cell of a bad date", () => {
    const rs = rows(12);
    rs[6].week = "06/02/2023";
    expect(errorOf(() => fromCsv(rs)).message).toBe(
      'd.csv: date column "week", row 8: "06/02/2023" is not a date (use YYYY-MM-DD or YYYY/MM/DD; a time after it, as in 2023-01-02 00:00:00 or 2023-01-02T00:00Z, is ignored)',
    );
    const rs2 = rows(12);
    rs2[1].week = "2023-02-30";
    expect(errorOf(() => fromCsv(rs2)).message).toMatch(/^d\.csv: date column "week", row 3: "2023-02-30" is not a date/);
  });

  it("names both rows of a duplicate date", () => {
    const rs = rows(12);
    rs[9].week = rs[3].week;
    expect(errorOf(() => fromCsv(rs)).message).toBe(
      'd.csv: date column "week": rows 5 and 11 have the same date 2023-01-23; each period must appear once',
    );
  });

  it("sorts rows out of date order (stably, keeping every row) with a warning", () => {
    const rs = rows(12);
    const shuffled = [rs[0], rs[1], rs[5], rs[2], rs[3], rs[4], ...rs.slice(6)];
    shuffled[1] = { ...shuffled[1], week: "2023/01/09" }; // mixed formats normalise
    const d = fromCsv(shuffled);
    expect(d.T).toBe(12);
    expect(d.dates).toEqual(rs.map((r) => r.week));
    expect(Array.from(d.target)).toEqual(rs.map((r) => Number(r.sales)));
    expect(Array.from({ length: 12 }, (_, t) => d.media[t * 2])).toEqual(rs.map((r) => Number(r.tv)));
    expect(d.sourceRows!.slice(0, 6)).toEqual([2, 3, 5, 6, 7, 4]);
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings![0]).toMatch(/^d\.csv: the rows were not in date order, so they were sorted by date column "week"/);
    expect(d.warnings![0]).toContain("row 5, 2023-01-16, after row 4, 2023-02-06");
  });

  it("reports missing weeks by date, without adding rows", () => {
    const rs = rows(14).filter((_, i) => i !== 4 && i !== 9 && i !== 10);
    const d = fromCsv(rs);
    expect(d.T).toBe(11);
    expect(d.frequency).toBe("weekly");
    expect(d.warnings).toEqual([
      'd.csv: 3 missing weeks in date column "week" (the model treats the rows as consecutive periods): 2023-01-30, 2023-03-06, 2023-03-13',
    ]);
  });

  it("detects daily data and its gaps", () => {
    const cols = {
      day: Array.from({ length: 15 }, (_, i) => iso("2024-02-25", i < 6 ? i : i + 1)),
      y: Array.from({ length: 15 }, (_, i) => 10 + (i % 4)),
      m: Array.from({ length: 15 }, (_, i) => i + 1),
    };
    const d = datasetFromColumns(cols, { target: "y", media: ["m"], date: "day" });
    expect(d.frequency).toBe("daily");
    expect(d.warnings).toEqual(['data: 1 missing day in date column "day" (the model treats the rows as consecutive periods): 2024-03-02']);
  });

  it("detects monthly data from 28-31 day gaps and lists missing months", () => {
    const months = ["2022-01-01", "2022-02-01", "2022-03-01", "2022-04-01", "2022-05-01", "2022-06-01", "2022-09-01", "2022-10-01", "2022-11-01", "2022-12-01", "2023-01-01", "2023-02-01"];
    const cols = { month: months, y: months.map((_, i) => 5 + (i % 3)), m: months.map((_, i) => 2 + i) };
    const d = datasetFromColumns(cols, { target: "y", media: ["m"], date: "month" });
    expect(d.frequency).toBe("monthly");
    expect(d.dates).toEqual(months);
    expect(d.warnings).toEqual(['data: 2 missing months in date column "month" (the model treats the rows as consecutive periods): 2022-07-01, 2022-08-01']);
    // Month ends are monthly too.
    const ends = ["2022-01-31", "2022-02-28", "2022-03-31", "2022-04-30", "2022-05-31", "2022-06-30", "2022-07-31", "2022-08-31", "2022-09-30", "2022-10-31"];
    const e = datasetFromColumns({ month: ends, y: ends.map((_, i) => i % 3), m: ends.map(() => 1) }, { target: "y", media: ["m"], date: "month" });
    expect(e.frequency).toBe("monthly");
    expect(e.warnings).toEqual([]);
  });

  it("rejects other spacings and dates off the weekly grid", () => {
    const cols = { d: Array.from({ length: 12 }, (_, i) => iso("2023-01-01", 14 * i)), y: Array.from({ length: 12 }, (_, i) => i), m: Array.from({ length: 12 }, () => 1) };
    expect(errorOf(() => datasetFromColumns(cols, { target: "y", media: ["m"], date: "d" })).message).toBe(
      'data: date column "d": the typical (median) gap between dates is 14 days; only daily (1 day), weekly (7 days) or monthly (28 to 31 days) data is supported',
    );
    const rs = rows(12);
    rs[6].week = iso(rs[6].week, 1);
    expect(errorOf(() => fromCsv(rs)).message).toBe(
      'd.csv: date column "week": row 8 (2023-02-14) is 8 days after row 7 (2023-02-06); weekly dates must be 7 days apart (or a multiple of that where weeks are missing)',
    );
  });
});

describe("datasetFromRows and datasetFromColumns", () => {
  it("give the same dataset as the CSV path", () => {
    const rs = rows(15);
    const a = fromCsv(rs);
    const b = datasetFromRows(rs as unknown as Record<string, number | string>[], SEL, "d.csv");
    const c = datasetFromColumns(
      {
        week: rs.map((r) => r.week),
        sales: rs.map((r) => r.sales),
        tv: rs.map((r) => r.tv),
        radio: rs.map((r) => r.radio),
        price: rs.map((r) => r.price),
      },
      SEL,
      "d.csv",
    );
    for (const d of [b, c]) {
      expect(d.target).toEqual(a.target);
      expect(d.media).toEqual(a.media);
      expect(d.extra).toEqual(a.extra);
      expect(d.dates).toEqual(a.dates);
      expect(d.frequency).toBe(a.frequency);
      expect(d.warnings).toEqual(a.warnings);
    }
  });

  it("validate like CSV input, numbering rows by their index (from 0)", () => {
    const rs = rows(12) as unknown as Record<string, number | string>[];
    const neg = rs.map((r, i) => (i === 4 ? { ...r, tv: -1 } : r));
    expect(errorOf(() => datasetFromRows(neg, SEL)).message).toBe('data: media column "tv", row 4: negative value -1 (spend cannot be negative)');
    const nan = rs.map((r, i) => (i === 2 ? { ...r, sales: NaN } : r));
    expect(errorOf(() => datasetFromRows(nan, SEL)).message).toMatch(/^data: target column "sales", row 2: "NaN" is not a number/);
    const missingKey = rs.map((r, i) => {
      if (i !== 7) return r;
      const { price: _p, ...rest } = r;
      return rest;
    });
    expect(errorOf(() => datasetFromRows(missingKey, SEL)).message).toBe('data: extra column "price", row 7: no value (null, or missing from the row)');
    expect(errorOf(() => datasetFromRows(rs.slice(0, 4), SEL)).message).toBe("data: 4 data rows; at least 10 are needed to fit a model");
    expect(errorOf(() => datasetFromRows(rs, { ...SEL, target: "revenue" })).message).toMatch(/^data: missing column "revenue"/);

    const cols = { y: Array.from({ length: 12 }, (_, i) => i), m: Array.from({ length: 12 }, () => 0), e: Array.from({ length: 12 }, (_, i) => i * i) };
    expect(errorOf(() => datasetFromColumns(cols, { target: "y", media: ["m"] })).message).toMatch(
      /^data: media column "m" cannot be scaled by its mean: every row is 0/,
    );
    expect(errorOf(() => datasetFromColumns({ ...cols, m: cols.e.map((v) => (v === 16 ? Infinity : v)) }, { target: "y", media: ["m"] })).message).toBe(
      'data: media column "m", row 4: Infinity is not finite',
    );
    expect(errorOf(() => datasetFromColumns({ ...cols, m: cols.e }, { target: "y", media: ["m"], extra: ["y"] })).message).toMatch(/selected twice/);
  });
});

describe("splitRows and sliceDataset", () => {
  const d = fromCsv(rows(20));

  it("splits by a number of test rows (always the last rows)", () => {
    expect(splitRows(d)).toEqual({ trainRows: 20, testRows: 0 });
    expect(splitRows(d, { testRows: 6 })).toEqual({ trainRows: 14, testRows: 6 });
    expect(errorOf(() => splitRows(d, { testRows: 11 })).message).toBe(
      "d.csv: holding out 11 test rows leaves 9 training rows; at least 10 are needed to fit a model",
    );
    expect(errorOf(() => splitRows(d, { testRows: 2.5 })).message).toMatch(/^test rows \(--test-rows\) must be a whole number from 0 to 19/);
    expect(errorOf(() => splitRows(d, { testRows: -1 })).message).toMatch(/^test rows \(--test-rows\) must be a whole number/);
  });

  it("splits at a date: rows on or after it are test rows", () => {
    // Row 15 (0-based) is 2023-04-17.
    expect(splitRows(d, { testFrom: "2023-04-17" })).toEqual({ trainRows: 15, testRows: 5 });
    // A date between two rows: the next row starts the test set.
    expect(splitRows(d, { testFrom: "2023-04-13" })).toEqual({ trainRows: 15, testRows: 5 });
    expect(splitRows(d, { testFrom: "2023/05/15" })).toEqual({ trainRows: 19, testRows: 1 });
    expect(errorOf(() => splitRows(d, { testFrom: "2023-05-16" })).message).toBe(
      "test start date (--test-from) 2023-05-16 is outside the data: it must be after the first date 2023-01-02 and on or before the last date 2023-05-15",
    );
    expect(errorOf(() => splitRows(d, { testFrom: "2023-01-02" })).message).toMatch(/is outside the data/);
    expect(errorOf(() => splitRows(d, { testFrom: "2023-02-06" })).message).toBe(
      "d.csv: holding out 15 test rows leaves 5 training rows; at least 10 are needed to fit a model",
    );
    expect(errorOf(() => splitRows(d, { testFrom: "17/04/2023" })).message).toBe('test start date (--test-from) "17/04/2023" is not a date (use YYYY-MM-DD)');
    expect(errorOf(() => splitRows(d, { testFrom: "2023-04-17", testRows: 3 })).message).toMatch(/not both/);
    const nd = fromCsv(rows(20), { target: "sales", media: ["tv"] });
    expect(errorOf(() => splitRows(nd, { testFrom: "2023-04-17" })).message).toMatch(/^d\.csv: the data has no date column/);
  });

  it("checks the training rows of a split", () => {
    const rs = rows(20).map((r, i) => ({ ...r, radio: i < 12 ? 0 : 9 }));
    const z = datasetFromTable(parseCsv(csv(rs), "z.csv"), SEL);
    expect(errorOf(() => splitRows(z, { testRows: 8 })).message).toBe(
      'z.csv: media column "radio" cannot be scaled by its mean: every row is 0 in the 12 training rows (2023-01-02 to 2023-03-20); remove the channel or fit on rows where it spends',
    );
    expect(splitRows(z, { testRows: 7 })).toEqual({ trainRows: 13, testRows: 7 });
  });

  it("slices rows into a new dataset", () => {
    const s = sliceDataset(d, 15, 20);
    expect(s.T).toBe(5);
    expect(s.dates).toEqual(d.dates!.slice(15));
    expect(Array.from(s.target)).toEqual(Array.from(d.target.slice(15)));
    expect(Array.from(s.media)).toEqual(Array.from(d.media.slice(30, 40)));
    expect(Array.from(s.extra)).toEqual(Array.from(d.extra.slice(15, 20)));
    expect(s.frequency).toBe("weekly");
    expect(s.sourceRows).toEqual([17, 18, 19, 20, 21]);
    s.target[0] = -1;
    expect(d.target[15]).not.toBe(-1);
    expect(errorOf(() => sliceDataset(d, 5, 5)).message).toMatch(/cannot take rows 5 to 5/);
    expect(errorOf(() => sliceDataset(d, 0, 21)).message).toMatch(/cannot take rows 0 to 21/);
  });

  it("MIN_ROWS is 10", () => {
    expect(MIN_ROWS).toBe(10);
  });
});
