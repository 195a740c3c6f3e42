import { describe, expect, it } from "vitest";
import type { LogDensity } from "../../src/density/types.js";
import { PhiloxRng } from "../../src/rng/index.js";
import { findInitialState } from "../../src/sampler/index.js";
import { standardNormal } from "./models/gaussians.js";

/** Valid only where every coordinate is positive. */
const positiveOrthant: LogDensity = {
  dim: 3,
  logp: (x) => (x.every((v) => v > 0) ? -x.reduce((a, v) => a + v, 0) : Number.NEGATIVE_INFINITY),
  logpGrad: (x, g) => {
    g.fill(-1);
    return x.every((v) => v > 0) ? -x.reduce((a, v) => a + v, 0) : Number.NEGATIVE_INFINITY;
  },
};

describe("initialisation", () => {
  it("uses a given point exactly", () => {
    const s = findInitialState(standardNormal(2), { kind: "point", position: Float64Array.of(0.5, -1) }, new PhiloxRng(1));
    expect(Array.from(s.position)).toEqual([0.5, -1]);
    expect(s.logp).toBeCloseTo(-0.625, 14);
    expect(Array.from(s.gradient)).toEqual([-0.5, 1]);
  });

  it("jitters uniformly within the radius around a point", () => {
    const rng = new PhiloxRng(2);
    for (let i = 0; i < 200; i++) {
      const s = findInitialState(standardNormal(2), { kind: "jitter", position: Float64Array.of(10, -10), radius: 0.5 }, rng);
      expect(Math.abs(s.position[0]! - 10)).toBeLessThan(0.5);
      expect(Math.abs(s.position[1]! + 10)).toBeLessThan(0.5);
    }
  });

  it("draws Stan's uniform(-2, 2) by default and retries invalid points", () => {
    const rng = new PhiloxRng(3);
    let spread = 0;
    for (let i = 0; i < 100; i++) {
      const s = findInitialState(positiveOrthant, { kind: "uniform" }, rng);
      for (const v of s.position) {
        expect(v > 0 && v < 2).toBe(true);
        spread = Math.max(spread, v);
      }
    }
    expect(spread).toBeGreaterThan(1.5);
  });

  it("fails after the configured number of tries, saying how many failed and why", () => {
    const never: LogDensity = { dim: 2, logp: () => Number.NEGATIVE_INFINITY, logpGrad: () => Number.NEGATIVE_INFINITY };
    expect(() => findInitialState(never, { kind: "uniform" }, new PhiloxRng(4))).toThrow(
      /100 of 100 attempts .* 100 with a non-finite log density, 0 with a non-finite gradient/,
    );
    const nanGrad: LogDensity = {
      dim: 2,
      logp: () => 0,
      logpGrad: (_x, g) => {
        g[0] = 0;
        g[1] = Number.NaN;
        return 0;
      },
    };
    expect(() => findInitialState(nanGrad, { kind: "uniform" }, new PhiloxRng(4), { maxTries: 7 })).toThrow(
      /7 of 7 attempts .* 0 with a non-finite log density, 7 with a non-finite gradient \(last: gradient component 1 is NaN\)/,
    );
    expect(() =>
      findInitialState(never, { kind: "point", position: Float64Array.of(0, 0) }, new PhiloxRng(4)),
    ).toThrow(/1 of 1 attempts \(the given initial point\)/);
  });
});
