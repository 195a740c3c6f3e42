import { describe, expect, it } from "vitest";
import { MmmDensity, type MathMode } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { ADSTOCK_NAMES, SATURATION_NAMES, composedName } from "../../src/model/modelChoice.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure, type ModelName } from "../../src/model/structure.js";
import type { ScaledLiftTest } from "../../src/model/liftTests.js";
import type { ScaledData } from "../../src/model/scaledData.js";
import { roiCalibration } from "../../src/model/roiCalibration.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { ReparameterisedDensity } from "../../src/density/reparameterisedDensity.js";
import { SamplingCoordinates, type Parameterisation } from "../../src/model/samplingCoordinates.js";

// The lift tests' term in the WebAssembly core (assembly/lift.ts, generated
// from the transform table) against the float64 reference
// (density/transformReference.ts liftTestReference). The term alone is
// isolated as the density with tests minus the density without: its value
// to 1e-10 and its gradient against finite differences of the reference's
// difference, in every math mode (the term is f64 in each); the whole
// density is checked too. With ROI priors the term reads the derived
// coefficient, whose chain rule runs through the calibration sums.

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
const MODES: readonly MathMode[] = [0, 1, 2];

function liftTests(C: number, G: number, seed: number, n = 5): ScaledLiftTest[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({
    channel: i % C,
    geo: (i * 7) % G,
    // One test starts from zero spend, one cuts spend to zero.
    x: i === 0 ? 0 : 0.2 + 2 * rand(),
    deltaX: i === 1 ? -1 : 0.1 + rand(),
    deltaY: 0.01 + 0.05 * rand(),
    sigma: 0.005 + 0.02 * rand(),
  })).map((t) => (t.x + t.deltaX < 0 ? { ...t, deltaX: -t.x } : t));
}

/** The data with ROI priors over a calibration period (the whole data, or its middle). */
function withRoi(layout: ParameterLayout, data: ScaledData, seed: number, part: boolean) {
  const rand = mulberry32(seed);
  const s = { ...layout.structure, roiPrior: true };
  const G = Math.max(data.G ?? 0, 1);
  const scales = Array.from({ length: s.nChannels * G }, () => 0.5 + 2 * rand());
  const cal = roiCalibration({
    data,
    nChannels: s.nChannels,
    channelNames: Array.from({ length: s.nChannels }, (_, c) => `ch${c}`),
    mediaScale: (i) => scales[i],
    targetScale: () => 100 + 900 * rand(),
    rows: part ? [Math.floor(data.T / 3), data.T - 1] : [0, data.T],
  });
  return { layout: new ParameterLayout(s), data: { ...data, roiCalibration: cal } };
}

function check(layout: ParameterLayout, data: ScaledData, tests: ScaledLiftTest[], seed: number, what: string): void {
  const withTests = { ...data, liftTests: tests };
  const u = randomPoint(layout.dim, mulberry32(seed), 1.2);
  const ref = referenceLogDensity(layout, withTests, u).lpJacobian;
  const refTerm = (x: Float64Array) => referenceLogDensity(layout, withTests, x).lpJacobian - referenceLogDensity(layout, data, x).lpJacobian;
  const term = refTerm(u);
  const fd = finiteDifferenceGradient(refTerm, u);
  const scale = Math.max(1, ...Array.from(fd, Math.abs));
  const labels = layout.labels();
  const g1 = new Float64Array(layout.dim);
  const g0 = new Float64Array(layout.dim);
  for (const mathMode of MODES) {
    const lp1 = new MmmDensity(layout, withTests, { mathMode }).logpGrad(u, g1);
    const lp0 = new MmmDensity(layout, data, { mathMode }).logpGrad(u, g0);
    const at = `${what} mode ${mathMode}`;
    // The fast mode's f32 media reach the term through ROI priors' derived coefficient.
    const [valueTol, gradTol] = mathMode === 2 && layout.structure.roiPrior ? [1e-6, 1e-5] : [1e-10, 1e-6];
    expect(relErr(lp1, ref), `${at}: value`).toBeLessThan(mathMode === 2 ? 1e-6 : 1e-10);
    expect(relErr(new MmmDensity(layout, withTests, { mathMode }).logp(u), lp1), `${at}: logp`).toBe(0);
    expect(relErr(lp1 - lp0, term), `${at}: the term's value`).toBeLessThan(valueTol);
    for (let i = 0; i < layout.dim; i++) {
      expect(Math.abs(g1[i] - g0[i] - fd[i]) / scale, `${at}: the term's d/du ${labels[i]}`).toBeLessThan(gradTol);
    }
  }
}

describe("lift-test term in the core against the float64 reference and finite differences", () => {
  for (const adstock of ADSTOCK_NAMES) {
    it(`${adstock} with every saturation, national, two shapes`, () => {
      for (const saturation of SATURATION_NAMES) {
        const model = composedName(adstock, saturation);
        const a = makeFixture({ model, T: 20, C: 3, F: 1, degrees: 1, seed: 4 });
        check(a.layout, a.data, liftTests(3, 1, 7), 11, model);
        const b = makeFixture({ model, T: 9, C: 1, F: 0, degrees: 0, seed: 5 });
        check(b.layout, b.data, liftTests(1, 1, 8, 3), 12, `${model} T=9 C=1`);
      }
    });
  }

  it("the geometric adstock without normalisation (the steady gain 1 / (1 - lag_weight))", () => {
    for (const saturation of SATURATION_NAMES) {
      const model = composedName("geometric", saturation);
      const { layout, data } = makeFixture({ model, T: 20, C: 3, F: 1, degrees: 1, seed: 4 });
      const s = makeStructure({ ...layout.structure, normaliseAdstock: false });
      check(new ParameterLayout(s), data, liftTests(3, 1, 7), 11, `${model} normalise=false`);
    }
  });

  it("the presets and geo models", () => {
    for (const model of ["hill_adstock", "adstock", "carryover"] as ModelName[]) {
      const { layout, data } = makeFixture({ model, T: 15, C: 2, F: 0, degrees: 1, weekday: true, seed: 5 });
      check(layout, data, liftTests(2, 1, 3), 12, model);
    }
    for (const model of ["hill_adstock", "geometric+logistic", "weibull_cdf+michaelis_menten", "delayed+tanh", "weibull_pdf+root"] as ModelName[]) {
      const { layout, data } = makeGeoFixture({ model, T: 10, C: 2, G: 3, F: 1, degrees: 1, seed: 6 });
      check(layout, data, liftTests(2, 3, 9, 7), 13, `${model} geo`);
    }
  });

  it("with ROI priors: the term reads the derived coefficient, national and geo", () => {
    for (const [k, saturation] of SATURATION_NAMES.entries()) {
      const model = composedName(ADSTOCK_NAMES[k % ADSTOCK_NAMES.length], saturation);
      const fx = makeFixture({ model, T: 24, C: 3, F: 1, degrees: 1, seed: 20 + k });
      const { layout, data } = withRoi(fx.layout, fx.data, 30 + k, k % 2 === 0);
      check(layout, data, liftTests(3, 1, 40 + k), 50 + k, `${model} roi`);
    }
    for (const [k, model] of (["hill_adstock", "carryover", "geometric+logistic", "weibull_pdf+michaelis_menten", "delayed+root"] as ModelName[]).entries()) {
      const fx = makeGeoFixture({ model, T: 14, C: 2, G: 3, F: 1, degrees: 1, seed: 8 + k });
      const { layout, data } = withRoi(fx.layout, fx.data, 9 + k, k % 2 === 1);
      check(layout, data, liftTests(2, 3, 60 + k, 6), 70 + k, `${model} geo roi`);
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

  it("refuses a test that names a channel or geo the model lacks", () => {
    const { layout, data } = makeFixture({ model: "hill_adstock", T: 10, C: 2, F: 0, degrees: 0, seed: 2 });
    const bad = { channel: 2, geo: 0, x: 1, deltaX: 1, deltaY: 0.1, sigma: 0.1 };
    expect(() => new MmmDensity(layout, { ...data, liftTests: [bad] })).toThrow(/channel 2, geo 0; the model has 2 channels, 1 geos/);
  });
});

describe("lift tests when the sampler runs in other coordinates (model/samplingCoordinates.ts)", () => {
  it("trend and trend+hill, with and without ROI priors: value and gradient of the pulled-back density", () => {
    const fx = makeFixture({ model: "hill_adstock", T: 30, C: 3, F: 1, degrees: 1, seed: 81 });
    const roi = withRoi(fx.layout, fx.data, 82, true);
    for (const [label, layout, data] of [
      ["coefficient priors", fx.layout, fx.data],
      ["ROI priors", roi.layout, roi.data],
    ] as const) {
      const withTests = { ...data, liftTests: liftTests(3, 1, 83) };
      for (const kind of ["trend", "trend+hill"] as Parameterisation[]) {
        const map = new SamplingCoordinates(layout, data.T, kind);
        const reference = (v: Float64Array) => {
          const u = new Float64Array(layout.dim);
          const jac = map.toModel(v, u);
          return referenceLogDensity(layout, withTests, u).lpJacobian + jac;
        };
        const density = new ReparameterisedDensity(new MmmDensity(layout, withTests), map);
        const v = randomPoint(layout.dim, mulberry32(84), 1);
        const grad = new Float64Array(layout.dim);
        expect(relErr(density.logpGrad(v, grad), reference(v)), `${label} ${kind} value`).toBeLessThan(1e-10);
        const fd = finiteDifferenceGradient(reference, v);
        const scale = Math.max(1, ...Array.from(fd, Math.abs));
        for (let i = 0; i < layout.dim; i++) {
          expect(Math.abs(grad[i] - fd[i]) / scale, `${label} ${kind} d/dv ${layout.labels()[i]}`).toBeLessThan(1e-6);
        }
      }
    }
  });
});
