import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { MODEL_NAMES } from "../../src/model/structure.js";
import type { ParameterLayout } from "../../src/model/layout.js";
import { makeGeoFixture, type GeoFixtureShape } from "../helpers/geoFixtures.js";
import { randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

type Shape = Omit<GeoFixtureShape, "model" | "seed">;

// G = 100 with a short series and two channels keeps the finite differences
// (six reference evaluations per coordinate, ~700 coordinates) quick.
const SHAPES: Shape[] = [];
for (const G of [1, 3, 10]) {
  for (const geoExtra of [false, true]) {
    for (const degrees of [0, 2]) SHAPES.push({ T: G === 10 ? 20 : 30, C: 3, G, F: 2, degrees, geoExtra });
  }
}
SHAPES.push({ T: 10, C: 2, G: 100, F: 1, degrees: 2, geoExtra: true });
SHAPES.push({ T: 10, C: 2, G: 100, F: 1, degrees: 0, geoExtra: false });
SHAPES.push({ T: 21, C: 2, G: 3, F: 1, degrees: 1, weekday: true });
SHAPES.push({ T: 1, C: 1, G: 2, F: 0, degrees: 0 });

/** Per-geo blocks and how an element index maps to its geo. */
const PER_GEO: Record<string, (i: number, G: number) => number> = {
  intercept: (i) => i,
  sigma: (i) => i,
  coef_trend: (i) => i,
  coef_seasonality: (i) => i,
  coef_media: (i, G) => i % G,
  coef_extra_features: (i, G) => i % G,
};

/**
 * Coordinates whose gradient is checked: all of them up to 10 geos; with more,
 * every shared one and those of three geos (first, middle, last), which
 * exercise the same code as the rest at a fraction of the finite differences.
 */
function checkedCoordinates(layout: ParameterLayout, G: number): number[] {
  const keep = new Set(G <= 10 ? Array.from({ length: G }, (_, g) => g) : [0, Math.floor(G / 2), G - 1]);
  const out: number[] = [];
  for (const b of layout.blocks) {
    const geoOf = PER_GEO[b.name] as ((i: number, G: number) => number) | undefined;
    const perGeo = geoOf !== undefined && (b.name !== "coef_extra_features" || b.shape.length === 2);
    for (let i = 0; i < b.size; i++) if (!perGeo || keep.has(geoOf!(i, G))) out.push(b.offset + i);
  }
  return out;
}

/** Finite-difference gradient of f at u along the coordinates idx only. */
function finiteDifferenceOn(idx: number[], u: Float64Array, f: (x: Float64Array) => number): Float64Array {
  const x = Float64Array.from(u);
  return finiteDifferenceGradient(
    (v) => {
      idx.forEach((i, j) => (x[i] = v[j]));
      return f(x);
    },
    idx.map((i) => u[i]),
  );
}

const label = (s: Shape) =>
  `T=${s.T} C=${s.C} G=${s.G} F=${s.F}${s.geoExtra ? "/geo" : ""} D=${s.degrees}${s.weekday ? " weekday" : ""}`;

describe("geo model: wasm density against the float64 reference", () => {
  for (const model of MODEL_NAMES) {
    for (const [k, shape] of SHAPES.entries()) {
      it(`${model} ${label(shape)}`, () => {
        const { layout, data } = makeGeoFixture({ model, ...shape, seed: 2000 + k });
        const rand = mulberry32(313 + k);
        for (const mathMode of [0, 1] as const) {
          const density = new MmmDensity(layout, data, { mathMode });
          const grad = new Float64Array(layout.dim);
          for (let rep = 0; rep < 3; rep++) {
            const u = randomPoint(layout.dim, rand);
            const lp = density.logpGrad(u, grad);
            const ref = referenceLogDensity(layout, data, u);
            expect(relErr(lp, ref.lpJacobian)).toBeLessThan(1e-10);
            expect(relErr(lp - density.lastLogJacobian(), ref.lp)).toBeLessThan(1e-10);
            const mean = density.lastMean();
            expect(mean.length).toBe(data.T * shape.G);
            for (let i = 0; i < mean.length; i++) expect(relErr(mean[i], ref.mu[i])).toBeLessThan(1e-10);
            if (rep === 0 && mathMode === 0) {
              const idx = checkedCoordinates(layout, shape.G);
              const fd = finiteDifferenceOn(idx, u, (x) => referenceLogDensity(layout, data, x).lpJacobian);
              const scale = Math.max(1, ...Array.from(fd, Math.abs));
              const labels = layout.labels();
              idx.forEach((i, j) => {
                expect(Math.abs(grad[i] - fd[j]) / scale, `d/du[${i}] ${labels[i]}`).toBeLessThan(1e-6);
              });
            }
          }
        }
      });
    }
  }

  it("the fast math mode stays within its documented 1e-6 of the reference", () => {
    for (const model of MODEL_NAMES) {
      const { layout, data } = makeGeoFixture({ model, T: 40, C: 3, G: 5, F: 2, degrees: 2, geoExtra: true, seed: 7 });
      const density = new MmmDensity(layout, data, { mathMode: 2 });
      const grad = new Float64Array(layout.dim);
      const u = randomPoint(layout.dim, mulberry32(8));
      const lp = density.logpGrad(u, grad);
      expect(relErr(lp, referenceLogDensity(layout, data, u).lpJacobian)).toBeLessThan(1e-6);
      const fd = finiteDifferenceGradient((x) => referenceLogDensity(layout, data, x).lpJacobian, u);
      const scale = Math.max(1, ...Array.from(fd, Math.abs));
      for (let i = 0; i < layout.dim; i++) expect(Math.abs(grad[i] - fd[i]) / scale).toBeLessThan(1e-6);
    }
  });
});
