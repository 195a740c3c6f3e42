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

// Peaked convolution adstocks: normalised lag weights far below 1 in their
// tails, some inside f32's subnormal range (1.4e-45 to 1.2e-38), which the
// fast mode drops below 1e-30 (assembly/adstock.ts FAST_WEIGHT_MIN: x86 is
// ~100 times slower on subnormals). The fast mode stays within its bounds.
const PEAKED: { model: "carryover+hill" | "delayed+michaelis_menten" | "weibull_cdf+logistic" | "weibull_pdf+tanh"; first: number[]; second: number[] }[] = [
  { model: "carryover+hill", first: [0.337, 0.301, 0.5, 0.2], second: [0.612, 1.148, 2.5, 0.3] },
  { model: "delayed+michaelis_menten", first: [0.337, 0.301, 0.5, 0.2], second: [0.612, 1.148, 2.5, 0.3] },
  { model: "weibull_cdf+logistic", first: [0.5, 1.2, 2, 0.8], second: [1.5, 2, 3, 1] },
  { model: "weibull_pdf+tanh", first: [0.5, 1.2, 2, 0.7], second: [3, 2.5, 4, 1.6] },
];

/** log w[l] of one channel, as assembly/adstock.ts logWeights (its formulas, in float64). */
function logWeights(model: string, p1: number, p2: number, L: number): number[] {
  if (!model.startsWith("weibull")) return Array.from({ length: L }, (_, l) => (l - p2) ** 2 * Math.log(p1));
  if (model.startsWith("weibull_pdf")) return Array.from({ length: L }, (_, l) => (p2 - 1) * Math.log((l + 1) / p1) - ((l + 1) / p1) ** p2);
  let sum = 0;
  return Array.from({ length: L }, (_, l) => (l > 0 ? (sum -= (l / p1) ** p2) : 0));
}

describe("fast math mode with peaked convolution adstocks", () => {
  for (const { model, first, second } of PEAKED) {
    it(`${model}: tail weights below 1e-30 (some f32 subnormal) leave the value and gradient within bounds`, () => {
      const { layout, data } = makeFixture({ model, T: 53, C: 4, F: 1, degrees: 1, seed: 2024 });
      const [name1, name2] = adstockParams(model);
      const values = layout.constrain(randomPoint(layout.dim, mulberry32(5), 0.8));
      values[name1] = first;
      values[name2] = second;
      const u = layout.unconstrainFlat(layout.readValues(values));
      // The point reaches the dropped range, and f32's subnormal band within it.
      const L = layout.structure.carryoverLags;
      const weights = first.flatMap((p1, c) => {
        const lw = logWeights(model, p1, second[c], L);
        const top = Math.max(...lw);
        return lw.map((v) => Math.exp(v - top));
      });
      expect(weights.some((w) => w > 0 && w < 1e-30)).toBe(true);
      expect(weights.some((w) => Math.fround(w) !== 0 && Math.fround(w) < 1.1754944e-38)).toBe(true);
      const grad = new Float64Array(layout.dim);
      const lp = new MmmDensity(layout, data, { mathMode: 2 }).logpGrad(u, grad);
      const ref = referenceLogDensity(layout, data, u);
      expect(relErr(lp, ref.lpJacobian)).toBeLessThan(VALUE_TOLERANCE);
      const fd = finiteDifferenceGradient((x) => referenceLogDensity(layout, data, x).lpJacobian, u);
      const scale = Math.max(1, ...Array.from(fd, Math.abs));
      for (let i = 0; i < layout.dim; i++) expect(Math.abs(grad[i] - fd[i]) / scale, layout.labels()[i]).toBeLessThan(GRADIENT_TOLERANCE);
    });
  }
});

function adstockParams(model: string): [string, string] {
  if (model.startsWith("carryover")) return ["ad_effect_retention_rate", "peak_effect_delay"];
  if (model.startsWith("delayed")) return ["lag_weight", "peak_delay"];
  return ["weibull_scale", "weibull_shape"];
}
