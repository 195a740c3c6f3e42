// Pathfinder on posteriordb references: its importance-weighted draws must
// lie near the reference posterior means (within a quarter of a posterior
// sd, the first criterion the NUTS reference checks use).
import { describe, expect, it } from "vitest";
import { pathfinderStarts } from "../../src/sampler/pathfinder/pathfinder.js";
import { arK, kidiq, loadSummary, posteriordbAvailable } from "./models/posteriordb.js";

describe.skipIf(!posteriordbAvailable())("Pathfinder on posteriordb references", () => {
  for (const make of [kidiq, arK]) {
    const model = make();
    it(`${model.name}: weighted draws near the reference means`, () => {
      const ref = loadSummary(model.name);
      const r = pathfinderStarts(model.density, 4, { seed: 1 });
      expect(r.paths.every((p) => !p.failure)).toBe(true);
      let max = -Infinity;
      for (const v of r.logWeights) max = Math.max(max, v);
      const w = Array.from(r.logWeights, (v) => (Number.isFinite(v) ? Math.exp(v - max) : 0));
      const total = w.reduce((a, b) => a + b, 0);
      const out = new Float64Array(model.names.length);
      const mean = new Float64Array(model.names.length);
      r.draws.forEach((x, k) => {
        model.constrain(x, out);
        for (let j = 0; j < out.length; j++) mean[j]! += (w[k]! / total) * out[j]!;
      });
      const z = model.names.map((name, j) => (mean[j]! - ref[name]!.mean) / ref[name]!.sd);
      console.log(model.name, { k: r.paretoK, evaluations: r.evaluations, z: z.map((v) => +v.toFixed(3)) });
      for (const v of z) expect(Math.abs(v)).toBeLessThan(0.25);
    });
  }
});
