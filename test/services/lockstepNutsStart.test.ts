// The NUTS start of lockstep chains: each superchain's chains share the point
// where its NUTS leader's warm-up ended, the metric is the leaders' median (on
// a diagonal normal, near the true variances), and a seed gives the same start.
import { describe, expect, it } from "vitest";
import { lockstepNutsStart } from "../../src/services/lockstepNutsStart.js";
import { diagonalNormal, logSpacedScales } from "../sampler/models/gaussians.js";

describe("lockstep NUTS start", () => {
  const scales = logSpacedScales(5, 0.1, 10);
  const density = diagonalNormal(scales);
  const options = { chains: 12, superchains: 4, seed: 9, warmup: 150, initialPosition: new Float64Array(5).fill(3), initRadius: 1 };

  it("starts the chains of a superchain at one point, the superchains at different ones, inside the typical set", () => {
    const start = lockstepNutsStart(density, options);
    const row = (c: number) => Array.from(start.initialPositions.subarray(c * 5, (c + 1) * 5));
    for (let k = 0; k < 4; k++) for (let m = 1; m < 3; m++) expect(row(3 * k + m)).toEqual(row(3 * k));
    expect(row(0)).not.toEqual(row(3));
    for (let c = 0; c < 12; c++) row(c).forEach((x, i) => expect(Math.abs(x) / scales[i]!).toBeLessThan(5));
  });

  it("takes the leaders' median metric (near the true variances) and step size, the same for the same seed", () => {
    const a = lockstepNutsStart(density, options);
    const b = lockstepNutsStart(density, options);
    expect(Buffer.from(a.initialPositions.buffer).equals(Buffer.from(b.initialPositions.buffer))).toBe(true);
    expect(a.initialStepSize).toBe(b.initialStepSize);
    a.initialInverseMetric.forEach((v, i) => {
      const ratio = v / scales[i]! ** 2;
      expect(ratio).toBeGreaterThan(0.3);
      expect(ratio).toBeLessThan(3);
    });
    expect(a.initialStepSize).toBeGreaterThan(0.1);
    expect(a.gradientEvaluations).toBeGreaterThan(0);
  });
});
