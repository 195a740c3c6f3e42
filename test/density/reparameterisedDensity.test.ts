import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { ReparameterisedDensity } from "../../src/density/reparameterisedDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { finiteDifferenceGradient } from "../../src/density/finiteDifference.js";
import { SamplingCoordinates, type Parameterisation } from "../../src/model/samplingCoordinates.js";
import type { ParameterLayout } from "../../src/model/layout.js";
import type { ScaledData } from "../../src/model/scaledData.js";
import { MODEL_NAMES, type ModelName } from "../../src/model/structure.js";
import { DENSITY_SHAPES, makeFixture, randomPoint } from "../helpers/mmmFixtures.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { ParameterLayout as Layout } from "../../src/model/layout.js";
import { roiCalibration } from "../../src/model/roiCalibration.js";
import { geometricAdstock } from "../../src/density/transformReference.js";

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

/** log |det A| of a dense row-major n x n matrix by Gaussian elimination with partial pivoting. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let out = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    if (p !== k) for (let j = 0; j < n; j++) [m[k * n + j], m[p * n + j]] = [m[p * n + j], m[k * n + j]];
    const d = m[k * n + k];
    out += Math.log(Math.abs(d));
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / d;
      for (let j = k; j < n; j++) m[i * n + j] -= f * m[k * n + j];
    }
  }
  return out;
}

/** The Jacobian du/dv of the map by central differences (row i: du_i / dv). */
function numericJacobian(map: SamplingCoordinates, v: Float64Array): Float64Array {
  const n = v.length;
  const J = new Float64Array(n * n);
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  const y = Float64Array.from(v);
  for (let j = 0; j < n; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(v[j]));
    y[j] = v[j] + h;
    map.toModel(y, up);
    y[j] = v[j] - h;
    map.toModel(y, down);
    y[j] = v[j];
    for (let i = 0; i < n; i++) J[i * n + j] = (up[i] - down[i]) / (2 * h);
  }
  return J;
}

const KINDS: Parameterisation[] = ["trend", "trend+hill", "noncentred", "trend+noncentred", "season", "trend+noncentred+season", "media", "trend+media+season", "noncentred+media+season", "trend+noncentred+hill+season", "baseline", "trend+baseline", "trend+noncentred+season+baseline"];

/**
 * For a fixture: the wrapped wasm density equals the float64 reference at
 * u = map(v) plus the map's log-Jacobian, its gradient equals finite
 * differences of that, the log-Jacobian equals log |det| of a numerical
 * Jacobian, and the map inverts.
 */
function checkFixture(layout: ParameterLayout, data: ScaledData, seed: number, fdBudget: number): void {
  const rand = mulberry32(seed);
  for (const kind of KINDS) {
    const map = new SamplingCoordinates(layout, data.T, kind, data);
    const reference = (v: Float64Array) => {
      const u = new Float64Array(layout.dim);
      const jac = map.toModel(v, u);
      return referenceLogDensity(layout, data, u).lpJacobian + jac;
    };
    for (const mathMode of [0, 1] as const) {
      const density = new ReparameterisedDensity(new MmmDensity(layout, data, { mathMode }), map);
      const grad = new Float64Array(layout.dim);
      for (let rep = 0; rep < 3; rep++) {
        const v = randomPoint(layout.dim, rand);
        const lp = density.logpGrad(v, grad);
        expect(relErr(lp, reference(v)), `${kind} logp`).toBeLessThan(1e-10);
        expect(density.logp(v)).toBe(lp);
        if (rep > 0 || mathMode !== 0) continue;
        const u = new Float64Array(layout.dim);
        const back = new Float64Array(layout.dim);
        const jac = map.toModel(v, u);
        map.fromModel(u, back);
        for (let i = 0; i < layout.dim; i++) expect(Math.abs(back[i] - v[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(v[i])));
        if (layout.dim <= 60) expect(Math.abs(logAbsDet(numericJacobian(map, v), layout.dim) - jac)).toBeLessThan(1e-7);
        if (layout.dim * data.T * (data.G ?? 1) > fdBudget) continue;
        const fd = finiteDifferenceGradient(reference, v);
        const scale = Math.max(1, ...Array.from(fd, Math.abs));
        for (let i = 0; i < layout.dim; i++) {
          expect(Math.abs(grad[i] - fd[i]) / scale, `${kind} d/dv[${i}] ${layout.labels()[i]}`).toBeLessThan(1e-6);
        }
      }
    }
  }
}

describe("sampling coordinates: national", () => {
  const models: ModelName[] = ["hill_adstock", "adstock", "carryover", "weibull_pdf+hill", "geometric+logistic"];
  for (const model of models) {
    for (const [k, shape] of DENSITY_SHAPES.entries()) {
      it(`${model} T=${shape.T} C=${shape.C} F=${shape.F} D=${shape.degrees}${shape.weekday ? " weekday" : ""}`, () => {
        const { layout, data } = makeFixture({ model, ...shape, seed: 2000 + k });
        checkFixture(layout, data, 91 + k, 20000);
      });
    }
  }
});

describe("sampling coordinates: geo", () => {
  const shapes = [
    { T: 30, C: 3, G: 3, F: 2, degrees: 2, geoExtra: true },
    { T: 20, C: 2, G: 10, F: 1, degrees: 0, geoExtra: false },
    { T: 21, C: 2, G: 3, F: 1, degrees: 1, weekday: true },
    { T: 1, C: 1, G: 2, F: 0, degrees: 0 },
    { T: 26, C: 2, G: 2, F: 0, degrees: 1 },
  ];
  for (const model of MODEL_NAMES) {
    for (const [k, shape] of shapes.entries()) {
      it(`${model} T=${shape.T} C=${shape.C} G=${shape.G}`, () => {
        const { layout, data } = makeGeoFixture({ model, ...shape, seed: 3000 + k });
        checkFixture(layout, data, 191 + k, 40000);
      });
    }
  }
});

describe("sampling coordinates: ROI priors (the trend alone moves)", () => {
  for (const geo of [false, true]) {
    it(geo ? "geo" : "national", () => {
      const base = geo
        ? makeGeoFixture({ model: "hill_adstock", T: 30, C: 2, G: 3, F: 1, degrees: 1, seed: 4100 })
        : makeFixture({ model: "hill_adstock", T: 52, C: 3, F: 1, degrees: 2, seed: 4000 });
      const structure = { ...base.layout.structure, roiPrior: true };
      const cal = roiCalibration({
        data: base.data,
        nChannels: structure.nChannels,
        channelNames: Array.from({ length: structure.nChannels }, (_, c) => `ch${c}`),
        mediaScale: (i) => 1 + 0.1 * i,
        targetScale: (g) => 100 + 10 * g,
        rows: [0, base.data.T],
      });
      const layout = new Layout(structure);
      const data = { ...base.data, roiCalibration: cal };
      const map = new SamplingCoordinates(layout, data.T, "trend+hill");
      const v = randomPoint(layout.dim, mulberry32(9), 1);
      const u = new Float64Array(layout.dim);
      map.toModel(v, u);
      const trend = layout.block("coef_trend");
      for (let i = 0; i < layout.dim; i++) if (i < trend.offset || i >= trend.offset + trend.size) expect(u[i]).toBe(v[i]);
      checkFixture(layout, data, 4200, 40000);
    });
  }
});

/** Channel c's K, S and coef_media at the constrained point x. */
function hillOf(layout: ParameterLayout, x: Float64Array, c: number): { K: number; S: number; coef: number } {
  return { K: x[layout.offsetOf("half_max_effective_concentration") + c], S: x[layout.offsetOf("slope") + c], coef: x[layout.offsetOf("coef_media") + c] };
}

describe("sampling coordinates: what changes", () => {
  it("trend: only coef_trend moves, by t_ref^-expo_trend with t_ref = T - 1", () => {
    const { layout, data } = makeFixture({ model: "hill_adstock", T: 52, C: 2, F: 1, degrees: 2, seed: 5 });
    const map = new SamplingCoordinates(layout, data.T, "trend");
    const v = randomPoint(layout.dim, mulberry32(3));
    const u = new Float64Array(layout.dim);
    const jac = map.toModel(v, u);
    const x = layout.constrainFlat(u);
    const e = x[layout.offsetOf("expo_trend")];
    const c = layout.offsetOf("coef_trend");
    expect(relErr(u[c], v[c] * Math.pow(51, -e))).toBeLessThan(1e-14);
    expect(relErr(jac, -e * Math.log(51))).toBeLessThan(1e-14);
    for (let i = 0; i < layout.dim; i++) if (i !== c) expect(u[i]).toBe(v[i]);
  });

  it("trend+hill: coef_media is the effect at mean media, coef_media hill(1; K, S)", () => {
    const { layout, data } = makeFixture({ model: "hill_adstock", T: 52, C: 3, F: 1, degrees: 2, seed: 6 });
    const map = new SamplingCoordinates(layout, data.T, "trend+hill");
    const v = randomPoint(layout.dim, mulberry32(4));
    const u = new Float64Array(layout.dim);
    map.toModel(v, u);
    const x = layout.constrainFlat(u);
    for (let c = 0; c < 3; c++) {
      const { K, S, coef } = hillOf(layout, x, c);
      expect(relErr(Math.log(coef / (1 + K ** S)), v[layout.offsetOf("coef_media") + c])).toBeLessThan(1e-12);
    }
  });

  it("media: coef_media is the effect at the mean adstock of constant media, coef_media hill(m; K, S), also as lag_weight -> 1", () => {
    for (const normalise of [true, false]) {
      const { layout: base, data } = makeFixture({ model: "hill_adstock", T: 52, C: 3, F: 1, degrees: 2, seed: 6 });
      const layout = new Layout({ ...base.structure, normaliseAdstock: normalise });
      const map = new SamplingCoordinates(layout, data.T, "media");
      const v = randomPoint(layout.dim, mulberry32(4));
      const lag = layout.offsetOf("lag_weight");
      v[lag + 2] = 12; // lag_weight = 1 - 6e-6: the adstock of 52 rows is ~(1 - lag_weight) t
      const u = new Float64Array(layout.dim);
      map.toModel(v, u);
      const x = layout.constrainFlat(u);
      for (let c = 0; c < 3; c++) {
        const { K, S, coef } = hillOf(layout, x, c);
        const a = geometricAdstock(new Array(52).fill(1), x[lag + c], normalise);
        const m = a.reduce((p, q) => p + q, 0) / 52;
        expect(relErr(Math.log(coef / (1 + (K / m) ** S)), v[layout.offsetOf("coef_media") + c])).toBeLessThan(1e-9);
      }
    }
  });

  it("noncentred: log coef_media[c, g] = log channel_coef_media[c] + log sqrt(2/pi) + v, nothing else moves", () => {
    const { layout, data } = makeGeoFixture({ model: "hill_adstock", T: 30, C: 3, G: 4, F: 1, degrees: 1, seed: 12 });
    for (const kind of ["noncentred", "trend+noncentred"] as const) {
      const map = new SamplingCoordinates(layout, data.T, kind);
      const v = randomPoint(layout.dim, mulberry32(14));
      const u = new Float64Array(layout.dim);
      const jac = map.toModel(v, u);
      const coef = layout.block("coef_media");
      const channel = layout.block("channel_coef_media");
      const trend = layout.block("coef_trend");
      const x = layout.constrainFlat(u);
      for (let c = 0; c < 3; c++) {
        for (let g = 0; g < 4; g++) {
          const z = x[coef.offset + c * 4 + g] / (x[channel.offset + c] * Math.sqrt(2 / Math.PI));
          expect(relErr(Math.log(z), v[coef.offset + c * 4 + g])).toBeLessThan(1e-12);
        }
      }
      const movedTrend = kind === "trend+noncentred";
      for (let i = 0; i < layout.dim; i++) {
        const inCoef = i >= coef.offset && i < coef.offset + coef.size;
        const inTrend = i >= trend.offset && i < trend.offset + trend.size;
        if (!inCoef && !(movedTrend && inTrend)) expect(u[i]).toBe(v[i]);
      }
      // A shear in log space: no log-Jacobian beyond the trend's.
      if (!movedTrend) expect(jac).toBe(0);
    }
    // A national model has no channel scale: nothing to take out.
    const national = makeFixture({ model: "hill_adstock", T: 52, C: 2, F: 1, degrees: 2, seed: 5 });
    expect(new SamplingCoordinates(national.layout, 52, "noncentred").changesAnything).toBe(false);
  });

  it("season: scaling every coef_seasonality by k and gamma_seasonality by 1/k moves only s, by log k", () => {
    const { layout, data } = makeGeoFixture({ model: "hill_adstock", T: 30, C: 2, G: 4, F: 1, degrees: 2, seed: 13 });
    const map = new SamplingCoordinates(layout, data.T, "season");
    const u = randomPoint(layout.dim, mulberry32(15));
    const moved = Float64Array.from(u);
    const coef = layout.block("coef_seasonality");
    const gamma = layout.block("gamma_seasonality");
    const k = 1.7;
    for (let g = 0; g < coef.size; g++) moved[coef.offset + g] += Math.log(k);
    for (let i = 0; i < gamma.size; i++) moved[gamma.offset + i] /= k;
    const v = new Float64Array(layout.dim);
    const w = new Float64Array(layout.dim);
    map.fromModel(u, v);
    map.fromModel(moved, w);
    for (let i = 0; i < layout.dim; i++) {
      if (i === coef.offset) expect(Math.abs(w[i] - v[i] - Math.log(k))).toBeLessThan(1e-12);
      else expect(Math.abs(w[i] - v[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(v[i])));
    }
    // Without seasonality there is nothing to move.
    const flat = makeGeoFixture({ model: "hill_adstock", T: 30, C: 2, G: 4, F: 1, degrees: 0, seed: 13 });
    expect(new SamplingCoordinates(flat.layout, 30, "season").changesAnything).toBe(false);
  });

  it("the model's own coordinates and models without a trend reference change nothing", () => {
    const { layout } = makeFixture({ model: "hill_adstock", T: 52, C: 2, F: 1, degrees: 2, seed: 5 });
    expect(new SamplingCoordinates(layout, 52, "model").changesAnything).toBe(false);
    expect(new SamplingCoordinates(layout, 2, "trend").changesAnything).toBe(false);
    expect(new SamplingCoordinates(layout, 52, "trend").changesAnything).toBe(true);
  });

  it("a custom interval prior on coef_trend keeps the model's coordinates for it", async () => {
    const { makeStructure } = await import("../../src/model/structure.js");
    const { ParameterLayout } = await import("../../src/model/layout.js");
    const structure = makeStructure({
      model: "adstock",
      nChannels: 1,
      nExtra: 0,
      degreesSeasonality: 0,
      weekdaySeasonality: false,
      mediaPrior: [0.2],
      customPriors: { coef_trend: { dist: "Uniform", low: -1, high: 1 } },
    });
    expect(new SamplingCoordinates(new ParameterLayout(structure), 52, "trend").changesAnything).toBe(false);
  });
});
