import { describe, expect, it } from "vitest";
import { ParameterLayout } from "../../src/model/layout.js";
import { priorMedian, PriorError } from "../../src/model/priors.js";
import { makeStructure } from "../../src/model/structure.js";

const structure = (o: Partial<Parameters<typeof makeStructure>[0]> = {}) =>
  makeStructure({ nChannels: 2, nExtra: 1, mediaPrior: [0.1, 0.2], nGeos: 3, ...o });

describe("geo parameter layout", () => {
  it("has the geo model's names and shapes (MODEL.md), index-based labels", () => {
    const l = new ParameterLayout(structure());
    expect(l.blocks.map((b) => [b.name, b.shape])).toEqual([
      ["intercept", [3]], ["sigma", [3]], ["coef_trend", [3]], ["expo_trend", []],
      ["channel_coef_media", [2]], ["coef_media", [2, 3]],
      ["lag_weight", [2]], ["half_max_effective_concentration", [2]], ["slope", [2]],
      ["gamma_seasonality", [2, 2]], ["coef_seasonality", [3]], ["coef_extra_features", [1]],
    ]);
    expect(l.labels()).toContain("coef_media[1, 2]");
    expect(l.labels()).toContain("intercept[2]");
    const perGeo = new ParameterLayout(structure({ geoExtra: true, nExtra: 2, degreesSeasonality: 0 }));
    expect(perGeo.block("coef_extra_features").shape).toEqual([2, 3]);
    expect(perGeo.block("coef_seasonality").size).toBe(0); // nothing to multiply without seasonality
    // One geo is still the geo model.
    expect(new ParameterLayout(structure({ nGeos: 1 })).block("coef_media").shape).toEqual([2, 1]);
    // National structures do not change.
    const national = makeStructure({ nChannels: 2, nExtra: 1, mediaPrior: [0.1, 0.2] });
    expect("nGeos" in national).toBe(false);
    expect(new ParameterLayout(national).has("channel_coef_media")).toBe(false);
  });

  it("coef_media's prior scale is channel_coef_media * sqrt(2/pi); channel_coef_media takes the media prior", () => {
    const l = new ParameterLayout(structure());
    expect(l.block("channel_coef_media").priors).toEqual([
      { dist: "HalfNormal", scale: 0.1 },
      { dist: "HalfNormal", scale: 0.2 },
    ]);
    const b = l.block("coef_media");
    expect(b.scaleFrom).toEqual({ block: "channel_coef_media", multiplier: Math.sqrt(2 / Math.PI), groupSize: 3 });
    expect(l.scaleParentIndex(b, 4)).toBe(l.offsetOf("channel_coef_media") + 1);
    expect(l.block("coef_seasonality").priors[0]).toEqual({ dist: "HalfNormal", scale: 0.5 });
    // The starting point is each prior's median, given its parent's median.
    const x = l.constrainFlat(l.medianPoint());
    const parent = x[l.offsetOf("channel_coef_media") + 1];
    expect(parent).toBeCloseTo(priorMedian({ dist: "HalfNormal", scale: 0.2 }), 12);
    expect(x[b.offset + 4]).toBeCloseTo(0.6744897501960817 * Math.sqrt(2 / Math.PI) * parent, 12);
  });

  it("round-trips the JSON form, [channel][geo] and [feature][geo] arrays", () => {
    const l = new ParameterLayout(structure({ geoExtra: true }));
    const values = l.constrain(l.medianPoint());
    expect((values.coef_media as number[][]).length).toBe(2);
    expect((values.coef_media as number[][])[0].length).toBe(3);
    expect((values.coef_extra_features as number[][])[0].length).toBe(3);
    const back = l.readValues(JSON.parse(JSON.stringify(values)));
    const again = l.constrainFlat(l.unconstrainFlat(back));
    back.forEach((v, i) => expect(again[i]).toBeCloseTo(v, 12));
    expect(() => l.readValues({ ...values, coef_media: [1, 2] })).toThrow(/coef_media" must have shape \[2, 3\] given as \[channel\]\[geo\]/);
    expect(() => l.readValues({ ...values, intercept: 0.5 })).toThrow(/intercept" must have shape \[3\]/);
  });

  it("custom priors by name: channel_coef_media must stay positive; coef_media may drop the hierarchy", () => {
    expect(() => new ParameterLayout(structure({ customPriors: { channel_coef_media: { dist: "Normal", loc: 0, scale: 1 } } }))).toThrow(PriorError);
    const l = new ParameterLayout(structure({ customPriors: { coef_media: { dist: "HalfNormal", scale: 0.3 } } }));
    expect(l.block("coef_media").scaleFrom).toBeUndefined();
    expect(l.block("coef_media").priors[5]).toEqual({ dist: "HalfNormal", scale: 0.3 });
    const c = new ParameterLayout(structure({ customPriors: { coef_seasonality: { dist: "Gamma", concentration: 2, rate: 2 } } }));
    expect(c.block("coef_seasonality").priors[0].dist).toBe("Gamma");
    expect(() => new ParameterLayout(structure({ customPriors: { coef_geo: { dist: "Normal", loc: 0, scale: 1 } } }))).toThrow(/unknown parameter "coef_geo"/);
  });
});
