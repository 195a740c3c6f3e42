import { describe, expect, it } from "vitest";
import { priorMedian, priorQuantile, type Prior } from "../../src/model/priors.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { ADSTOCK_NAMES, SATURATION_NAMES, composedName, transformParameterNames, transformPriors } from "../../src/model/modelChoice.js";

describe("priorQuantile", () => {
  it("closed forms: Beta(9, 1) q^(1/9), Beta(1, 3) 1 - (1 - p)^(1/3), HalfNormal and Normal by Phi^-1, Uniform, LogNormal", () => {
    const beta = (a: number, b: number): Prior => ({ dist: "Beta", concentration1: a, concentration0: b });
    expect(priorQuantile(beta(9, 1), 0.1)).toBeCloseTo(0.1 ** (1 / 9), 10);
    expect(priorQuantile(beta(1, 3), 0.9)).toBeCloseTo(1 - 0.1 ** (1 / 3), 10);
    expect(priorQuantile({ dist: "HalfNormal", scale: 2 }, 0.9)).toBeCloseTo(2 * 1.6448536269514722, 8);
    expect(priorQuantile({ dist: "Normal", loc: 1, scale: 3 }, 0.975)).toBeCloseTo(1 + 3 * 1.959963984540054, 8);
    expect(priorQuantile({ dist: "Uniform", low: 2, high: 4 }, 0.25)).toBe(2.5);
    expect(priorQuantile({ dist: "LogNormal", loc: 0.2, scale: 0.9 }, 0.5)).toBeCloseTo(Math.exp(0.2), 10);
    // Gamma(1, rate 2) is the exponential: -log(1 - p) / 2.
    expect(priorQuantile({ dist: "Gamma", concentration: 1, rate: 2 }, 0.7)).toBeCloseTo(-Math.log(0.3) / 2, 10);
  });

  it("the 0.5-quantile is the median", () => {
    for (const p of [{ dist: "Gamma", concentration: 0.64, rate: 0.32 }, { dist: "Beta", concentration1: 2, concentration0: 5 }, { dist: "HalfNormal", scale: 1.5 }] as Prior[]) {
      expect(priorQuantile(p, 0.5)).toBeCloseTo(priorMedian(p), 10);
    }
  });
});

describe("simulateDataset truthInPriorMass", () => {
  it("every composed model's true transform parameters lie in their default prior's central 80%", () => {
    for (const a of ADSTOCK_NAMES) {
      for (const s of SATURATION_NAMES) {
        const model = composedName(a, s);
        const sim = simulateDataset({ seed: 3, T: 30, channels: 3, extras: 0, model, truthInPriorMass: true });
        const priors = transformPriors(model);
        for (const name of transformParameterNames(model)) {
          for (const v of sim.truth[name] as number[]) {
            expect(v, `${model} ${name}`).toBeGreaterThanOrEqual(priorQuantile(priors[name], 0.1));
            expect(v, `${model} ${name}`).toBeLessThanOrEqual(priorQuantile(priors[name], 0.9));
          }
        }
      }
    }
  });

  it("moves only the transform parameters: the spend is the same", () => {
    const a = simulateDataset({ seed: 3, T: 30, channels: 2, extras: 0, model: "geometric+exponent" });
    const c = simulateDataset({ seed: 3, T: 30, channels: 2, extras: 0, model: "geometric+exponent", truthInPriorMass: true });
    expect(c.dataset.media).toEqual(a.dataset.media);
    expect((c.truth.exponent as number[]).every((e) => e >= 0.1 ** (1 / 9))).toBe(true);
  });
});
