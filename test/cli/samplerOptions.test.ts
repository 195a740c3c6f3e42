import { describe, expect, it } from "vitest";
import { readSamplerOptions } from "../../src/cli/samplerOptions.js";
import { InputError } from "../../src/errors.js";
import { ADAPTATION_KINDS } from "../../src/sampler/index.js";

const defaults = {
  chains: "4",
  warmup: "1000",
  samples: "1000",
  seed: "1",
  targetAccept: "0.85",
  maxTreeDepth: "10",
  init: "jitter",
  adaptation: "stan-diag",
  math: "accurate",
  parameterisation: "trend",
};

// `mmm fit`, `fit-many` and `queue submit` read their NUTS options here: one
// list of warm-ups, one set of ranges (the CLI once refused pooled-diag
// because its choice list was a copy).
describe("readSamplerOptions", () => {
  it("accepts every warm-up the sampler has", () => {
    for (const kind of ADAPTATION_KINDS) expect(readSamplerOptions({ ...defaults, adaptation: kind }).adaptation).toBe(kind);
  });

  it("leaves the parameterisation and target acceptance out when not given, so the model kind picks their defaults", () => {
    const { parameterisation: _, targetAccept: __, ...none } = defaults;
    const o = readSamplerOptions(none);
    expect("parameterisation" in o || "targetAccept" in o).toBe(false);
    expect(readSamplerOptions({ ...defaults, targetAccept: "0.9" }).targetAccept).toBe(0.9);
    expect(() => readSamplerOptions({ ...defaults, targetAccept: "1" })).toThrow(/--target-accept/);
  });

  it("accepts every parameterisation", () => {
    for (const kind of ["trend", "trend+hill", "model"]) {
      expect(readSamplerOptions({ ...defaults, parameterisation: kind }).parameterisation).toBe(kind);
    }
  });

  it("reads --tempering and --tempering-min-beta, and leaves them out when not given", () => {
    expect("tempering" in readSamplerOptions(defaults)).toBe(false);
    const o = readSamplerOptions({ ...defaults, tempering: "4", temperingMinBeta: "0.4" });
    expect([o.tempering, o.temperingMinBeta]).toEqual([4, 0.4]);
    expect(() => readSamplerOptions({ ...defaults, tempering: "0" })).toThrow(/--tempering/);
    expect(() => readSamplerOptions({ ...defaults, tempering: "65" })).toThrow(/--tempering/);
    expect(() => readSamplerOptions({ ...defaults, temperingMinBeta: "1" })).toThrow(/--tempering-min-beta/);
  });

  it("leaves --samples out when not given (the default draws go on while the chains disagree), and reads --max-samples", () => {
    const { samples: _, ...none } = defaults;
    const o = readSamplerOptions(none);
    expect("samples" in o || "maxSamples" in o).toBe(false);
    expect(readSamplerOptions({ ...defaults, maxSamples: "5000" })).toMatchObject({ samples: 1000, maxSamples: 5000 });
    expect(() => readSamplerOptions({ ...defaults, maxSamples: "0" })).toThrow(/--max-samples/);
  });

  it("names the option at fault", () => {
    expect(() => readSamplerOptions({ ...defaults, adaptation: "stan" })).toThrow(InputError);
    expect(() => readSamplerOptions({ ...defaults, adaptation: "stan" })).toThrow(/--adaptation/);
    expect(() => readSamplerOptions({ ...defaults, warmup: "0" })).toThrow(/--warmup/);
    expect(() => readSamplerOptions({ ...defaults, maxTreeDepth: "40" })).toThrow(/--max-tree-depth/);
    expect(() => readSamplerOptions({ ...defaults, math: "quick" })).toThrow(/--math/);
    expect(() => readSamplerOptions({ ...defaults, parameterisation: "centred" })).toThrow(/--parameterisation/);
  });
});
