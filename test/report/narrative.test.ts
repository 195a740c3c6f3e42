// The report's plain-words advice on divergences names the same next target
// acceptance as the sampler's own warning: the next step above the fit's own
// (national fits run at 0.95 by default, geo fits at 0.85).
import { beforeAll, describe, expect, it } from "vitest";
import { FittedMMM } from "../../src/api/fittedMMM.js";
import { narrative } from "../../src/report/narrative.js";
import { fitExample } from "./fixture.js";

describe("the report's advice on divergences", () => {
  let fit: FittedMMM;
  beforeAll(async () => {
    fit = await fitExample();
  });

  /** The fit with 3 divergent draws in its first chain, as run at `targetAccept`. */
  function diverged(targetAccept: number): FittedMMM {
    const rec = fit.record;
    const divergent = Uint8Array.from(rec.chains[0]!.stats.divergent, (_, i) => (i < 3 ? 1 : 0));
    const first = { ...rec.chains[0]!, stats: { ...rec.chains[0]!.stats, divergent } };
    return new FittedMMM({ ...rec, config: { ...rec.config, sampler: { ...rec.config.sampler, targetAccept } }, chains: [first, ...rec.chains.slice(1)] });
  }

  it.each([
    [0.85, "0.95"],
    [0.95, "0.98"],
  ])("at target acceptance %s suggests %s, as the sampler's warning does", (targetAccept, next) => {
    const f = diverged(targetAccept);
    const said = narrative(f).warnings.find((w) => w.includes("divergent transitions"));
    expect(said).toContain(`--target-accept ${next})`);
    expect(f.diagnostics().warnings.find((w) => w.includes("divergent transitions"))).toContain(`--target-accept ${next})`);
  });
});

describe("the report's advice when R-hat is high", () => {
  let fit: FittedMMM;
  beforeAll(async () => {
    fit = await fitExample();
  });

  /** The first chain's draws with the first parameter shifted by 3 from the half-way draw on. */
  function drifted(): FittedMMM["record"]["chains"][number] {
    const c = fit.record.chains[0]!;
    const dim = fit.layout.dim;
    const half = c.draws.length / dim / 2;
    return { ...c, draws: Float64Array.from(c.draws, (v, i) => (i % dim === 0 && i >= half * dim ? v + 3 : v)) };
  }

  it("sends several chains to the sampler's ordered steps, and one chain to more chains", () => {
    const rec = fit.record;
    const several = new FittedMMM({ ...rec, chains: [drifted(), ...rec.chains.slice(1)] });
    const many = narrative(several).warnings.find((w) => w.startsWith("The estimates have not fully settled"));
    expect(many).toMatch(/independent runs \(chains\) still disagree .* the technical warnings from the sampler \(below\) list what to try, in order/);
    const one = new FittedMMM({ ...rec, config: { ...rec.config, sampler: { ...rec.config.sampler, chains: 1 } }, chains: [drifted()] });
    const story = narrative(one);
    expect(story.oneChain).toBe(true);
    expect(story.warnings.find((w) => w.startsWith("The estimates have not fully settled"))).toMatch(/first and second halves of the model's single run \(chain\) disagree .* refit with several chains \(--chains 4\)/);
  });
});
