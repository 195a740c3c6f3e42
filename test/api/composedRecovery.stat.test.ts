import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { composedPairsUnderTest } from "./composedPairs.js";

// Parameter recovery for adstock x saturation pairs: data simulated from the
// model with known parameters (simulate/simulate.ts TRUTH_RANGE), the truth
// inside the 94% HDI for the clear majority of parameters, at two seeds.
// Which pairs: composedPairs.ts (a covering set by default; MMM_ALL_PAIRS=1
// for all 35). Measured over all 35 pairs x 2 seeds when this was written:
// 68 of 70 pass; weibull_cdf+exponent at seed 31 (15 of 21 parameters
// inside) and geometric+root at seed 31 (media share off by 0.149) do not:
// a prior-data conflict built into the simulation and a weakly identified
// baseline/media split, measured in docs/transforms.md ("The two recovery
// misses"); neither is a defect, and the test is left as it was.
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
        const missed = rows.filter((r, i) => !(truth[i] >= r["hdi_3%"] && truth[i] <= r["hdi_97%"])).map((r) => r.name);
        const d = fit.diagnostics();
        console.log(
          `recovery ${model} seed ${seed}: ${inside.length}/${rows.length} inside; max R-hat ${d.max_r_hat.toFixed(3)}, divergences ${d.divergences}; missed ${missed.join(", ")}`,
        );
        expect(inside.length / rows.length).toBeGreaterThanOrEqual(0.75);
        const c = fit.contributions();
        const fitted = c.totals.media.reduce((a, m) => a + m.share, 0);
        const trueShare = sim.mediaShare.reduce((a, b) => a + b, 0);
        expect(Math.abs(fitted - trueShare)).toBeLessThan(0.1);
      });
    }
  }
});
