import { describe, expect, it } from "vitest";
import { StepSizeSearch, initStepSize, initStepSizes } from "../../../src/adaptation/stepSizeInit.js";

// One rule for one chain and for many chains in lockstep: every chain of a
// lockstep search must end exactly where the single-chain heuristic ends on
// the same sequence of probes, with the same stop rules.
describe("step-size heuristic, one chain and many in lockstep", () => {
  // Deterministic probes: H0 - H of one step as a function of eps, differing per chain.
  const shapes: ((eps: number) => number)[] = [
    (e) => -e * e, // doubles from small starts, halves from large ones
    (e) => -4 * e * e,
    (e) => (e > 0.1 ? Number.NEGATIVE_INFINITY : 0), // invalid steps above 0.1
    (e) => (e > 0.3 ? Number.NaN : -e), // NaN energy: a rejection
    (e) => -1e-6 * e, // accepts up to ~2e5
  ];
  const starts = [0.01, 10, 1, 1, 1];

  it("gives every chain the single-chain result and probes all chains until the last search ends", async () => {
    const singles = shapes.map((f, c) => initStepSize(f, starts[c]!));
    const singleProbes = shapes.map((f, c) => {
      let n = 0;
      initStepSize((e) => (n++, f(e)), starts[c]!);
      return n;
    });
    const eps = Float64Array.from(starts);
    const seen: number[][] = [];
    const probes = await initStepSizes(eps, async (e) => {
      seen.push(Array.from(e));
      return Float64Array.from(e, (x, c) => shapes[c]!(x));
    });
    expect(Array.from(eps)).toEqual(singles);
    expect(probes).toBe(Math.max(...singleProbes));
    // A chain whose search has ended is probed at its final step size from then on.
    for (let c = 0; c < shapes.length; c++) {
      for (let k = singleProbes[c]!; k < probes; k++) expect(seen[k]![c]).toBe(singles[c]);
    }
  });

  it("halves past NaN energy changes the way it halves past -Infinity", () => {
    expect(initStepSize((e) => (e > 0.1 ? Number.NaN : 0), 1)).toBe(initStepSize((e) => (e > 0.1 ? Number.NEGATIVE_INFINITY : 0), 1));
  });

  it("stops on the crossing: doubling ends at the first probe at or below log 0.8", () => {
    const s = new StepSizeSearch(0.5);
    expect(s.observe(0)).toBe(false); // direction: up
    expect(s.observe(0)).toBe(false);
    expect(s.stepSize).toBe(1);
    expect(s.observe(Math.log(0.8) - 1e-12)).toBe(true);
    expect(s.stepSize).toBe(1);
  });

  it("needs no probe for a start of 0, NaN or above 1e7, as in Stan", async () => {
    for (const start of [0, Number.NaN, 2e7]) {
      let probed = 0;
      initStepSize(() => (probed++, 0), start);
      expect(probed).toBe(0);
    }
    const eps = Float64Array.from([0, 1]);
    const probes = await initStepSizes(eps, async (e) => Float64Array.from(e, (x) => -x * x));
    expect(eps[0]).toBe(0);
    expect(eps[1]).toBe(initStepSize((e) => -e * e, 1));
    expect(probes).toBeGreaterThan(0);
  });

  it("throws, for any chain, on an improper posterior and on a step size that underflows", async () => {
    await expect(initStepSizes(Float64Array.from([1, 1]), async (e) => Float64Array.from(e, (_, c) => (c === 0 ? -1 : 0)))).rejects.toThrow(/improper/);
    await expect(initStepSizes(Float64Array.from([1]), async () => Float64Array.of(Number.NEGATIVE_INFINITY))).rejects.toThrow(/no acceptable small step size/);
  });
});
