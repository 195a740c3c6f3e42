import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import type { LiftTest } from "../../src/model/liftTests.js";

// A correct lift test narrows the tested channel's ROI interval and moves
// its posterior mean toward the true ROI (data simulated from
// geometric+logistic; the test's lift computed from the truth, with a 10%
// standard error).
describe("lift-test calibration on simulated data", () => {
  for (const seed of [41, 42]) {
    it(`seed ${seed}: the tested channel's ROI interval narrows and moves toward the truth`, async () => {
      const model = "geometric+logistic";
      const sim = simulateDataset({ seed, T: 104, channels: 3, extras: 1, model });
      const d = sim.dataset;
      const C = d.channelNames.length;
      const spend = (c: number) => Array.from({ length: d.T }, (_, t) => d.media[t * C + c]).reduce((a, b) => a + b, 0);
      const targetSum = d.target.reduce((a, b) => a + b, 0);
      const targetMean = targetSum / d.T;
      const c = 0;
      const truth = sim.truth as Record<string, number[]>;
      const f = (v: number) => Math.tanh((truth.logistic_rate[c] * v) / 2);
      // Scaled media of 1 is the channel's mean spend; the scaled target's mean is 1.
      const meanSpend = spend(c) / d.T;
      const lift = truth.coef_media[c] * (f(1.5) - f(1)) * targetMean;
      const test: LiftTest = { channel: d.channelNames[c], x: meanSpend, deltaX: 0.5 * meanSpend, deltaY: lift, sigma: 0.1 * lift };
      const trueRoi = (sim.mediaShare[c] * targetSum) / spend(c);
      const sampler = { chains: 4, warmup: 400, samples: 250, seed };
      const before = (await fitMMM(d, { model, sampler })).roi()[c];
      const after = (await fitMMM(d, { model, sampler, liftTests: [test] })).roi()[c];
      const width = (r: typeof before) => r["hdi_97%"]! - r["hdi_3%"]!;
      console.log(
        `lift calibration seed ${seed}: true ROI ${trueRoi.toFixed(3)}; without the test ${before.mean!.toFixed(3)} [${before["hdi_3%"]!.toFixed(3)}, ${before["hdi_97%"]!.toFixed(3)}]; with it ${after.mean!.toFixed(3)} [${after["hdi_3%"]!.toFixed(3)}, ${after["hdi_97%"]!.toFixed(3)}]`,
      );
      expect(width(after)).toBeLessThan(width(before));
      expect(Math.abs(after.mean! - trueRoi)).toBeLessThan(Math.abs(before.mean! - trueRoi));
    });
  }
});
