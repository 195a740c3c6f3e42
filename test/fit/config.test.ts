import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { resolveConfig } from "../../src/fit/config.js";

describe("sampler configuration: warm-up", () => {
  it("accepts every warm-up the sampler has, Stan's by default", () => {
    expect(resolveConfig().sampler.adaptation).toBe("stan-diag");
    for (const adaptation of ["stan-diag", "pooled-diag", "pooled-dense", "nutpie-diag", "dense"] as const) {
      expect(resolveConfig({ sampler: { adaptation } }).sampler.adaptation).toBe(adaptation);
    }
  });

  it("names the options when given an unknown one", () => {
    const bad = () => resolveConfig({ sampler: { adaptation: "pooled" as never } });
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(/adaptation must be one of stan-diag, pooled-diag, pooled-dense, nutpie-diag, dense, lowrank, fisher-dense, got "pooled"/);
  });
});
