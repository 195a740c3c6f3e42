import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { ADSTOCK_NAMES, SATURATION_NAMES, composedName } from "../../src/model/modelChoice.js";
import type { ModelName } from "../../src/model/structure.js";
import type { ScaledData } from "../../src/model/scaledData.js";
import { roiCalibration } from "../../src/model/roiCalibration.js";
import { makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";
import { mulberry32 } from "../helpers/random.js";

// ROI priors (docs/roi-priors.md): the wasm density, whose coefficients are
// derived from the sampled ROI inside the core, against the float64
// reference (value) and finite differences of the reference (gradient), for
// every adstock x saturation pair, every math mode, national and geo, with a
// calibration period that is the whole data or a part of it.

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

function withRoi(layout: ParameterLayout, data: ScaledData, seed: number, part: boolean) {
  const rand = mulberry32(seed);
  const s = { ...layout.structure, roiPrior: true };
  const G = Math.max(data.G ?? 0, 1);
  const start = part ? Math.floor(data.T / 3) : 0;
  const end = part ? data.T - 1 : data.T;
  const mediaScales = Array.from({ length: s.nChannels * G }, () => 0.5 + 2 * rand());
  const targetScales = Array.from({ length: G }, () => 100 + 900 * rand());
  const cal = roiCalibration({
    data,
    nChannels: s.nChannels,
    channelNames: Array.from({ length: s.nChannels }, (_, c) => `ch${c}`),
    mediaScale: (i) => mediaScales[i],
    targetScale: (g) => targetScales[g],
    rows: [start, end],
  });
  return { layout: new ParameterLayout(s), data: { ...data, roiCalibration: cal } };
}

function check(layout: ParameterLayout, data: ScaledData, seed: number, label: string): void {
  const rand = mulberry32(seed);
  for (const [mathMode, valueTol, gradTol] of [
    [0, 1e-10, 1e-6],
    [1, 1e-10, 1e-6],
    [2, 1e-6, 1e-5],
  ] as const) {
    const density = new MmmDensity(layout, data, { mathMode });
    const grad = new Float64Array(layout.dim);
    const u = randomPoint(layout.dim, rand, 1);
    const lp = density.logpGrad(u, grad);
    const ref = referenceLogDensity(layout, data, u);
    expect(relErr(lp, ref.lpJacobian), `${label} mode ${mathMode} value`).toBeLessThan(valueTol);
    const fd = finiteDifferenceGradient((x) => referenceLogDensity(layout, data, x).lpJacobian, u);
    const scale = Math.max(1, ...Array.from(fd, Math.abs));
    const labels = layout.labels();
    for (let i = 0; i < layout.dim; i++) {
      expect(Math.abs(grad[i] - fd[i]) / scale, `${label} mode ${mathMode} d/du ${labels[i]}`).toBeLessThan(gradTol);
    }
  }
}

describe("ROI priors: density and gradient against the float64 reference", () => {
  for (const adstock of ADSTOCK_NAMES) {
    it(`${adstock} with every saturation, national`, () => {
      for (const saturation of SATURATION_NAMES) {
        const model = composedName(adstock, saturation);
        for (const [k, shape] of [
          { T: 9, C: 1, F: 0, degrees: 0 },
          { T: 40, C: 3, F: 1, degrees: 2 },
        ].entries()) {
          const fx = makeFixture({ model, ...shape, seed: 900 + k });
          const { layout, data } = withRoi(fx.layout, fx.data, 70 + k, k === 1);
          check(layout, data, 11 + k, `${model} T=${shape.T}`);
        }
      }
    });
  }

  it("the presets, national, daily data with weekday seasonality", () => {
    for (const model of ["hill_adstock", "adstock", "carryover"] as ModelName[]) {
      const fx = makeFixture({ model, T: 30, C: 2, F: 1, degrees: 1, weekday: true, seed: 44 });
      const { layout, data } = withRoi(fx.layout, fx.data, 45, true);
      check(layout, data, 46, model);
    }
  });

  it("geo models: the ROI is over every geo", () => {
    for (const model of ["hill_adstock", "carryover", "geometric+logistic", "weibull_pdf+michaelis_menten", "delayed+root"] as ModelName[]) {
      const fx = makeGeoFixture({ model, T: 14, C: 2, G: 3, F: 1, degrees: 1, seed: 8 });
      const { layout, data } = withRoi(fx.layout, fx.data, 9, model === "carryover");
      expect(layout.has("roi") && layout.has("coef_media_relative") && !layout.has("coef_media")).toBe(true);
      check(layout, data, 10, `geo ${model}`);
    }
  });

  it("the derived coefficients give each channel's sampled ROI over the calibration period", () => {
    for (const geo of [false, true]) {
      const fx = geo
        ? makeGeoFixture({ model: "weibull_cdf+hill", T: 20, C: 3, G: 2, F: 0, degrees: 1, seed: 3 })
        : makeFixture({ model: "weibull_cdf+hill", T: 20, C: 3, F: 0, degrees: 1, seed: 3 });
      const { layout, data } = withRoi(fx.layout, fx.data, 4, true);
      const density = new MmmDensity(layout, data);
      const u = randomPoint(layout.dim, mulberry32(5), 1);
      density.logp(u);
      const G = geo ? 2 : 1;
      const C = 3;
      const coef = new Float64Array(C * G);
      const channel = new Float64Array(C);
      density.lastDerivedCoefficients(coef, channel);
      const transformed = density.lastTransformedMedia(new Float64Array(data.T * C * G));
      const x = layout.constrainFlat(u);
      const cal = data.roiCalibration!;
      for (let c = 0; c < C; c++) {
        let roi = 0;
        for (let g = 0; g < G; g++) {
          const i = c * G + g;
          for (let t = 0; t < data.T; t++) roi += cal.omega[i] * coef[i] * cal.mask[t] * transformed[t * C * G + i];
          if (geo) expect(coef[i] / channel[c]).toBeCloseTo(x[layout.block("coef_media_relative").offset + i], 12);
        }
        expect(roi / x[layout.block("roi").offset + c]).toBeCloseTo(1, 12);
      }
    }
  });

  it("refuses a channel without spend in the calibration period, naming it", () => {
    const fx = makeFixture({ model: "hill_adstock", T: 10, C: 2, F: 0, degrees: 0, seed: 1 });
    const media = Float64Array.from(fx.data.media);
    for (let t = 0; t < 10; t++) media[t * 2 + 1] = 0;
    expect(() =>
      roiCalibration({ data: { ...fx.data, media }, nChannels: 2, channelNames: ["tv", "radio"], mediaScale: () => 1, targetScale: () => 1 }),
    ).toThrow(/"radio" has no spend/);
  });
});
