import { describe, expect, it } from "vitest";
import { cpuLockstepIntegrator } from "../../../src/sampler/lockstep/index.js";
import { sampleChees, type LockstepIterationTrace } from "../../../src/services/lockstepChains.js";
import { logSpacedScales, diagonalNormal } from "../models/gaussians.js";

// The last quarter of warm-up (metric frozen) and sampling: each chain's own
// step size by default (one for all with "pooled"), and no 10x jump when
// dual averaging restarts there.
describe("lockstep final window", () => {
  const density = diagonalNormal(logSpacedScales(6, 0.1, 10));
  const run = async (finalStepSize?: "pooled" | "per-chain") => {
    const traces: { iteration: number; phase: string; stepSize: number; meanAccept: number; divergences: number }[] = [];
    const result = await sampleChees(cpuLockstepIntegrator(density, 24), {
      seed: 5,
      warmup: 200,
      draws: 200,
      ...(finalStepSize ? { finalStepSize } : {}),
      onIteration(t: LockstepIterationTrace) {
        traces.push({ iteration: t.iteration, phase: t.phase, stepSize: t.stepSize, meanAccept: t.meanAccept, divergences: t.divergences });
      },
    });
    return { result, traces };
  };

  it("pooled: every chain samples with one step size, whose mean acceptance is near the 0.8 target", async () => {
    const { result, traces } = await run("pooled");
    expect(new Set(result.stepSizes).size).toBe(1);
    const sampling = traces.filter((t) => t.phase === "sampling");
    const meanAccept = sampling.reduce((a, t) => a + t.meanAccept, 0) / sampling.length;
    expect(meanAccept).toBeGreaterThan(0.7);
    expect(meanAccept).toBeLessThan(0.92);
  });

  it("per-chain (the default): each chain keeps its own size", async () => {
    const { result } = await run();
    expect(new Set(result.stepSizes).size).toBe(24);
  });

  for (const mode of ["pooled", "per-chain"] as const) {
    it(`${mode}: the restart at the frozen metric (iteration 150) does not jump the step size tenfold`, async () => {
      const { traces } = await run(mode);
      // The median step size used at iteration 151 (the first after the restart) against 150's.
      const before = traces.find((t) => t.phase === "warmup" && t.iteration === 150)!.stepSize;
      const after = traces.find((t) => t.phase === "warmup" && t.iteration === 151)!.stepSize;
      expect(after / before).toBeLessThan(3);
      expect(traces.find((t) => t.phase === "warmup" && t.iteration === 151)!.divergences).toBe(0);
    });
  }
});
