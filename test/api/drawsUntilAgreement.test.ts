import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { ESS_PER_CHAIN, RHAT_LIMIT } from "../../src/diagnostics/index.js";
import { simulateDataset } from "../../src/simulate/simulate.js";

// A fit whose chains disagree after their draws goes on, each chain from where
// it is, while they disagree and up to max samples (api/drawsUntilAgreement.ts).
describe("draws until the chains agree", () => {
  const sim = simulateDataset({ seed: 5, T: 60, channels: 2, extras: 0 });
  const base = { chains: 3, warmup: 120, seed: 4 };

  it("goes on in blocks of the draws asked for until R-hat <= 1.01 and ESS >= 100 per chain, up to max samples, with the draws of a fit that asked for them all", async () => {
    // 15 draws a chain are too few for 100 effective draws a chain.
    const fit = await fitMMM(sim.dataset, { sampler: { ...base, samples: 15, maxSamples: 600, threads: 0 } });
    const d = fit.diagnostics();
    const ext = d.extension!;
    expect(ext.asked).toBe(15);
    expect(ext.most).toBe(600);
    expect(ext.r_hat.length).toBeGreaterThan(1);
    expect(ext.min_ess).toHaveLength(ext.r_hat.length);
    const agree = (k: number) => ext.r_hat[k]! <= RHAT_LIMIT && ext.min_ess[k]! >= ESS_PER_CHAIN * 3;
    for (let k = 0; k + 1 < ext.r_hat.length; k++) expect(agree(k)).toBe(false);
    expect(d.draws).toBe(Math.min(600, 15 * ext.r_hat.length));
    if (d.draws < 600) expect(agree(ext.r_hat.length - 1)).toBe(true);
    // The last check read the summary's own R-hat and ESS.
    const summary = fit.summary();
    expect(d.max_r_hat).toBe(ext.r_hat.at(-1));
    expect(Math.min(...summary.map((r) => Math.min(r.ess_bulk, r.ess_tail)))).toBe(ext.min_ess.at(-1));
    for (const c of fit.record.chains) expect(c.numDraws).toBe(d.draws);
    // The same draws as a fit asking for that many at the start, in workers too.
    const whole = await fitMMM(sim.dataset, { sampler: { ...base, samples: d.draws, threads: 2 } });
    expect(whole.diagnostics().extension).toBeUndefined();
    fit.record.chains.forEach((c, k) => {
      const w = whole.record.chains[k]!;
      expect(Buffer.from(c.draws.buffer, c.draws.byteOffset, c.draws.byteLength).equals(Buffer.from(w.draws.buffer, w.draws.byteOffset, w.draws.byteLength))).toBe(true);
      expect(c.gradientEvaluations).toEqual(w.gradientEvaluations);
    });
    // At the cap and still disagreeing, the warnings say so and offer more.
    if (d.draws === 600) expect(d.warnings.join("\n")).toMatch(/--max-samples 1200; they went on to 600 draws each/);
  });

  it("is off for draws asked for exactly, and for tempering's ladders", async () => {
    const exact = await fitMMM(sim.dataset, { sampler: { ...base, samples: 15, threads: 0 } });
    expect(exact.diagnostics().draws).toBe(15);
    expect(exact.diagnostics().extension).toBeUndefined();
    const tempered = await fitMMM(sim.dataset, { sampler: { ...base, samples: 15, maxSamples: 75, tempering: 2, threads: 0 } });
    expect(tempered.diagnostics().draws).toBe(15);
    expect(tempered.diagnostics().extension).toBeUndefined();
  });
});
