import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { contributionPass } from "../../src/analysis/contributions.js";
import { intervalOf } from "../../src/analysis/intervals.js";
import { composedPairsUnderTest } from "./composedPairs.js";

// Parameter recovery for adstock x saturation pairs: data simulated from the
// model with known parameters (simulate/simulate.ts TRUTH_RANGE, cut to the
// central 80% of each default prior: truthInPriorMass), the truth inside the
// 94% HDI for the clear majority of parameters, at two seeds. Which pairs:
// composedPairs.ts (a covering set by default; MMM_ALL_PAIRS=1 for all 35).
// With the ranges alone, 68 of 70 fits passed over all 35 pairs; with the
// truths in the priors' mass, 69 of 70 (MMM_ALL_PAIRS=1, 2026-12-04):
// geometric+root at seed 31 misses the media-share check (0.144) with 16 of
// 18 truths inside and the share's truth inside its 94% interval: a weakly
// identified baseline/media split, measured in docs/transforms.md; not a
// defect, and the test is left as it was.
const models = composedPairsUnderTest();

describe("parameter recovery, every adstock x saturation pair", () => {
  for (const model of models) {
    for (const seed of [31, 32]) {
      it(`${model}, seed ${seed}`, async () => {
        const sim = simulateDataset({ seed, T: 104, channels: 3, extras: 1, model, truthInPriorMass: true });
        const fit = await fitMMM(sim.dataset, { model, sampler: { chains: 4, warmup: 400, samples: 250, seed } });
        const truth = fit.layout.readValues(sim.truth);
        const rows = fit.summary();
        const inside = rows.filter((r, i) => truth[i] >= r["hdi_3%"] && truth[i] <= r["hdi_97%"]);
        const missed = rows
          .map((r, i) => ({ r, truth: truth[i] }))
          .filter(({ r, truth: v }) => !(v >= r["hdi_3%"] && v <= r["hdi_97%"]))
          .map(({ r, truth: v }) => `${r.name} ${v.toFixed(3)} [${r["hdi_3%"].toFixed(3)}, ${r["hdi_97%"].toFixed(3)}]`);
        const d = fit.diagnostics();
        // The total media share draw by draw (the check below reads its posterior mean).
        const pass = contributionPass(fit.record);
        const T = fit.record.trainRows;
        const C = sim.dataset.channelNames.length;
        const share = new Float64Array(pass.n);
        for (let k = 0; k < pass.n; k++) {
          let media = 0;
          let total = 0;
          for (let t = 0; t < T; t++) {
            total += pass.totalMean[k * T + t];
            for (let c = 0; c < C; c++) media += pass.totalMedia[(k * T + t) * C + c];
          }
          share[k] = media / total;
        }
        const sh = intervalOf(share);
        const c = fit.contributions();
        const fitted = c.totals.media.reduce((a, m) => a + m.share, 0);
        const trueShare = sim.mediaShare.reduce((a, b) => a + b, 0);
        console.log(
          `recovery ${model} seed ${seed}: ${inside.length}/${rows.length} inside; media share truth ${trueShare.toFixed(3)}, checked ${fitted.toFixed(3)} (draws ${sh.mean.toFixed(3)} [${sh["hdi_3%"].toFixed(3)}, ${sh["hdi_97%"].toFixed(3)}]); max R-hat ${d.max_r_hat.toFixed(3)}, divergences ${d.divergences}; missed (truth [94% HDI]): ${missed.join("; ")}`,
        );
        expect(inside.length / rows.length).toBeGreaterThanOrEqual(0.75);
        expect(Math.abs(fitted - trueShare)).toBeLessThan(0.1);
      });
    }
  }
});
