import { describe, expect, it } from "vitest";
import { baselineApplies, baselineGroups } from "../../src/model/baselineShear.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure } from "../../src/model/structure.js";
import { SamplingCoordinates } from "../../src/model/samplingCoordinates.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";

// The baseline piece shears the extra features' coefficients along the
// intercept by w = M^-1 m, the regression of the coefficients on the intercept
// in the likelihood's linear part (M the extras' uncentred second moments, m
// their means): for one feature of mean m and coefficient of variation c,
// w = 1 / (m (1 + c^2)).

function national(F: number, customPriors = {}, weekdaySeasonality = false) {
  return new ParameterLayout(makeStructure({ model: "hill_adstock", nChannels: 1, nExtra: F, degreesSeasonality: 0, weekdaySeasonality, mediaPrior: [0.3], customPriors }));
}

/** [T][F] row-major from columns. */
function rows(...columns: number[][]): Float64Array {
  const T = columns[0].length;
  const out = new Float64Array(T * columns.length);
  for (let t = 0; t < T; t++) for (let f = 0; f < columns.length; f++) out[t * columns.length + f] = columns[f][t];
  return out;
}

describe("baselineGroups: the weights", () => {
  it("one feature: w = 1 / (m (1 + c^2)), c its coefficient of variation (population sd)", () => {
    const x = [0.8, 1.1, 1.3, 0.9, 1.4, 0.5];
    const m = x.reduce((a, b) => a + b) / x.length;
    const variance = x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length;
    const c2 = variance / (m * m);
    const [g] = baselineGroups(national(1), { T: x.length, extra: rows(x) });
    expect(g.weight[0]).toBeCloseTo(1 / (m * (1 + c2)), 9);
    expect(g.intercept).toBe(national(1).offsetOf("intercept"));
    expect(g.coef).toEqual([national(1).offsetOf("coef_extra_features")]);
  });

  it("a constant feature (a second intercept) moves one for one with the intercept, per unit of its level", () => {
    const [g] = baselineGroups(national(1), { T: 5, extra: rows([2, 2, 2, 2, 2]) });
    expect(g.weight[0]).toBeCloseTo(0.5, 8);
  });

  it("two features: M w = m, so a near-constant feature takes the intercept's place and one that varies much does not", () => {
    const price = [1.0, 1.01, 0.99, 1.0, 1.02, 0.98, 1.0, 1.0];
    const promo = [0, 0, 4, 0, 0, 4, 0, 0];
    const T = price.length;
    const [g] = baselineGroups(national(2), { T, extra: rows(price, promo) });
    const cols = [price, promo];
    for (let a = 0; a < 2; a++) {
      let lhs = 0;
      for (let b = 0; b < 2; b++) lhs += (cols[a].reduce((s, x, t) => s + x * cols[b][t], 0) / T) * g.weight[b];
      expect(lhs).toBeCloseTo(cols[a].reduce((s, x) => s + x, 0) / T, 6);
    }
    expect(g.weight[0]).toBeGreaterThan(0.9);
    expect(Math.abs(g.weight[1])).toBeLessThan(0.05);
  });

  it("a feature that is zero throughout gets weight 0; all zero: nothing to shear", () => {
    const [g] = baselineGroups(national(2), { T: 4, extra: rows([1, 1, 1, 1], [0, 0, 0, 0]) });
    expect(g.weight[1]).toBeCloseTo(0, 12);
    expect(baselineGroups(national(1), { T: 4, extra: rows([0, 0, 0, 0]) })).toEqual([]);
  });

  it("moves nothing without extras, without their data, or where a custom prior confines the coefficients", () => {
    expect(baselineGroups(national(0), { T: 3, extra: new Float64Array(0) })).toEqual([]);
    expect(baselineGroups(national(1), undefined)).toEqual([]);
    const confined = national(1, { coef_extra_features: { dist: "HalfNormal", scale: 1 } });
    expect(baselineGroups(confined, { T: 3, extra: rows([1, 2, 3]) })).toEqual([]);
    expect([baselineApplies(national(1)), baselineApplies(national(0)), baselineApplies(confined)]).toEqual([true, false, false]);
    expect(new SamplingCoordinates(national(1), 3, "baseline").changesAnything).toBe(false);
    expect(new SamplingCoordinates(national(1), 3, "baseline", { T: 3, extra: rows([1, 2, 3]) }).changesAnything).toBe(true);
  });

  it("geo: one group per geo from that geo's own columns; extras shared by every geo are left alone", () => {
    const per = makeGeoFixture({ model: "hill_adstock", T: 20, C: 2, G: 3, F: 2, degrees: 0, geoExtra: true, seed: 5 });
    const groups = baselineGroups(per.layout, per.data);
    expect(groups.length).toBe(3);
    const coef = per.layout.block("coef_extra_features");
    for (const [g, grp] of groups.entries()) {
      expect(grp.intercept).toBe(per.layout.offsetOf("intercept") + g);
      expect(grp.coef).toEqual([coef.offset + g, coef.offset + 3 + g]);
      // Geo g's weights from its columns alone.
      const own = new Float64Array(20 * 2);
      for (let t = 0; t < 20; t++) for (let f = 0; f < 2; f++) own[t * 2 + f] = per.data.extra[(t * 2 + f) * 3 + g];
      expect(grp.weight).toEqual(baselineGroups(national(2), { T: 20, extra: own })[0].weight);
    }
    const shared = makeGeoFixture({ model: "hill_adstock", T: 20, C: 2, G: 3, F: 2, degrees: 0, geoExtra: false, seed: 5 });
    expect(baselineGroups(shared.layout, shared.data)).toEqual([]);
    expect([baselineApplies(per.layout), baselineApplies(shared.layout)]).toEqual([true, false]);
  });

  it("weekday effects: their 7 day columns make up the intercept's, so each moves one for one with it and the extras not at all", () => {
    const T = 30;
    const alone = national(0, {}, true);
    const [g] = baselineGroups(alone, { T, extra: new Float64Array(0) });
    const weekday = alone.block("weekday");
    expect(g.coef).toEqual(Array.from({ length: 7 }, (_, k) => weekday.offset + k));
    for (const w of g.weight) expect(w).toBeCloseTo(1, 10);
    const price = Array.from({ length: T }, (_, t) => 1 + 0.01 * Math.sin(t));
    const both = national(1, {}, true);
    const [h] = baselineGroups(both, { T, extra: rows(price) });
    expect(h.coef).toEqual([both.offsetOf("coef_extra_features"), ...Array.from({ length: 7 }, (_, k) => both.block("weekday").offset + k)]);
    expect(h.weight[0]).toBeCloseTo(0, 8);
    for (const w of h.weight.slice(1)) expect(w).toBeCloseTo(1, 8);
    // Fewer rows than days: a day with no row has nothing to pin it, and stays put.
    const [short] = baselineGroups(alone, { T: 4, extra: new Float64Array(0) });
    expect(short.weight.map((w) => Math.round(w * 1e9) / 1e9)).toEqual([1, 1, 1, 1, 0, 0, 0]);
    expect([baselineApplies(alone), baselineApplies(national(0, { weekday: { dist: "HalfNormal", scale: 1 } }, true))]).toEqual([true, false]);
    // Geo models share the weekday effects over their geos' intercepts: left alone.
    const geo = makeGeoFixture({ model: "hill_adstock", T: 21, C: 2, G: 3, F: 0, degrees: 0, weekday: true, seed: 6 });
    expect(baselineGroups(geo.layout, geo.data)).toEqual([]);
  });

  it("refuses extras of the wrong length rather than reading past them", () => {
    expect(() => baselineGroups(national(2), { T: 4, extra: new Float64Array(7) })).toThrow(/7 values for 4 rows x 2 features/);
  });
});
