import { describe, expect, it } from "vitest";
import { BurnInMetric } from "../../../src/sampler/lockstep/burnInMetric.js";
import { PhiloxRng } from "../../../src/rng/index.js";

describe("burn-in metric sqrt(var x / var grad) across chains", () => {
  it("recovers a normal target's variances from chains nowhere near it", () => {
    // Variances 1e-5 .. 1e2; chains spread uniformly over [50, 60] in every coordinate (hundreds of sds out).
    const variances = [1e-5, 0.003, 1, 40, 100];
    const dim = variances.length;
    const chains = 33;
    const rng = new PhiloxRng(7, 0);
    const x = new Float64Array(chains * dim);
    const g = new Float64Array(chains * dim);
    for (let c = 0; c < chains; c++) {
      for (let i = 0; i < dim; i++) {
        x[c * dim + i] = 50 + 10 * rng.uniform();
        g[c * dim + i] = -(x[c * dim + i]! - 1) / variances[i]!;
      }
    }
    const out = new Float64Array(dim).fill(1);
    new BurnInMetric(dim, chains).update(x, g, out);
    for (let i = 0; i < dim; i++) expect(out[i]! / variances[i]!).toBeCloseTo(1, 9);
  });

  it("keeps the previous value where the chains do not spread (one shared start) or a gradient is constant", () => {
    const dim = 2;
    const chains = 4;
    const x = Float64Array.from([0, 1, 0, 2, 0, 3, 0, 4]); // coordinate 0: all chains at 0
    const g = Float64Array.from([1, 5, 2, 5, 3, 5, 4, 5]); // coordinate 1: the same gradient everywhere
    const out = Float64Array.from([0.5, 0.25]);
    new BurnInMetric(dim, chains).update(x, g, out);
    expect(Array.from(out)).toEqual([0.5, 0.25]);
  });

  it("is not moved by a few chains far from the others", () => {
    const dim = 1;
    const chains = 20;
    const x = Float64Array.from({ length: chains }, (_, c) => (c < 18 ? c / 18 : 1e6));
    const g = Float64Array.from(x, (v, c) => (c < 18 ? -v / 0.04 : 0));
    const out = new Float64Array(1);
    new BurnInMetric(dim, chains).update(x, g, out);
    expect(out[0]! / 0.04).toBeGreaterThan(0.7);
    expect(out[0]! / 0.04).toBeLessThan(1.5);
  });
});
