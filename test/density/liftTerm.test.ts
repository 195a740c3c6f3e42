import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { SATURATION_NAMES, composedName } from "../../src/model/modelChoice.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure, type ModelName } from "../../src/model/structure.js";
import type { ScaledLiftTest } from "../../src/model/liftTests.js";
import type { ScaledData } from "../../src/model/scaledData.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";
import { mulberry32 } from "../helpers/random.js";

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

function tests(C: number, G: number, seed: number): ScaledLiftTest[] {
  const rand = mulberry32(seed);
  return Array.from({ length: 5 }, (_, i) => ({
    channel: i % C,
    geo: i % G,
    // One test starts from zero spend, one cuts spend to zero.
    x: i === 0 ? 0 : 0.2 + 2 * rand(),
    deltaX: i === 1 ? -1 : 0.1 + rand(),
    deltaY: 0.01 + 0.05 * rand(),
    sigma: 0.005 + 0.02 * rand(),
  })).map((t) => (t.x + t.deltaX < 0 ? { ...t, deltaX: -t.x } : t));
}

function compare(layout: ParameterLayout, data: ScaledData, seed: number, what: string): void {
  const density = new MmmDensity(layout, data);
  const grad = new Float64Array(layout.dim);
  const u = randomPoint(layout.dim, mulberry32(seed), 1.2);
  const lp = density.logpGrad(u, grad);
  const ref = referenceLogDensity(layout, data, u).lpJacobian;
  expect(relErr(lp, ref), `${what} value`).toBeLessThan(1e-10);
  expect(relErr(density.logp(u), ref), `${what} logp`).toBeLessThan(1e-10);
  const fd = finiteDifferenceGradient((x) => referenceLogDensity(layout, data, x).lpJacobian, u);
  const scale = Math.max(1, ...Array.from(fd, Math.abs));
  for (let i = 0; i < layout.dim; i++) {
    expect(Math.abs(grad[i] - fd[i]) / scale, `${what} d/du ${layout.labels()[i]}`).toBeLessThan(1e-6);
  }
}

describe("lift-test term against the float64 reference and finite differences", () => {
  it("every saturation, geometric (normalised or not) and delayed adstocks, national", () => {
    for (const saturation of SATURATION_NAMES) {
      for (const [adstock, normaliseAdstock] of [
        ["geometric", true],
        ["geometric", false],
        ["delayed", true],
      ] as const) {
        const model = composedName(adstock, saturation);
        const { layout, data } = makeFixture({ model, T: 20, C: 3, F: 1, degrees: 1, seed: 4 });
        const s = makeStructure({ ...layout.structure, normaliseAdstock });
        const withTests = { ...data, liftTests: tests(3, 1, 7) };
        compare(new ParameterLayout(s), withTests, 11, `${model} normalise=${normaliseAdstock}`);
      }
    }
  });

  it("the presets and geo models", () => {
    for (const model of ["hill_adstock", "adstock", "carryover"] as ModelName[]) {
      const { layout, data } = makeFixture({ model, T: 15, C: 2, F: 0, degrees: 1, seed: 5 });
      compare(layout, { ...data, liftTests: tests(2, 1, 3) }, 12, model);
    }
    for (const model of ["hill_adstock", "geometric+logistic", "weibull_cdf+michaelis_menten"] as ModelName[]) {
      const { layout, data } = makeGeoFixture({ model, T: 10, C: 2, G: 3, F: 1, degrees: 1, seed: 6 });
      compare(layout, { ...data, liftTests: tests(2, 3, 9) }, 13, `${model} geo`);
    }
  });

  it("a test moves the density: a lift the curve cannot give costs more than one it gives", () => {
    const { layout, data } = makeFixture({ model: "geometric+logistic", T: 20, C: 2, F: 0, degrees: 0, seed: 2 });
    const u = randomPoint(layout.dim, mulberry32(3), 0.5);
    const lp = (deltaY: number) =>
      new MmmDensity(layout, { ...data, liftTests: [{ channel: 0, geo: 0, x: 1, deltaX: 0.5, deltaY, sigma: 0.01 }] }).logp(u) -
      new MmmDensity(layout, data).logp(u);
    const x = layout.constrain(u) as Record<string, number[]>;
    const f = (v: number) => (1 - Math.exp(-x.logistic_rate[0] * v)) / (1 + Math.exp(-x.logistic_rate[0] * v));
    const modelLift = x.coef_media[0] * (f(1.5) - f(1));
    // At the model's own lift the term is its maximum, log N(0 | 0, 0.01).
    expect(lp(modelLift)).toBeCloseTo(-0.5 * Math.log(2 * Math.PI) - Math.log(0.01), 8);
    expect(lp(modelLift + 0.05)).toBeLessThan(lp(modelLift) - 10);
  });
});
