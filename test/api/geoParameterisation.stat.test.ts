import { beforeAll, describe, expect, it } from "vitest";
import { fitGeoMMM } from "../../src/api/fitGeoMMM.js";
import type { FittedGeoMMM } from "../../src/api/fittedGeoMMM.js";
import type { Parameterisation } from "../../src/model/samplingCoordinates.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";

// The geo coordinates change how the sampler moves, not what it samples: geo
// fits in them give the posterior of the model's own coordinates within Monte
// Carlo error, reported under the model's names and scale.
describe("geo posterior unchanged by the sampling coordinates", () => {
  const { dataset } = makeGeoTestData({ G: 3, T: 104, C: 2, extras: 1, seed: 8 });
  const fit = (parameterisation: Parameterisation) =>
    fitGeoMMM(dataset, { sampler: { chains: 4, warmup: 800, samples: 1000, seed: 5, parameterisation } });

  /** Largest |mean difference| / its Monte Carlo standard error over the parameters. */
  function worstZ(a: FittedGeoMMM, b: FittedGeoMMM): { z: number; name: string; count: number } {
    const ra = a.summary();
    const rb = b.summary();
    let worst = { z: 0, name: "", count: ra.length };
    for (let i = 0; i < ra.length; i++) {
      expect(rb[i].name).toBe(ra[i].name);
      const z = Math.abs(ra[i].mean - rb[i].mean) / Math.hypot(ra[i].mcse_mean, rb[i].mcse_mean);
      if (z > worst.z) worst = { z, name: ra[i].name, count: ra.length };
    }
    return worst;
  }

  let base: FittedGeoMMM;
  beforeAll(async () => {
    base = await fit("model");
  }, 1_800_000);

  it("the model's own coordinates converge here (else the comparison means nothing)", () => {
    expect(base.diagnostics().max_r_hat).toBeLessThan(1.01);
  });

  for (const kind of ["noncentred+media+season", "trend+noncentred+season"] as const) {
    it(`${kind} against the model's coordinates`, async () => {
      const other = await fit(kind);
      const d = other.diagnostics();
      const w = worstZ(base, other);
      console.log(`${kind}: max R-hat ${d.max_r_hat.toFixed(3)}; worst |mean difference| ${w.z.toFixed(2)} MCSE (${w.name}) over ${w.count} parameters`);
      expect(d.max_r_hat).toBeLessThan(1.01);
      // About 40 parameters: |z| > 4 has probability ~3e-3 between two exact samplers.
      expect(w.z).toBeLessThan(4);
      // Draws are stored in the model's coordinates: coef_seasonality and expo_trend on their own support.
      const x = other.constrainedDraws()[0];
      const dim = other.layout.dim;
      const e = other.layout.offsetOf("expo_trend");
      for (let i = 0; i < 1000; i++) expect(x[i * dim + e]).toSatisfy((v: number) => v > 0.5 && v < 1.5);
    }, 1_800_000);
  }
});
