import { describe, expect, it } from "vitest";
import { ParameterLayout } from "../../src/model/layout.js";
import { parsePrior, priorMedian, PriorError } from "../../src/model/priors.js";
import { makeStructure, mediaPriorFromCosts } from "../../src/model/structure.js";
import { gammaP } from "../../src/math/special.js";

const structure = (o: Partial<Parameters<typeof makeStructure>[0]> = {}) =>
  makeStructure({ nChannels: 2, nExtra: 1, mediaPrior: [0.1, 0.2], ...o });

describe("parameter layout", () => {
  it("has LightweightMMM's names, shapes and ArviZ labels", () => {
    const l = new ParameterLayout(structure());
    expect(l.blocks.map((b) => b.name)).toEqual([
      "intercept", "sigma", "coef_trend", "expo_trend", "coef_media",
      "lag_weight", "half_max_effective_concentration", "slope",
      "gamma_seasonality", "coef_extra_features",
    ]);
    expect(l.dim).toBe(1 + 1 + 1 + 1 + 2 + 6 + 4 + 1);
    expect(l.labels()).toContain("gamma_seasonality[1, 0]");
    expect(l.labels()).toContain("expo_trend");
    expect(l.labels()).toContain("coef_media[1]");
  });

  it("round-trips MODEL.md's JSON example through the unconstrained vector", () => {
    const l = new ParameterLayout(structure());
    const example = {
      intercept: [0.7], sigma: [0.02], coef_trend: [-0.001], expo_trend: 0.9,
      coef_media: [0.1, 0.2], gamma_seasonality: [[0.01, -0.02], [0.0, 0.005]],
      lag_weight: [0.5, 0.3], half_max_effective_concentration: [1.0, 1.2],
      slope: [1.0, 2.0], coef_extra_features: [0.02],
    };
    const x = l.readValues(example);
    const back = l.constrain(l.unconstrainFlat(x));
    for (const [k, v] of Object.entries(example)) {
      const got = back[k];
      const flatV = [v].flat(2) as number[];
      const flatG = [got].flat(2) as number[];
      flatV.forEach((e, i) => expect(flatG[i]).toBeCloseTo(e, 12));
    }
    // A bare number is accepted for one-element parameters.
    expect(() => l.readValues({ ...example, intercept: 0.7 })).not.toThrow();
  });

  it("rejects unknown names, wrong shapes and values outside the support", () => {
    const l = new ParameterLayout(structure());
    const ok = l.constrain(l.medianPoint());
    expect(() => l.readValues({ ...ok, slop: [1, 1] })).toThrow(/unknown parameter "slop"/);
    expect(() => l.readValues({ ...ok, coef_media: [1] })).toThrow(/coef_media" must have shape \[2\]/);
    expect(() => l.readValues({ ...ok, sigma: [-1] })).toThrow(/sigma\[0\] = -1 is outside/);
    expect(() => l.readValues({ ...ok, expo_trend: 2 })).toThrow(/expo_trend = 2 is outside/);
    const { slope: _s, ...missing } = ok;
    expect(() => l.readValues(missing)).toThrow(/missing parameter "slope"/);
  });

  it("custom priors change the transform; incompatible supports are refused", () => {
    const l = new ParameterLayout(
      structure({ customPriors: { coef_extra_features: parsePrior({ dist: "HalfNormal", scale: 1 }, "p"), lag_weight: { dist: "Uniform", low: 0.1, high: 0.9 } } }),
    );
    expect(l.block("coef_extra_features").transforms[0].kind).toBe("log");
    expect(l.block("lag_weight").transforms[0]).toEqual({ kind: "scaled-logit", low: 0.1, high: 0.9 });
    expect(() => new ParameterLayout(structure({ customPriors: { lag_weight: { dist: "Gamma", concentration: 1, rate: 1 } } }))).toThrow(PriorError);
    expect(() => new ParameterLayout(structure({ customPriors: { slopes: { dist: "Gamma", concentration: 1, rate: 1 } } }))).toThrow(/unknown parameter "slopes"/);
    expect(() => parsePrior({ dist: "Gamma", concentration: -1, rate: 1 }, "priors.slope")).toThrow(/priors.slope.concentration must be a positive/);
  });

  it("prior medians are medians", () => {
    const g = priorMedian({ dist: "Gamma", concentration: 2.5, rate: 3 });
    expect(gammaP(2.5, g * 3)).toBeCloseTo(0.5, 12);
    expect(priorMedian({ dist: "Beta", concentration1: 2, concentration0: 1 })).toBeCloseTo(Math.SQRT1_2, 12);
    expect(priorMedian({ dist: "Beta", concentration1: 9, concentration0: 1 })).toBeCloseTo(Math.pow(0.5, 1 / 9), 12);
    expect(priorMedian({ dist: "Gamma", concentration: 1, rate: 1 })).toBeCloseTo(Math.LN2, 12);
  });

  it("media prior from costs follows MODEL.md", () => {
    expect(mediaPriorFromCosts([100, 300], 0.15)).toEqual([0.075, 0.225]);
  });
});
