import { describe, expect, it } from "vitest";
import { ebfmi, ebfmiPerChain } from "../../src/diagnostics/energy.js";
import { normalGenerator } from "./random.js";

describe("E-BFMI", () => {
  it("matches a direct computation on a small series", () => {
    // energy 1, 3, 2, 6: steps 2, -1, 4 -> 4 + 1 + 16 = 21;
    // mean 3, deviations -2, 0, -1, 3 -> 4 + 0 + 1 + 9 = 14.
    expect(ebfmi(new Float64Array([1, 3, 2, 6]))).toBeCloseTo(21 / 14, 14);
  });

  it("is about 2 for independent energies and near 0 for a random walk", () => {
    const normal = normalGenerator(101);
    const iid = Float64Array.from({ length: 20000 }, () => normal());
    expect(Math.abs(ebfmi(iid) - 2)).toBeLessThan(0.05);
    const walk = new Float64Array(20000);
    for (let i = 1; i < walk.length; i++) walk[i] = walk[i - 1] + normal();
    expect(ebfmi(walk)).toBeLessThan(0.01);
  });

  it("is computed per chain; NaN for constant or too short series", () => {
    const values = ebfmiPerChain([new Float64Array([1, 3, 2, 6]), new Float64Array([0, 1]), new Float64Array([5, 5, 5]), new Float64Array([7])]);
    expect(values[0]).toBeCloseTo(21 / 14, 14);
    expect(values[1]).toBeCloseTo(1 / 0.5, 14);
    expect(values[2]).toBeNaN();
    expect(values[3]).toBeNaN();
  });
});
