// The one table reader: wide (national) and long (geo) format build the one
// dataset type, and national data read as a long table of one geo holds the
// same numbers in the same [T][C][G] layout (G = 1).
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/csv.js";
import { datasetFromTable, geoDatasetFromTable } from "../../src/io/datasetTable.js";
import { isGeoDataset, sliceDataset, splitRows, totalSpend } from "../../src/model/dataset.js";

const ROWS = Array.from({ length: 14 }, (_, t) => {
  const day = new Date(Date.UTC(2024, 0, 1 + 7 * t)).toISOString().slice(0, 10);
  return { day, y: 100 + ((t * 37) % 11), tv: (t * 13) % 7, radio: 1 + (t % 3), price: 1 + ((t * 5) % 4) / 10 };
});
// Rows out of date order, so both readers sort them.
const SHUFFLED = [...ROWS.slice(3), ...ROWS.slice(0, 3)];

function wide(): string {
  return ["day,y,tv,radio,price", ...SHUFFLED.map((r) => `${r.day},${r.y},${r.tv},${r.radio},${r.price}`)].join("\n") + "\n";
}
function long(): string {
  return ["day,region,y,tv,radio,price", ...SHUFFLED.map((r) => `${r.day},all,${r.y},${r.tv},${r.radio},${r.price}`)].join("\n") + "\n";
}
const SEL = { target: "y", media: ["tv", "radio"], extra: ["price"], date: "day" };

describe("datasetFromTable", () => {
  it("reads national data as a panel of one geo: the same numbers, order and source rows as the same data in long format", () => {
    const national = datasetFromTable(parseCsv(wide(), "w.csv"), SEL);
    const geo = datasetFromTable(parseCsv(long(), "w.csv"), { ...SEL, geo: "region" });
    expect(isGeoDataset(national)).toBe(false);
    expect(isGeoDataset(geo)).toBe(true);
    expect(geo.G).toBe(1);
    expect(geo.extraPerGeo).toBe(false);
    expect(Array.from(geo.target)).toEqual(Array.from(national.target));
    expect(Array.from(geo.media)).toEqual(Array.from(national.media));
    expect(Array.from(geo.extra)).toEqual(Array.from(national.extra));
    expect(geo.dates).toEqual(national.dates);
    expect(geo.frequency).toBe("weekly");
    expect(national.frequency).toBe("weekly");
    expect(geo.sourceRows).toEqual(national.sourceRows);
    expect(national.dates![0]).toBe("2024-01-01");
    expect(national.warnings![0]).toMatch(/not in date order, so they were sorted .*first out of order: row 13, 2024-01-01, after row 12, 2024-04-01\)$/);
    expect(geo.warnings[0]).toMatch(/first out of order: row 13, 2024-01-01, after row 12, 2024-04-01, geo "all"\)$/);
    expect(totalSpend(geo, 10)).toEqual(totalSpend(national, 10));
    expect(splitRows(geo, { testRows: 3 })).toEqual(splitRows(national, { testRows: 3 }));
    expect(Array.from(sliceDataset(geo, 2, 9).media)).toEqual(Array.from(sliceDataset(national, 2, 9).media));
  });

  it("is the geo reader when the selection names a geo column", () => {
    const table = parseCsv(long(), "l.csv");
    expect(datasetFromTable(table, { ...SEL, geo: "region" })).toEqual(geoDatasetFromTable(table, { ...SEL, geo: "region" }));
  });

  it("names the geo in messages of long format only", () => {
    const bad = long().replace("2024-01-22,all,", "2024-01-22,all,x");
    expect(() => datasetFromTable(parseCsv(bad, "l.csv"), { ...SEL, geo: "region" })).toThrow(/^l\.csv: target column "y", row 2 \(geo "all"\): "x\d+" is not a number$/);
    const badWide = wide().replace("2024-01-22,", "2024-01-22,x");
    expect(() => datasetFromTable(parseCsv(badWide, "w.csv"), SEL)).toThrow(/^w\.csv: target column "y", row 2: "x\d+" is not a number$/);
  });
});
