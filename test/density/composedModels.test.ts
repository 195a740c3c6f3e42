import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { ADSTOCK_NAMES, SATURATION_NAMES, composedName } from "../../src/model/modelChoice.js";
import type { ModelName } from "../../src/model/structure.js";
import { makeFixture, randomPoint, type FixtureShape } from "../helpers/mmmFixtures.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";
import { mulberry32 } from "../helpers/random.js";

// Every adstock x saturation pair, generated kernels (accurate, exact and
// fast math) against the float64 reference (value) and finite differences
// of the reference (gradient), at several shapes. Tolerances as for the
// presets (mmmDensity.test.ts, fastMath.test.ts).
const SHAPES: Omit<FixtureShape, "model" | "seed">[] = [
  { T: 1, C: 1, F: 0, degrees: 0 },
  { T: 7, C: 3, F: 0, degrees: 2 },
  { T: 53, C: 4, F: 2, degrees: 2 },
  { T: 33, C: 2, F: 1, degrees: 1, weekday: true },
];

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

function check(model: ModelName, shapeIndex: number): void {
  const shape = SHAPES[shapeIndex];
  const { layout, data } = makeFixture({ model, ...shape, seed: 500 + shapeIndex });
  const rand = mulberry32(31 + shapeIndex);
  for (const [mathMode, valueTol, gradTol] of [
    [0, 1e-10, 1e-6],
    [1, 1e-10, 1e-6],
    [2, 1e-6, 1e-6],
  ] as const) {
    const density = new MmmDensity(layout, data, { mathMode });
    const grad = new Float64Array(layout.dim);
    for (let rep = 0; rep < 2; rep++) {
      const u = randomPoint(layout.dim, rand, 1.2);
      const lp = density.logpGrad(u, grad);
      const ref = referenceLogDensity(layout, data, u);
      expect(relErr(lp, ref.lpJacobian), `${model} mode ${mathMode} value`).toBeLessThan(valueTol);
      if (rep > 0) continue;
      const fd = finiteDifferenceGradient((x) => referenceLogDensity(layout, data, x).lpJacobian, u);
      const scale = Math.max(1, ...Array.from(fd, Math.abs));
      for (let i = 0; i < layout.dim; i++) {
        expect(Math.abs(grad[i] - fd[i]) / scale, `${model} mode ${mathMode} d/du ${layout.labels()[i]}`).toBeLessThan(gradTol);
      }
    }
  }
}

describe("generated kernels of every adstock x saturation pair against the reference", () => {
  for (const adstock of ADSTOCK_NAMES) {
    it(`${adstock} with every saturation`, () => {
      for (const saturation of SATURATION_NAMES) {
        for (let k = 0; k < SHAPES.length; k++) check(composedName(adstock, saturation), k);
      }
    });
  }

  it("geo models: every adstock x saturation pair", () => {
    for (const adstock of ADSTOCK_NAMES) {
      for (const saturation of SATURATION_NAMES) {
        const model = composedName(adstock, saturation);
        const { layout, data } = makeGeoFixture({ model, T: 12, C: 2, G: 3, F: 1, degrees: 1, seed: 8 });
        const u = randomPoint(layout.dim, mulberry32(12), 1);
        const grad = new Float64Array(layout.dim);
        const lp = new MmmDensity(layout, data).logpGrad(u, grad);
        expect(relErr(lp, referenceLogDensity(layout, data, u).lpJacobian), model).toBeLessThan(1e-10);
        const fd = finiteDifferenceGradient((x) => referenceLogDensity(layout, data, x).lpJacobian, u);
        const scale = Math.max(1, ...Array.from(fd, Math.abs));
        for (let i = 0; i < layout.dim; i++) expect(Math.abs(grad[i] - fd[i]) / scale, `${model} ${i}`).toBeLessThan(1e-6);
      }
    }
  });
});
