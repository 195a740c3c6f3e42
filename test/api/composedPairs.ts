// Which adstock x saturation pairs the slow statistical sweeps fit (recovery,
// and the end-to-end paths national and geo).
//
// Every pair (5 adstocks x 7 saturations, two seeds each) takes about 15
// minutes on 2 idle cores for recovery alone, and the two end-to-end files
// about 2 more, over the suite's budget, so by default the sweeps
// fit a covering set fixed by rule, not by results: saturation i with
// adstock i mod 5, which names every adstock and every saturation at least
// once. MMM_ALL_PAIRS=1 fits every pair; MODELS=a+b,... names a subset.
import { ADSTOCK_NAMES, SATURATION_NAMES, composedName } from "../../src/model/modelChoice.js";
import type { ModelName } from "../../src/model/structure.js";

export function composedPairsUnderTest(): ModelName[] {
  const all = ADSTOCK_NAMES.flatMap((a) => SATURATION_NAMES.map((s) => composedName(a, s)));
  const only = process.env.MODELS?.split(",");
  if (only) return all.filter((m) => only.includes(m));
  if (process.env.MMM_ALL_PAIRS === "1") return all;
  return SATURATION_NAMES.map((s, i) => composedName(ADSTOCK_NAMES[i % ADSTOCK_NAMES.length]!, s));
}
