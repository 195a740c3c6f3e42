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
