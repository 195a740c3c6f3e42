import { describe, expect, it } from "vitest";
import { NotConvergedError, fitMMM, simulateDataset, type FittedMMM } from "../../src/index.js";
import { lockstepChainsAgree } from "../../src/diagnostics/index.js";

// Lockstep chains that disagree after their draws go on, as NUTS chains do,
// by their own rule (nested R-hat < 1.01, R-hat < 1.05), up to max samples;
// a fit still disagreeing at the cap is refused and says how far it went.
describe("lockstep draws until the chains agree", () => {
  const sim = simulateDataset({ seed: 4, T: 40, channels: 2, extras: 0 });
  const base = { chains: 8, seed: 2, backend: "cpu" as const, method: "chees" as const, threads: 0 };

  it("goes on in blocks of the draws asked for while the chains disagree, with the draws of a fit that asked for them all", async () => {
    // 10 draws a chain: nested R-hat over 8 one-chain superchains is at least sqrt(1 + 1/10), above 1.01.
    const outcome = await fitMMM(sim.dataset, { sampler: { ...base, warmup: 150, samples: 10, maxSamples: 300 } }).then(
      (fit) => ({ fit, refused: false }),
      (e: unknown) => {
        if (!(e instanceof NotConvergedError)) throw e;
        return { fit: e.fit as FittedMMM, refused: true };
      },
    );
    const d = outcome.fit.diagnostics();
    const ext = d.extension!;
    expect(ext.asked).toBe(10);
    expect(ext.most).toBe(300);
    expect(ext.nested_r_hat).toHaveLength(ext.r_hat.length);
    expect(ext.r_hat.length).toBeGreaterThan(1);
    const agree = (k: number) => lockstepChainsAgree(ext.nested_r_hat![k], ext.r_hat[k]!);
    for (let k = 0; k + 1 < ext.r_hat.length; k++) expect(agree(k)).toBe(false);
    expect(d.draws).toBe(Math.min(300, 10 * ext.r_hat.length));
    // Returned exactly when the last check agreed; refused only at the cap.
    expect(outcome.refused).toBe(!agree(ext.r_hat.length - 1));
    if (outcome.refused) expect(d.draws).toBe(300);
    // The last check read the fit's own diagnostics.
    expect(d.max_r_hat).toBe(ext.r_hat.at(-1));
    expect(d.nested_r_hat).toBe(ext.nested_r_hat!.at(-1));
    // The same draws as a fit asking for that many from the start.
    const whole = await fitMMM(sim.dataset, { sampler: { ...base, warmup: 150, samples: d.draws } }).catch((e: unknown) => (e as NotConvergedError).fit as FittedMMM);
    expect(whole.diagnostics().extension).toBeUndefined();
    outcome.fit.record.chains.forEach((c, k) => expect(c.draws).toEqual(whole.record.chains[k]!.draws));
  }, 60_000);

  it("refuses chains still disagreeing at the cap, saying how far they went", async () => {
    // Five warm-up iterations leave chains started apart disagreeing however long they go on.
    const error = await fitMMM(sim.dataset, { sampler: { ...base, warmup: 5, samples: 20, maxSamples: 60, initJitter: 2 } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotConvergedError);
    const e = error as NotConvergedError;
    expect(e.message).toMatch(/They went on while they disagreed, to 60 draws each \(at most 60\)/);
    expect(e.message).toMatch(/--max-samples 120/);
    const d = (e.fit as FittedMMM).diagnostics();
    expect(d.draws).toBe(60);
    expect(d.extension!.nested_r_hat).toHaveLength(3);
  }, 60_000);
});
