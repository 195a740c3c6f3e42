import { describe, expect, it } from "vitest";
import { essBulk, essTail } from "../../src/diagnostics/ess.js";
import { hdi } from "../../src/diagnostics/hdi.js";
import { mcseMean, mcseSd } from "../../src/diagnostics/mcse.js";
import { rhat } from "../../src/diagnostics/rhat.js";
import {
  countDivergences,
  countMaxTreedepth,
  summarize,
  summarizeTrace,
} from "../../src/diagnostics/summary.js";
import { essBulkPerParameter, parameterChains, perParameter, rhatPerParameter } from "../../src/diagnostics/trace.js";
import { ar1Chains, iidNormalChains } from "./random.js";

describe("summarize", () => {
  it("combines the individual diagnostics for one quantity", () => {
    const chains = ar1Chains(121, 4, 500, 0.3).map((c) => c.map((x) => 2 + 0.5 * x));
    const row = summarize(chains, { hdiProb: 0.9 });
    const draws = chains.flatMap((c) => Array.from(c));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, x) => a + (x - mean) ** 2, 0) / (draws.length - 1));
    const interval = hdi(draws, 0.9);
    expect(row.mean).toBeCloseTo(mean, 12);
    expect(row.sd).toBeCloseTo(sd, 12);
    expect(row.hdiLow).toBe(interval.low);
    expect(row.hdiHigh).toBe(interval.high);
    expect(row.mcseMean).toBe(mcseMean(chains));
    expect(row.mcseSd).toBe(mcseSd(chains));
    expect(row.essBulk).toBe(essBulk(chains));
    expect(row.essTail).toBe(essTail(chains));
    expect(row.rhat).toBe(rhat(chains));
  });

  it("uses the 94% HDI by default", () => {
    const chains = iidNormalChains(122, 2, 300);
    const interval = hdi(chains.flatMap((c) => Array.from(c)), 0.94);
    const row = summarize(chains);
    expect([row.hdiLow, row.hdiHigh]).toEqual([interval.low, interval.high]);
  });
});

/** Interleaves per-parameter chains into row-major [nDraws][dim] arrays, one per chain. */
function interleave(parameters: Float64Array[][]): Float64Array[] {
  const dim = parameters.length;
  const chainCount = parameters[0].length;
  const n = parameters[0][0].length;
  return Array.from({ length: chainCount }, (_, c) => {
    const out = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out[i * dim + j] = parameters[j][c][i];
    return out;
  });
}

describe("whole-trace helpers", () => {
  const parameters = [
    iidNormalChains(131, 3, 200),
    iidNormalChains(132, 3, 200, 5, 2),
    [...iidNormalChains(133, 2, 200), ...iidNormalChains(134, 1, 200, 3)],
  ];
  const trace = interleave(parameters);

  it("extracts each parameter's chains from the row-major layout", () => {
    for (let j = 0; j < 3; j++) expect(parameterChains(trace, 3, j)).toEqual(parameters[j]);
  });

  it("summarizeTrace gives one named row per parameter", () => {
    const rows = summarizeTrace(trace, 3, ["alpha", "beta", "gamma"]);
    expect(rows.map((r) => r.name)).toEqual(["alpha", "beta", "gamma"]);
    rows.forEach((row, j) => expect(row).toEqual({ name: row.name, ...summarize(parameters[j]) }));
    expect(rows[2].rhat).toBeGreaterThan(1.1);
  });

  it("per-parameter diagnostics", () => {
    expect(Array.from(rhatPerParameter(trace, 3))).toEqual(parameters.map((p) => rhat(p)));
    expect(Array.from(essBulkPerParameter(trace, 3))).toEqual(parameters.map((p) => essBulk(p)));
    expect(Array.from(perParameter(trace, 3, mcseMean))).toEqual(parameters.map((p) => mcseMean(p)));
  });

  it("rejects inconsistent layouts", () => {
    expect(() => summarizeTrace(trace, 3, ["a", "b"])).toThrow(RangeError);
    expect(() => parameterChains(trace, 7, 0)).toThrow(RangeError);
    expect(() => parameterChains(trace, 3, 3)).toThrow(RangeError);
  });
});

describe("sampler warning counters", () => {
  it("counts divergences per chain", () => {
    const counts = countDivergences([new Uint8Array([0, 1, 0, 1, 1]), new Uint8Array([0, 0, 0, 0, 0])]);
    expect(counts).toEqual({ perChain: [3, 0], total: 3 });
  });

  it("counts draws at or above the tree-depth limit", () => {
    const counts = countMaxTreedepth([new Int32Array([3, 10, 9, 10]), new Int32Array([10, 10, 2, 1])], 10);
    expect(counts).toEqual({ perChain: [2, 2], total: 4 });
  });
});
