import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { MODEL_NAMES, type ModelName } from "../../src/model/structure.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";
import { randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";
import { errorOf } from "../helpers/errors.js";
import type { ScaledData } from "../../src/model/scaledData.js";

const T = 40;
const C = 3;
const G = 4;

function fixture(model: ModelName, edit?: (data: ScaledData) => void) {
  const f = makeGeoFixture({ model, T, C, G, F: 1, degrees: 2, geoExtra: true, seed: 11 });
  edit?.(f.data);
  return f;
}

function evaluate(model: ModelName, editU: (u: Float64Array, off: (n: string) => number) => void, editData?: (d: ScaledData) => void) {
  const { layout, data } = fixture(model, editData);
  const u = randomPoint(layout.dim, mulberry32(9), 1);
  editU(u, (n) => layout.offsetOf(n));
  const g = new Float64Array(layout.dim);
  const lp = new MmmDensity(layout, data).logpGrad(u, g);
  return { lp, g, ref: referenceLogDensity(layout, data, u), layout, u };
}

const finite = (g: Float64Array) => Array.from(g).every(Number.isFinite);

describe("geo model edge cases give finite values, never NaN", () => {
  it("a geo with no media at all, and a channel dark in one geo only", () => {
    for (const model of MODEL_NAMES) {
      const { lp, g, ref, layout, u } = evaluate(model, () => {}, (d) => {
        for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) d.media[(t * C + c) * G + 2] = 0;
        for (let t = 0; t < T; t++) d.media[(t * C + 1) * G + 0] = 0;
      });
      expect(Number.isFinite(lp)).toBe(true);
      expect(Math.abs(lp - ref.lpJacobian) / Math.abs(ref.lpJacobian)).toBeLessThan(1e-10);
      expect(finite(g)).toBe(true);
      // A dark series's coefficient feels only its prior (the likelihood does not move it).
      const i = layout.offsetOf("coef_media") + 0 * G + 2;
      const x = Math.exp(u[i]);
      const scale = Math.exp(u[layout.offsetOf("channel_coef_media")]) * Math.sqrt(2 / Math.PI);
      expect(g[i]).toBeCloseTo(1 - (x / scale) ** 2, 10);
    }
  });

  it("extreme media values and extreme transform parameters", () => {
    for (const model of MODEL_NAMES) {
      const big = evaluate(model, () => {}, (d) => d.media.forEach((v, i) => (d.media[i] = i % 7 === 0 ? v * 1e8 : v * 1e-8)));
      expect(Number.isFinite(big.lp)).toBe(true);
      expect(finite(big.g)).toBe(true);
    }
    for (const lagU of [-40, 40, 700]) {
      for (const model of ["hill_adstock", "adstock"] as const) {
        const r = evaluate(model, (u, off) => u.fill(lagU, off("lag_weight"), off("lag_weight") + C));
        expect(Number.isFinite(r.lp)).toBe(true);
        expect(finite(r.g)).toBe(true);
      }
    }
    for (const [rateU, delayU] of [[-30, 0], [30, 3], [-700, -5], [5, -700]]) {
      const r = evaluate("carryover", (u, off) => {
        u.fill(rateU, off("ad_effect_retention_rate"), off("ad_effect_retention_rate") + C);
        u.fill(delayU, off("peak_effect_delay"), off("peak_effect_delay") + C);
      });
      expect(Number.isFinite(r.lp)).toBe(true);
      expect(finite(r.g)).toBe(true);
    }
  });

  it("a tiny channel-level scale under large per-geo coefficients stays finite and matches the reference", () => {
    const r = evaluate("hill_adstock", (u, off) => {
      u.fill(-12, off("channel_coef_media"), off("channel_coef_media") + C);
      u.fill(0.5, off("coef_media"), off("coef_media") + C * G);
    });
    expect(Number.isFinite(r.lp)).toBe(true);
    expect(finite(r.g)).toBe(true);
    expect(Math.abs(r.lp - r.ref.lpJacobian) / Math.abs(r.ref.lpJacobian)).toBeLessThan(1e-10);
  });

  it("a position where the density vanishes returns -Infinity and a zero gradient", () => {
    const r = evaluate("hill_adstock", (u, off) => {
      u[off("sigma") + 3] = -800; // the last geo's sigma underflows to 0
    });
    expect(r.lp).toBe(-Infinity);
    expect(Array.from(r.g).every((v) => v === 0)).toBe(true);
    const scale = evaluate("adstock", (u, off) => {
      u[off("channel_coef_media") + 1] = -800; // a coefficient's prior scale underflows
    });
    expect(scale.lp).toBe(-Infinity);
    expect(Array.from(scale.g).every((v) => v === 0)).toBe(true);
  });

  it("data of the wrong shape is refused with a clear error", () => {
    const { layout, data } = fixture("hill_adstock");
    expect(errorOf(() => new MmmDensity(layout, { ...data, G: 3 })).message).toMatch(/4 geos but the data has 3/);
    expect(errorOf(() => new MmmDensity(layout, { ...data, G: undefined })).message).toMatch(/4 geos but the data has no/);
    expect(errorOf(() => new MmmDensity(layout, { ...data, target: data.target.subarray(1) })).message).toMatch(
      /scaled target has 159 values; the model needs 160/,
    );
    expect(errorOf(() => new MmmDensity(layout, { ...data, extra: new Float64Array(T) })).message).toMatch(/scaled extra/);
  });
});

