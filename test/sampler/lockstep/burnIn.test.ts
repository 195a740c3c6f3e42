import { describe, expect, it } from "vitest";
import { burnInOver } from "../../../src/sampler/lockstep/cheesHelpers.js";
import { cpuLockstepIntegrator } from "../../../src/sampler/lockstep/cpuIntegrator.js";
import { sampleChees } from "../../../src/sampler/lockstep/chees.js";
import { diagonalNormal } from "../models/gaussians.js";

describe("burn-in end rule", () => {
  it("goes on while the median log-density rises by more than sqrt(dim / 2) per window", () => {
    const climbing = Array.from({ length: 20 }, (_, k) => -1000 + 10 * k); // +100 per window of 10
    expect(burnInOver(climbing, 10, 8)).toBe(false);
    const flat = Array.from({ length: 20 }, (_, k) => 5 + (k % 2)); // noise only
    expect(burnInOver(flat, 10, 8)).toBe(true);
    // The bound is sqrt(dim / 2): a rise of 1.9 per window ends it at dim 8 (bound 2), not at dim 2 (bound 1).
    const slow = Array.from({ length: 20 }, (_, k) => (k < 10 ? 0 : 1.9));
    expect(burnInOver(slow, 10, 8)).toBe(true);
    expect(burnInOver(slow, 10, 2)).toBe(false);
  });

  it("is over when two windows cannot be compared yet", () => {
    expect(burnInOver([-1e6, 0, 1e6], 10, 8)).toBe(true);
  });
});

describe("lockstep burn-in", () => {
  // Chains started far out in a 20-dimensional normal with scales 0.1 and 1
  // (the narrow ones bound the step size, so the wide ones take ~140
  // burn-in iterations to come in): the first long trajectories must wait
  // until the chains have climbed to the typical set.
  const dim = 20;
  const density = diagonalNormal(Array.from({ length: dim }, (_, i) => (i % 2 ? 1 : 0.1))); // log-density -|z|^2 / 2
  const run = async (options: { burnIn?: number }) => {
    const firstLong: number[] = [];
    const medianLp: number[] = [];
    const result = await sampleChees(cpuLockstepIntegrator(density, 16), {
      seed: 3,
      warmup: 400,
      draws: 10,
      init: { kind: "jitter", position: new Float64Array(dim).fill(15), radius: 1 },
      burnInSteps: 5,
      initialTrajectoryLength: 1.5, // T stays 1.5 through burn-in, then ChEES moves it
      ...options,
      onIteration(t) {
        if (t.phase !== "warmup") return;
        const lps = Array.from(t.logps).sort((a, b) => a - b);
        medianLp.push(lps[8]!);
        if (firstLong.length === 0 && t.trajectoryLength !== 1.5) firstLong.push(t.iteration);
      },
    });
    return { result, firstLong: firstLong[0]!, medianLp };
  };

  it("lasts past 15% of warm-up while the chains climb, and ends once they are in the typical set", async () => {
    const { firstLong, medianLp } = await run({});
    // 15% of 400 is 60; the chains (started 15 sds out in the wide coordinates, 2 steps an iteration) are still climbing there.
    // (-0.5 chi2_20, the log-density in the typical set, is above -30 with probability 0.9999.)
    expect(medianLp[59]!).toBeLessThan(-50);
    expect(firstLong).toBeGreaterThan(61);
    expect(firstLong).toBeLessThanOrEqual(201);
    // Where it ended, the chains were in the typical set.
    expect(medianLp[firstLong - 1]!).toBeGreaterThan(-30);
  });

  it("lasts exactly burnIn iterations when burnIn is given", async () => {
    const { firstLong } = await run({ burnIn: 60 });
    expect(firstLong).toBe(61); // T is adapted after the first post-burn-in transition
  });
});
