/**
 * The posteriordb reference posteriors (see posteriordb.test.ts) with the
 * low-rank plus diagonal warm-up ("lowrank") and its every-direction form
 * ("fisher-dense"), at the first seed of the existing runs.
 */
import { describe, it } from "vitest";
import type { AdaptationKind } from "../../src/sampler/index.js";
import { checkAgainstReference } from "./helpers/referenceCheck.js";
import { REFERENCE_MODELS, posteriordbAvailable } from "./models/posteriordb.js";

const RUNS: Array<{ adaptation: AdaptationKind; seed: number }> = [
  { adaptation: "lowrank", seed: 20240601 },
  { adaptation: "fisher-dense", seed: 20240601 },
];

describe.skipIf(!posteriordbAvailable())("posteriordb reference posteriors, low-rank metrics: 4 chains x 1000 + 1000", () => {
  const cases = RUNS.flatMap((r) => REFERENCE_MODELS.map((mk) => [`${mk.name.split("-")[0]} (${r.adaptation})`, mk, r] as const));
  it.each(cases)("%s recovers the reference means and sds", async (_label, mk, { adaptation, seed }) => {
    await checkAgainstReference(mk(), adaptation, seed);
  });
});
