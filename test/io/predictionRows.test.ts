// New periods read from a table by a fitted model's column names: the layout
// the evaluator takes ([T][C], [T][F]; [T][C][G] with geos) and errors that
// name the file, column, row and geo.

import { describe, expect, it } from "vitest";
import { datasetFromRows, parseCsv, predictionRowsFromTable, tableFromRows, dateColumn, type AnyFitRecord } from "../../src/index.js";
import { errorOf } from "../helpers/errors.js";

const weeks = Array.from({ length: 20 }, (_, t) => new Date(Date.UTC(2022, 0, 3 + 7 * t)).toISOString().slice(0, 10));

/** Only the dataset matters to the reader; the rest of a fit record is not read. */
function recordOf(dataset: ReturnType<typeof datasetFromRows>, kind?: "geo"): AnyFitRecord {
  return { dataset, ...(kind ? { kind } : {}) } as unknown as AnyFitRecord;
}

const national = recordOf(
  datasetFromRows(
    weeks.map((week, t) => ({ week, sales: 100 + t, tv: 10 + (t % 3), radio: 5 + (t % 2), price: 1 + t / 100 })),
    { target: "sales", media: ["tv", "radio"], extra: ["price"], date: "week" },
  ),
);

const geo = recordOf(
  datasetFromRows(
    weeks.flatMap((date, t) => ["north", "south"].map((g, k) => ({ date, geo: g, sales: 100 + t + k, tv: 10 + ((t + k) % 3), price: 1 + t / 100 }))),
    { target: "sales", media: ["tv"], extra: ["price"], date: "date", geo: "geo" },
  ),
  "geo",
);

describe("predictionRowsFromTable", () => {
  it("lays out one row per period by the fitted names, whatever the table's column order", () => {
    const table = parseCsv("price,radio,tv,other\n1.5,7,20,x\n2.5,8,30,y\n", "next.csv");
    const rows = predictionRowsFromTable(national, table);
    expect(rows.T).toBe(2);
    expect([...rows.media]).toEqual([20, 7, 30, 8]);
    expect([...rows.extra]).toEqual([1.5, 2.5]);
  });

  it("names the file, the column and the row of a bad cell, and a missing column", () => {
    expect(errorOf(() => predictionRowsFromTable(national, parseCsv("tv,radio,price\n1,-2,1\n", "next.csv"))).message).toMatch(/^next\.csv: media column "radio", row 2: negative value -2/);
    expect(errorOf(() => predictionRowsFromTable(national, parseCsv("tv,price\n1,1\n", "next.csv"))).message).toMatch(/next\.csv.*radio/);
    expect(errorOf(() => predictionRowsFromTable(national, parseCsv("tv,radio,price\n", "next.csv"))).message).toBe("next.csv: no data rows");
  });

  it("reads a geo model's rows per period and geo into [T][C][G], each geo's rows in table order", () => {
    const table = parseCsv("geo,tv,price\nsouth,2,1.1\nnorth,1,1.1\nnorth,3,1.2\nsouth,4,1.2\n", "next.csv");
    const rows = predictionRowsFromTable(geo, table);
    expect(rows.T).toBe(2);
    // media[(t * C + c) * G + g], geos in fitted order (north, south).
    expect([...rows.media]).toEqual([1, 2, 3, 4]);
    expect([...rows.extra]).toEqual([1.1, 1.2]);
  });

  it("names the missing geo column and an unknown geo", () => {
    expect(errorOf(() => predictionRowsFromTable(geo, parseCsv("tv,price\n1,1\n", "next.csv"))).message).toBe('next.csv: no geo column "geo" (the column the model was fitted with)');
    expect(errorOf(() => predictionRowsFromTable(geo, parseCsv("geo,tv,price\neast,1,1\n", "next.csv"))).message).toMatch(/^next\.csv, row 2: geo "east" is not one of the fitted geos \(north, south\)/);
    // In memory, rows are named by index.
    expect(errorOf(() => predictionRowsFromTable(geo, tableFromRows([{ geo: "north", tv: 1, price: 1 }, { geo: "east", tv: 1, price: 1 }], "rows"))).message).toMatch(/^rows, row 1: geo "east"/);
  });
});

describe("dateColumn", () => {
  it("reads ISO dates and names the column and row of a bad one", () => {
    const table = parseCsv("week,tv\n2024/01/08,1\nsoon,2\n", "next.csv");
    expect(errorOf(() => dateColumn(table, "week")).message).toMatch(/^next\.csv: date column "week", row 3: "soon" is not a date/);
    expect(dateColumn(parseCsv("week\n2024/01/08\n2024-01-15\n", "x.csv"), "week")).toEqual(["2024-01-08", "2024-01-15"]);
    expect(errorOf(() => dateColumn(table, "day", '--date column "day"')).message).toMatch(/day/);
  });
});
