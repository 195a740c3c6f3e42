import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { MODEL_NAMES } from "../../src/model/structure.js";
import { DENSITY_SHAPES, makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";

// The fast math mode (f32 exp/log for the media saturation and the trend)
// is accurate to about 3e-7 relative (measured worst over these shapes: value
// 2.6e-7 relative, gradient 1.3e-7 of its largest component); the bounds
// below leave a margin. The gradient is checked against finite differences
// of the float64 reference.
const VALUE_TOLERANCE = 1e-6;
const GRADIENT_TOLERANCE = 1e-6;

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe("fast math mode against the float64 reference", () => {
  const shapes = DENSITY_SHAPES;
  for (const model of MODEL_NAMES) {
    for (const [k, shape] of shapes.entries()) {
      it(`${model} T=${shape.T} C=${shape.C} F=${shape.F} D=${shape.degrees}${shape.weekday ? " weekday" : ""}`, () => {
        const { layout, data } = makeFixture({ model, ...shape, seed: 1000 + k });
        const rand = mulberry32(77 + k);
        const density = new MmmDensity(layout, data, { mathMode: 2 });
        const grad = new Float64Array(layout.dim);
        let worstValue = 0;
        let worstGrad = 0;
        for (let rep = 0; rep < 4; rep++) {
          const u = randomPoint(layout.dim, rand);
          const lp = density.logpGrad(u, grad);
          const ref = referenceLogDensity(layout, data, u);
          worstValue = Math.max(worstValue, relErr(lp, ref.lpJacobian), relErr(lp - density.lastLogJacobian(), ref.lp));
          if (rep === 0 && layout.dim * shape.T <= 20000) {
            const fd = finiteDifferenceGradient((x) => referenceLogDensity(layout, data, x).lpJacobian, u);
            const scale = Math.max(1, ...Array.from(fd, Math.abs));
            for (let i = 0; i < layout.dim; i++) worstGrad = Math.max(worstGrad, Math.abs(grad[i] - fd[i]) / scale);
          }
        }
        if (process.env.FAST_MATH_REPORT) console.log(model, JSON.stringify(shape), "value", worstValue.toExponential(2), "grad", worstGrad.toExponential(2));
        expect(worstValue).toBeLessThan(VALUE_TOLERANCE);
        expect(worstGrad).toBeLessThan(GRADIENT_TOLERANCE);
      });
    }
  }

  it("is deterministic, finite at the edge cases, and the default stays the accurate mode", () => {
    const { layout, data } = makeFixture({ model: "hill_adstock", T: 60, C: 3, F: 1, degrees: 2, seed: 5 });
    for (let t = 0; t < data.T; t++) data.media[t * 3 + 1] = 0;
    const u = randomPoint(layout.dim, mulberry32(9), 1);
    const fast = new MmmDensity(layout, data, { mathMode: 2 });
    const g1 = new Float64Array(layout.dim);
    const g2 = new Float64Array(layout.dim);
    expect(fast.logpGrad(u, g1)).toBe(fast.logpGrad(u, g2));
    expect(Array.from(g1)).toEqual(Array.from(g2));
    for (const slopeU of [8, 20, -20]) {
      const v = Float64Array.from(u);
      v.fill(slopeU, layout.offsetOf("slope"), layout.offsetOf("slope") + 3);
      const lp = fast.logpGrad(v, g1);
      expect(Number.isFinite(lp)).toBe(true);
      expect(Array.from(g1).every(Number.isFinite)).toBe(true);
      expect(relErr(lp, referenceLogDensity(layout, data, v).lpJacobian)).toBeLessThan(VALUE_TOLERANCE);
    }
    const accurate = new MmmDensity(layout, data);
    expect(relErr(accurate.logpGrad(u, g1), referenceLogDensity(layout, data, u).lpJacobian)).toBeLessThan(1e-12);
  });
});
