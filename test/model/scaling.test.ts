import { describe, expect, it } from "vitest";
import { datasetFromColumns } from "../../src/io/datasetTable.js";
import { asGeoScalers, fitPanelScalers, fitScalers, scaleGeoRows, scaleRows } from "../../src/model/scaling.js";
import { parseScalerList } from "../../src/cli/modelOptions.js";

const columns = {
  sales: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 1000, 1000],
  tv: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 500, 500],
  price: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 9, 9],
};
const d = datasetFromColumns(columns, { target: "sales", media: ["tv"], extra: ["price"] });

describe("scalers", () => {
  it("divide by the mean of the training rows only, by default", () => {
    const s = fitScalers(d, 10);
    expect(s.target).toBeCloseTo(55, 12);
    expect(s.media[0]).toBeCloseTo(9, 12);
    expect(s.extra[0]).toBeCloseTo(1.5, 12);
    const scaled = scaleRows(d, s, 10, 12);
    expect(scaled.target[0]).toBeCloseTo(1000 / 55, 12);
  });
  it("max, none and a custom divisor per column", () => {
    const s = fitScalers(d, 10, { target: "max", media: [{ divisor: 4 }], extra: "none" });
    expect(s.target).toBe(100);
    expect(s.media[0]).toBe(4);
    expect(s.extra[0]).toBe(1);
  });
  it("refuse a zero divisor and a column whose training mean is 0", () => {
    expect(() => fitScalers(d, 10, { media: [{ divisor: 0 }] })).toThrow(/divisor must be a finite non-zero/);
    const zero = datasetFromColumns({ ...columns, tv: columns.tv.map((v, i) => (i < 10 ? 0 : 5)) }, { target: "sales", media: ["tv"] }, "data", { trainRows: 12 });
    expect(() => fitScalers(zero, 10)).toThrow(/media column "tv".*mean over the training rows is 0/);
  });
  it("national scalers are the panel scalers of one geo, and scale as they do", () => {
    const panel = fitPanelScalers(d, 10, { media: "max" });
    expect(panel).toEqual(asGeoScalers(fitScalers(d, 10, { media: "max" })));
    const national = scaleRows(d, fitScalers(d, 10), 2, 12);
    const asPanel = scaleGeoRows(d, fitPanelScalers(d, 10), 2, 12);
    expect(asPanel.G).toBe(1);
    expect(Array.from(national.media)).toEqual(Array.from(asPanel.media));
    expect(Array.from(national.target)).toEqual(Array.from(asPanel.target));
    expect(() => scaleRows(d, fitScalers(d, 10), 4, 13)).toThrow(/^cannot take rows 4 to 13 of a dataset of 12 rows/);
  });
  it("refuse a target whose training mean is negative, in national and geo data alike (its sign would flip)", () => {
    const negative = { ...columns, sales: columns.sales.map((v) => v - 80) };
    expect(() => fitScalers(datasetFromColumns(negative, { target: "sales", media: ["tv"] }), 10)).toThrow(
      /^target column "sales": its mean over the training rows is negative \(-25\.00\)/,
    );
    const date = columns.sales.map((_, i) => new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10));
    const long = {
      date: [...date, ...date],
      region: [...date.map(() => "a"), ...date.map(() => "b")],
      sales: [...columns.sales, ...negative.sales],
      tv: [...columns.tv, ...columns.tv],
    };
    const geo = datasetFromColumns(long, { target: "sales", media: ["tv"], date: "date", geo: "region" });
    expect(fitPanelScalers(geo, 10, { target: "max" }).target).toEqual([100, 70]);
    expect(() => fitPanelScalers(geo, 10)).toThrow(/^target column "sales", geo "b": its mean over the training rows is negative/);
    // The national functions refuse data of several geos rather than read its [T][C][G] as [T][C].
    expect(() => fitScalers(geo, 10, { target: "max" })).toThrow(/^fitScalers \(geo data: fitPanelScalers\) takes national data \(one geo\); this dataset has 2 geos$/);
    expect(() => scaleRows(geo, { target: 1, media: [1], extra: [] })).toThrow(/takes national data/);
  });
  it("CLI scaler lists: one kind for all columns or one per column", () => {
    expect(parseScalerList("max", 2, "--media-scaler")).toEqual(["max", "max"]);
    expect(parseScalerList("mean,250", 2, "--media-scaler")).toEqual(["mean", { divisor: 250 }]);
    expect(() => parseScalerList("mean,median", 2, "--media-scaler")).toThrow(/--media-scaler: "median" is not mean, max, none or a number/);
    expect(() => parseScalerList("mean,max,none", 2, "--media-scaler")).toThrow(/3 values for 2 columns/);
  });
});
