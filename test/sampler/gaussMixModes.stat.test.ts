/**
 * posteriordb's low_dim_gauss_mix has a minor mode (mean log-density about
 * -1640 against -1188 in the main one) that a chain can settle in for a whole
 * run. Measured over seeds 20240601-20240616 (4 chains x 1000 + 1000, Stan's
 * uniform(-2, 2) start, target accept 0.8): a chain ended there with
 * nutpie-diag at 3 seeds (20240602, 20240603, 20240610), never with
 * stan-diag, dense or pooled-diag (0 of 16 each); with lowrank at 2 seeds
 * (20240606, 20240610) and fisher-dense at 1 (20240606), which share
 * nutpie-diag's schedule (start from 1/|grad|, metric from the last 10-20
 * draws early on). The mode is not absorbing: a
 * chain started at that chain's last draw left it under every warm-up tried
 * (nutpie-diag and stan-diag, seed 7), so nutpie-diag's failures come from its
 * early adaptation path. posteriordb.test.ts runs nutpie-diag at a seed that
 * is not one of the three (lowRankPosteriordb.stat.test.ts runs lowrank and
 * fisher-dense at 20240601, the first seed); this file keeps failing ones in view.
 */
import { describe, expect, it } from "vitest";
import { sampleChain, type ChainResult } from "../../src/samplerApi.js";
import { gaussMix, posteriordbAvailable } from "./models/posteriordb.js";

const meanLogp = (c: ChainResult) => c.stats.logp.reduce((a, b) => a + b, 0) / c.numDraws;

describe.skipIf(!posteriordbAvailable())("gaussMix's minor mode", () => {
  const model = gaussMix();
  const dim = model.density.dim;
  const base = { targetAccept: model.targetAccept, numWarmup: 1000, numDraws: 1000 };

  it("holds one of nutpie-diag's chains at seed 20240602 (one of the 3 failing seeds of 16)", () => {
    const chains = [0, 1, 2, 3].map((chainId) =>
      sampleChain(model.density, { ...base, seed: 20240602, chainId, adaptation: "nutpie-diag", initRadius: 2, initialPosition: new Float64Array(dim) }),
    );
    const lp = chains.map(meanLogp);
    expect(lp.filter((v) => v < -1500)).toHaveLength(1);
    expect(lp.filter((v) => v > -1200)).toHaveLength(3);
  });

  it("holds a lowrank chain at seed 20240606 (one of its 2 failing seeds of 16)", () => {
    const chains = [0, 1, 2, 3].map((chainId) =>
      sampleChain(model.density, { ...base, seed: 20240606, chainId, adaptation: "lowrank", initRadius: 2, initialPosition: new Float64Array(dim) }),
    );
    const lp = chains.map(meanLogp);
    expect(lp.filter((v) => v < -1500).length).toBeGreaterThanOrEqual(1);
    expect(lp.filter((v) => v > -1200).length).toBeGreaterThanOrEqual(1);
  });
});
