import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { mediaTransformReference } from "../../src/density/transformReference.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import type { ModelName } from "../../src/model/structure.js";

// Parameter recovery under ROI priors (Meridian's default LogNormal(0.2,
// 0.9) on each channel's ROI): data simulated from the model with known
// parameters; at two seeds, the truth inside the 94% HDI for at least 75% of
// the parameters (the coefficients are the derived ones, as every recovery
// test here) and at least 2 of the 3 channels' true ROIs inside their 94%
// intervals: a calibrated posterior meets that with probability 0.99
// (1 - 0.06^3 - 3 0.06^2 0.94), while "all three" it would miss one fit in
// six, and "all twelve ROIs of the four fits" half the time (0.94^12 = 0.48).
//
// The true ROIs are where the prior has its mass, as every recovery test here
// draws its truth (composedRecovery: "a truth where that prior has its
// mass"): exp(0.2 + 0.9 z), z uniform in [-1, 1] (the prior's central 68%).
// History (docs/roi-priors.md): a first version kept the simulation's
// coefficient draws, whose ROIs ignore the prior: 4 of its 12 true ROIs were
// 0.17 to 0.37 (the prior's 1.4% to 10% quantiles), the prior pulled them up
// (0.21 fitted 1.09, 0.17 fitted 0.72) and 2 of 4 fits failed, a prior-data
// conflict by construction. A second version asked for every ROI inside its
// interval; it failed where one of three ROIs fell just outside (true 1.56
// against [1.60, 3.07]; 1.47 against [0.73, 1.43]) and flipped with the
// last bits of the kernels: a criterion that is wrong half the time for a
// perfect method, replaced by the one above.
import { mulberry32 } from "../helpers/random.js";

function roiTruth(seed: number, C: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: C }, () => Math.exp(0.2 + 0.9 * (2 * rand() - 1)));
}

function trueRoi(sim: ReturnType<typeof simulateDataset>): number[] {
  const { dataset, structure, truth } = sim;
  const C = dataset.channelNames.length;
  const T = dataset.T;
  const targetMean = dataset.target.reduce((a, b) => a + b, 0) / T;
  return dataset.channelNames.map((_, c) => {
    const column = Array.from({ length: T }, (_, t) => dataset.media[t * C + c]);
    const mean = column.reduce((a, b) => a + b, 0) / T;
    const f = mediaTransformReference(structure, column.map((v) => v / mean), (name) => (truth[name] as number[])[c]);
    const coef = (truth.coef_media as number[])[c];
    return (coef * f.reduce((a, b) => a + b, 0) * targetMean) / column.reduce((a, b) => a + b, 0);
  });
}

describe("parameter recovery with ROI priors", () => {
  for (const model of ["hill_adstock", "geometric+logistic"] as ModelName[]) {
    for (const seed of [41, 42]) {
      it(`${model}, seed ${seed}`, async () => {
        const sim = simulateDataset({ seed, T: 104, channels: 3, extras: 1, model, roi: roiTruth(seed, 3) });
        const fit = await fitMMM(sim.dataset, { model, roiPrior: true, sampler: { chains: 4, warmup: 400, samples: 250, seed } });
        const truth = fit.layout.readValues(sim.truth);
        const rows = fit.summary();
        const inside = rows.filter((r, i) => truth[i] >= r["hdi_3%"] && truth[i] <= r["hdi_97%"]);
        const missed = rows.filter((r, i) => !(truth[i] >= r["hdi_3%"] && truth[i] <= r["hdi_97%"])).map((r) => r.name);
        const roi = fit.roi();
        const want = trueRoi(sim);
        // The simulation gives the ROIs asked for (an independent computation from its truth).
        roiTruth(seed, 3).forEach((r, c) => expect(want[c] / r).toBeCloseTo(1, 6));
        const d = fit.diagnostics();
        console.log(
          `roi recovery ${model} seed ${seed}: ${inside.length}/${rows.length} inside; ROI true ${want.map((v) => v.toFixed(2)).join(", ")} fitted ${roi
            .map((r) => `${r.mean!.toFixed(2)} [${r["hdi_3%"]!.toFixed(2)}, ${r["hdi_97%"]!.toFixed(2)}]`)
            .join(", ")}; max R-hat ${d.max_r_hat.toFixed(3)}, divergences ${d.divergences}; missed ${missed.join(", ")}`,
        );
        expect(inside.length / rows.length).toBeGreaterThanOrEqual(0.75);
        const roiInside = roi.filter((r, c) => want[c] >= r["hdi_3%"]! && want[c] <= r["hdi_97%"]!).length;
        expect(roiInside).toBeGreaterThanOrEqual(2);
      });
    }
  }
});
