import { beforeAll, describe, expect, it } from "vitest";
import { runChains } from "../../src/services/runChains.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { SamplingCoordinates, type Parameterisation } from "../../src/model/samplingCoordinates.js";
import { simulateGeoDataset } from "../../src/simulate/simulate.js";
import { summarizeTrace, type NamedSummaryRow } from "../../src/diagnostics/index.js";

// The geo coordinates change how the sampler moves, not what it samples: geo
// fits in them give the posterior of the model's own coordinates within Monte
// Carlo error. Data simulated from the geo model itself (3 geos, 2 channels).
describe("geo posterior unchanged by the sampling coordinates", () => {
  const sim = simulateGeoDataset({ seed: 12, T: 104, channels: 2, geos: 3, extras: 1, noise: 0.03 });
  const layout = new ParameterLayout(sim.structure);

  /**
   * 4 chains x (1000 + 1000) in the given coordinates; the summary of the draws mapped to the model's.
   * The default fit's length (the file took 1000 + 2000 before, over the suite's 10 minutes): the
   * comparison is in Monte Carlo standard errors, valid at any length once R-hat says converged.
   */
  async function fit(parameterisation: Parameterisation): Promise<NamedSummaryRow[]> {
    const density = { kind: "mmm" as const, structure: sim.structure, data: sim.data, parameterisation };
    const map = new SamplingCoordinates(layout, sim.data.T, parameterisation);
    const start = new Float64Array(layout.dim);
    map.fromModel(layout.medianPoint(), start);
    const run = await runChains({
      density,
      chains: 4,
      seed: 5,
      initialPosition: () => start,
      chainOptions: { numWarmup: 1000, numDraws: 1000, initRadius: 0.5, targetAccept: 0.85 },
    });
    const dim = layout.dim;
    const u = new Float64Array(dim);
    const constrained = run.chains.map((c) => {
      const out = new Float64Array(c.numDraws * dim);
      for (let d = 0; d < c.numDraws; d++) {
        map.toModel(c.draws.subarray(d * dim, (d + 1) * dim), u);
        layout.constrainFlat(u, out.subarray(d * dim, (d + 1) * dim));
      }
      return out;
    });
    return summarizeTrace(constrained, dim, layout.labels());
  }

  const maxRhat = (rows: NamedSummaryRow[]) => Math.max(...rows.map((r) => r.rhat));

  let base: NamedSummaryRow[];
  beforeAll(async () => {
    base = await fit("model");
  }, 1_800_000);

  it("the model's own coordinates converge here (else the comparison means nothing)", () => {
    expect(maxRhat(base)).toBeLessThan(1.01);
  });

  // Two fits cover the four geo pieces (noncentred, media, season, trend);
  // each piece's density is checked exactly in test/density.
  for (const kind of ["noncentred+media+season", "trend+noncentred+season"] as const) {
    it(`${kind} against the model's coordinates`, async () => {
      const other = await fit(kind);
      let worst = { z: 0, name: "" };
      for (let i = 0; i < base.length; i++) {
        const z = Math.abs(base[i].mean - other[i].mean) / Math.hypot(base[i].mcseMean, other[i].mcseMean);
        if (z > worst.z) worst = { z, name: base[i].name };
      }
      console.log(`${kind}: max R-hat ${maxRhat(other).toFixed(3)}; worst |mean difference| ${worst.z.toFixed(2)} MCSE (${worst.name}) over ${base.length} parameters`);
      expect(maxRhat(other)).toBeLessThan(1.01);
      // About 30 parameters: |z| > 4 has probability ~2e-3 between two exact samplers.
      expect(worst.z).toBeLessThan(4);
    }, 1_800_000);
  }
});
