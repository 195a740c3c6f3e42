import { describe, expect, it } from "vitest";
import {
  adstockReference,
  convolve,
  delayedWeights,
  geometricAdstock,
  saturationReference,
  weibullCdfWeights,
  weibullPdfWeights,
} from "../../src/density/transformReference.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { ADSTOCK_NAMES, SATURATION_NAMES, composedName } from "../../src/model/modelChoice.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure } from "../../src/model/structure.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";

const impulse = (T: number) => Array.from({ length: T }, (_, t) => (t === 0 ? 1 : 0));

describe("adstocks against closed forms", () => {
  it("geometric: the impulse response is lag^t, times (1 - lag) when normalised", () => {
    const out = geometricAdstock(impulse(8), 0.6, true);
    const raw = geometricAdstock(impulse(8), 0.6, false);
    for (let t = 0; t < 8; t++) {
      expect(raw[t]).toBeCloseTo(Math.pow(0.6, t), 14);
      expect(out[t]).toBeCloseTo(0.4 * Math.pow(0.6, t), 14);
    }
  });

  it("delayed: the impulse response peaks at the rounded delay and sums to one", () => {
    const w = convolve(impulse(20), delayedWeights(0.7, 3.2, 13));
    expect(w.indexOf(Math.max(...w))).toBe(3);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it("Weibull CDF with shape 1: w[l] = exp(-l (l + 1) / (2 scale))", () => {
    const w = weibullCdfWeights(2.5, 1, 9);
    for (let l = 0; l < 9; l++) expect(w[l]).toBeCloseTo(Math.exp(-(l * (l + 1)) / (2 * 2.5)), 14);
  });

  it("Weibull PDF with shape 1: exponential weights, ratio exp(-1 / scale)", () => {
    const w = weibullPdfWeights(1.7, 1, 9);
    for (let l = 1; l < 9; l++) expect(w[l] / w[l - 1]).toBeCloseTo(Math.exp(-1 / 1.7), 14);
  });

  it("every convolution adstock passes a constant input through once the window is full", () => {
    const x = Array.from({ length: 30 }, () => 2.5);
    for (const name of ["delayed", "carryover", "weibull_cdf", "weibull_pdf"] as const) {
      const out = adstockReference(name, x, [0.6, 1.3], { normalise: true, lags: 13 });
      for (let t = 12; t < 30; t++) expect(out[t], name).toBeCloseTo(2.5, 12);
      expect(out[0], name).toBeLessThan(2.5);
    }
  });
});

describe("saturations against closed forms", () => {
  it("each is 0 at 0, increasing, and hits its documented point", () => {
    for (const name of SATURATION_NAMES) {
      const p = name === "hill" ? [1.3, 2] : [0.7];
      expect(saturationReference(name, 0, p), name).toBe(0);
      let prev = 0;
      for (let v = 0.1; v < 5; v += 0.1) {
        const f = saturationReference(name, v, p);
        expect(f, `${name} at ${v}`).toBeGreaterThan(prev);
        prev = f;
      }
    }
    expect(saturationReference("hill", 1.3, [1.3, 2])).toBeCloseTo(0.5, 15);
    expect(saturationReference("michaelis_menten", 0.8, [0.8])).toBeCloseTo(0.5, 15);
    expect(saturationReference("tanh", 0.8, [0.8])).toBeCloseTo(Math.tanh(1), 15);
    // PyMC-Marketing's logistic saturation is tanh(lam v / 2).
    expect(saturationReference("logistic", 1.7, [0.9])).toBeCloseTo(Math.tanh(0.9 * 1.7 / 2), 15);
    expect(saturationReference("root", 4, [0.5])).toBeCloseTo(2, 15);
    expect(saturationReference("none", 3.25, [])).toBe(3.25);
  });
});

describe("reference density of every adstock x saturation pair", () => {
  it("is finite at random points and differs between pairs", () => {
    const rand = mulberry32(5);
    const seen = new Set<number>();
    for (const a of ADSTOCK_NAMES) {
      for (const s of SATURATION_NAMES) {
        const { layout, data } = makeFixture({ model: composedName(a, s), T: 30, C: 3, F: 1, degrees: 1, seed: 9 });
        const u = randomPoint(layout.dim, rand, 1);
        const lp = referenceLogDensity(layout, data, u).lpJacobian;
        expect(Number.isFinite(lp), `${a}+${s}`).toBe(true);
        seen.add(lp);
      }
    }
    expect(seen.size).toBe(ADSTOCK_NAMES.length * SATURATION_NAMES.length);
  });

  it("geometric+hill with LightweightMMM's priors is the hill_adstock preset exactly", () => {
    const { layout, data } = makeFixture({ model: "hill_adstock", T: 40, C: 2, F: 1, degrees: 2, seed: 3 });
    const s = layout.structure;
    const lmmm = {
      lag_weight: { dist: "Beta", concentration1: 2, concentration0: 1 },
      half_max_effective_concentration: { dist: "Gamma", concentration: 1, rate: 1 },
      slope: { dist: "Gamma", concentration: 1, rate: 1 },
    };
    const composed = new ParameterLayout(
      makeStructure({ ...s, model: "geometric+hill", customPriors: lmmm as never }),
    );
    expect(composed.labels()).toEqual(layout.labels());
    const u = randomPoint(layout.dim, mulberry32(4));
    expect(referenceLogDensity(composed, data, u).lpJacobian).toBe(referenceLogDensity(layout, data, u).lpJacobian);
  });
});
