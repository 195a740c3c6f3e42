import { expect } from "vitest";
import type { AdaptationKind } from "../../../src/sampler/index.js";
import { loadSummary, type ReferenceModel } from "../models/posteriordb.js";
import { runChainsAnyWarmup } from "./run.js";

/** The posteriordb reference draws: 10 chains x 1000 near-independent draws. */
const REFERENCE_ESS = 10_000;

/**
 * 4 chains x (1000 warm-up + 1000 draws) of a posteriordb model must recover
 * the reference means (within 0.25 sd and 4 combined MCSE) and sds (4 MCSE),
 * with split R-hat < 1.01 and at most 4 divergences.
 */
export async function checkAgainstReference(model: ReferenceModel, adaptation: AdaptationKind, seed: number): Promise<void> {
  const ref = loadSummary(model.name);
  const run = await runChainsAnyWarmup(model.density, { seed, adaptation, targetAccept: model.targetAccept }, 4, model);
  const lines: string[] = [];
  model.names.forEach((name, j) => {
    const s = run.summaries[j]!;
    const r = ref[name]!;
    const seMean = Math.hypot(s.mcseMean, r.sd / Math.sqrt(REFERENCE_ESS));
    const seSd = Math.hypot(s.mcseSd, r.sd / Math.sqrt(2 * REFERENCE_ESS));
    lines.push(
      `${name}: mean ${s.mean.toPrecision(4)} (ref ${r.mean.toPrecision(4)}, z ${((s.mean - r.mean) / seMean).toFixed(2)}), ` +
        `sd ${s.sd.toPrecision(4)} (ref ${r.sd.toPrecision(4)}, z ${((s.sd - r.sd) / seSd).toFixed(2)}), rhat ${s.rhat.toFixed(4)}`,
    );
    expect.soft(Math.abs(s.mean - r.mean), `${name} mean vs 0.25 sd`).toBeLessThan(0.25 * r.sd);
    expect.soft(Math.abs(s.mean - r.mean), `${name} mean vs 4 MCSE`).toBeLessThan(4 * seMean);
    expect.soft(Math.abs(s.sd - r.sd), `${name} sd vs 4 MCSE`).toBeLessThan(4 * seSd);
    expect.soft(s.rhat, `${name} split R-hat`).toBeLessThan(1.01);
  });
  console.log(
    `[${model.name} ${adaptation}] leapfrog/draw ${run.leapfrogPerDraw.toFixed(1)}, divergences ${run.divergences}, ` +
      `warm-up gradients ${run.warmupGradients}\n  ${lines.join("\n  ")}`,
  );
  expect(run.divergences).toBeLessThanOrEqual(4);
}
