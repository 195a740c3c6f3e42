import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { MODEL_NAMES } from "../../src/model/structure.js";
import { DENSITY_SHAPES, makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe("wasm density against the float64 reference", () => {
  const shapes = DENSITY_SHAPES;
  for (const model of MODEL_NAMES) {
    for (const [k, shape] of shapes.entries()) {
      it(`${model} T=${shape.T} C=${shape.C} F=${shape.F} D=${shape.degrees}${shape.weekday ? " weekday" : ""}`, () => {
        const { layout, data } = makeFixture({ model, ...shape, seed: 1000 + k });
        const rand = mulberry32(77 + k);
        for (const exactMath of [false, true]) {
          const density = new MmmDensity(layout, data, { exactMath });
          const grad = new Float64Array(layout.dim);
          for (let rep = 0; rep < 4; rep++) {
            const u = randomPoint(layout.dim, rand);
            const lp = density.logpGrad(u, grad);
            const ref = referenceLogDensity(layout, data, u);
            expect(relErr(lp, ref.lpJacobian)).toBeLessThan(1e-10);
            expect(relErr(lp - density.lastLogJacobian(), ref.lp)).toBeLessThan(1e-10);
            if (rep === 0 && layout.dim * shape.T <= 20000) {
              const fd = finiteDifferenceGradient((x) => referenceLogDensity(layout, data, x).lpJacobian, u);
              const scale = Math.max(1, ...Array.from(fd, Math.abs));
              for (let i = 0; i < layout.dim; i++) {
                expect(Math.abs(grad[i] - fd[i]) / scale, `d/du[${i}] ${layout.labels()[i]}`).toBeLessThan(1e-6);
              }
            }
          }
        }
      });
    }
  }
});
