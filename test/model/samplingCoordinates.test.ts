import { describe, expect, it } from "vitest";
import { checkParameterisation, COORDINATE_PIECES, SamplingCoordinates } from "../../src/model/samplingCoordinates.js";
import { InputError } from "../../src/errors.js";
import { makeGeoFixture } from "../helpers/geoFixtures.js";
import { randomPoint } from "../helpers/mmmFixtures.js";
import { mulberry32 } from "../helpers/random.js";

// The parameterisation is a set of pieces: the option names them in any
// order, the fit stores them in one canonical order, and a pair that moves the
// same coordinates twice is refused by name.
describe("checkParameterisation", () => {
  it("keeps every combination named before pieces composed, and \"model\"", () => {
    const named = ["trend", "trend+hill", "model", "noncentred", "trend+noncentred", "season", "trend+noncentred+season", "media", "media+season", "trend+media+season", "noncentred+media+season"];
    for (const kind of named) expect(checkParameterisation(kind)).toBe(kind);
  });

  it("puts the pieces in canonical order", () => {
    expect(checkParameterisation("season+trend")).toBe("trend+season");
    expect(checkParameterisation("season + media+noncentred")).toBe("noncentred+media+season");
    expect(checkParameterisation("hill+noncentred+trend")).toBe("trend+noncentred+hill");
    expect(checkParameterisation(COORDINATE_PIECES.filter((p) => p !== "hill").reverse().join("+"))).toBe("trend+noncentred+media+season+baseline");
    expect(checkParameterisation("baseline+trend")).toBe("trend+baseline");
  });

  it("refuses unknown, repeated and incompatible pieces, naming the option and the pieces", () => {
    const refuse = (value: string, message: RegExp) => {
      expect(() => checkParameterisation(value, "--parameterisation")).toThrow(InputError);
      expect(() => checkParameterisation(value, "--parameterisation")).toThrow(message);
    };
    refuse("hill+media", /--parameterisation: "hill" and "media" cannot be combined/);
    refuse("season+media+trend+hill", /"hill" and "media"/);
    refuse("trend+centred", /unknown piece "centred" in "trend\+centred"/);
    refuse("trend+trend", /piece "trend" given twice/);
    refuse("model+trend", /"model" .* combines with no piece/);
    refuse("", /--parameterisation: expected "model" or pieces/);
    refuse("trend+", /unknown piece ""/);
  });
});

describe("SamplingCoordinates from pieces in any order", () => {
  it("is the same map whatever the order the pieces are named in", () => {
    const { layout, data } = makeGeoFixture({ model: "hill_adstock", T: 30, C: 2, G: 3, F: 1, degrees: 1, seed: 21 });
    const v = randomPoint(layout.dim, mulberry32(22));
    for (const [a, b] of [["trend+noncentred+season", "season+noncentred+trend"], ["noncentred+media+season", "media+season+noncentred"]]) {
      const ua = new Float64Array(layout.dim);
      const ub = new Float64Array(layout.dim);
      const ja = new SamplingCoordinates(layout, data.T, a).toModel(v, ua);
      const jb = new SamplingCoordinates(layout, data.T, b).toModel(v, ub);
      expect(jb).toBe(ja);
      expect(Array.from(ub)).toEqual(Array.from(ua));
      expect(ja === 0 && Array.from(ua).every((x, i) => x === v[i])).toBe(false);
    }
  });

  it("refuses an incompatible pair when built directly", () => {
    const { layout, data } = makeGeoFixture({ model: "hill_adstock", T: 30, C: 2, G: 3, F: 1, degrees: 1, seed: 21 });
    expect(() => new SamplingCoordinates(layout, data.T, "media+hill")).toThrow(/"hill" and "media"/);
  });
});
