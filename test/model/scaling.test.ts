import { describe, expect, it } from "vitest";
import { datasetFromColumns } from "../../src/io/datasetTable.js";
import { fitScalers, scaleRows } from "../../src/model/scaling.js";
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
  it("CLI scaler lists: one kind for all columns or one per column", () => {
    expect(parseScalerList("max", 2, "--media-scaler")).toEqual(["max", "max"]);
    expect(parseScalerList("mean,250", 2, "--media-scaler")).toEqual(["mean", { divisor: 250 }]);
    expect(() => parseScalerList("mean,median", 2, "--media-scaler")).toThrow(/--media-scaler: "median" is not mean, max, none or a number/);
    expect(() => parseScalerList("mean,max,none", 2, "--media-scaler")).toThrow(/3 values for 2 columns/);
  });
});
