import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { InputError } from "../../src/errors.js";
import { contributions } from "../../src/analysis/contributions.js";

// ROI priors end to end: the chains sample each channel's ROI, the fitted
// model reads the derived coefficients. A tight prior on each channel's ROI
// must come back as that channel's posterior ROI from roi() (an independent
// computation: contributions from the draws over the training rows, divided
// by spend), which checks the kernel's ROI, the scalers and the draws'
// conversion together.

describe("ROI priors through fitMMM", () => {
  it("a tight ROI prior moves each channel's posterior ROI to it", async () => {
    const sim = simulateDataset({ seed: 5, T: 60, channels: 3, extras: 0 });
    const targets = [0.4, 1.5, 3];
    const fit = await fitMMM(sim.dataset, {
      model: "geometric+logistic",
      roiPrior: true,
      customPriors: { roi: targets.map((m) => ({ dist: "LogNormal", loc: Math.log(m), scale: 0.01 })) },
      sampler: { chains: 2, warmup: 150, samples: 100, seed: 3, threads: 0 },
    });
    const roi = fit.roi();
    roi.forEach((r, c) => {
      expect(r.mean! / targets[c]).toBeGreaterThan(0.97);
      expect(r.mean! / targets[c]).toBeLessThan(1.03);
    });
    // The summary reports the derived coefficients under their usual names.
    expect(fit.summary().some((row) => row.name.startsWith("coef_media"))).toBe(true);
  });

  it("a calibration period: the prior's ROI is over those rows", async () => {
    const sim = simulateDataset({ seed: 6, T: 60, channels: 2, extras: 0 });
    const fit = await fitMMM(sim.dataset, {
      model: "hill_adstock",
      roiPrior: { calibrationRows: [20, 50] },
      customPriors: { roi: { dist: "LogNormal", loc: Math.log(2), scale: 0.01 } },
      sampler: { chains: 1, warmup: 120, samples: 60, seed: 4, threads: 0 },
    });
    // Posterior mean contribution over rows 20..49 per unit of spend there: 2 for each channel.
    const c = contributions(fit.record, 20, 50).national;
    const media = sim.dataset.media;
    for (let ch = 0; ch < 2; ch++) {
      let spend = 0;
      for (let t = 20; t < 50; t++) spend += media[t * 2 + ch];
      expect(c.totals.media[ch].mean / spend).toBeCloseTo(2, 1);
    }
    // Over all the training rows it is another number.
    expect(fit.roi().some((r) => Math.abs(r.mean! - 2) > 0.05)).toBe(true);
  });

  it("lift tests with ROI priors: the test's lift comes back, read through the derived coefficient", async () => {
    const model = "geometric+logistic";
    const sim = simulateDataset({ seed: 8, T: 60, channels: 2, extras: 0, model });
    const d = sim.dataset;
    const truth = sim.truth as Record<string, number[]>;
    const meanSpend = Array.from({ length: d.T }, (_, t) => d.media[2 * t]).reduce((a, b) => a + b, 0) / d.T;
    const targetMean = d.target.reduce((a, b) => a + b, 0) / d.T;
    // Twice the true lift of +50% spend on channel 0 at its mean spend (scaled media 1 -> 1.5),
    // with a 3% standard error: the data alone do not give it, the test must.
    const f = (v: number) => Math.tanh((truth.logistic_rate[0] * v) / 2);
    const lift = 2 * truth.coef_media[0] * (f(1.5) - f(1)) * targetMean;
    const test = { channel: d.channelNames[0], x: meanSpend, deltaX: 0.5 * meanSpend, deltaY: lift, sigma: 0.03 * lift };
    const sampler = { chains: 2, warmup: 200, samples: 100, seed: 5, threads: 0 };
    const plain = await fitMMM(d, { model, roiPrior: true, sampler });
    const calibrated = await fitMMM(d, { model, roiPrior: true, liftTests: [test], sampler });
    const before = plain.liftTestCheck([test])[0];
    const after = calibrated.liftTestCheck()[0];
    expect(before.calibrated).toBe(false);
    expect(after.calibrated).toBe(true);
    expect(Math.abs(before.z)).toBeGreaterThan(5);
    expect(Math.abs(after.z)).toBeLessThan(2);
    expect(calibrated.roi()[0].mean).toBeGreaterThan(plain.roi()[0].mean!);
  });

  it("refuses bad calibration settings, naming them", async () => {
    const sim = simulateDataset({ seed: 7, T: 30, channels: 2, extras: 0 });
    const sampler = { chains: 1, warmup: 10, samples: 10, threads: 0 };
    await expect(fitMMM(sim.dataset, { roiPrior: { calibrationRows: [10, 40] }, sampler })).rejects.toThrow(/calibrationRows \[10, 40\) goes past/);
    await expect(fitMMM(sim.dataset, { roiPrior: { calibrationDates: ["2020-01-01", "2020-02-01"] }, sampler })).rejects.toThrow(InputError);
    await expect(fitMMM(sim.dataset, { customPriors: { roi: { dist: "LogNormal", loc: 0, scale: 1 } }, sampler })).rejects.toThrow(/unknown parameter "roi"/);
  });
});
