import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import type { Parameterisation } from "../../src/model/samplingCoordinates.js";

// The sampler's coordinates change how it moves, not what it samples: fits in
// the new coordinates give the posterior of the model's own coordinates
// within Monte Carlo error, reported under the model's names and scale.
describe("posterior unchanged by the sampling coordinates", () => {
  const sim = simulateDataset({ seed: 31, T: 104, channels: 2, extras: 1 });
  const fit = (parameterisation: Parameterisation) =>
    fitMMM(sim.dataset, { sampler: { chains: 4, warmup: 800, samples: 1000, seed: 5, parameterisation } });

  /** Largest |mean difference| / its Monte Carlo standard error over the parameters. */
  function worstZ(a: FittedMMM, b: FittedMMM): { z: number; name: string } {
    const ra = a.summary();
    const rb = b.summary();
    let worst = { z: 0, name: "" };
    for (let i = 0; i < ra.length; i++) {
      expect(rb[i].name).toBe(ra[i].name);
      const z = Math.abs(ra[i].mean - rb[i].mean) / Math.hypot(ra[i].mcse_mean, rb[i].mcse_mean);
      if (z > worst.z) worst = { z, name: ra[i].name };
    }
    return worst;
  }

  let base: FittedMMM;
  beforeAll(async () => {
    base = await fit("model");
  }, 900_000);

  it("the model's own coordinates converge here (else the comparison means nothing)", () => {
    expect(base.diagnostics().max_r_hat).toBeLessThan(1.01);
  });

  for (const kind of ["trend", "trend+hill", "trend+baseline"] as const) {
    it(`${kind} against the model's coordinates`, async () => {
      const other = await fit(kind);
      const d = other.diagnostics();
      const w = worstZ(base, other);
      console.log(`${kind}: max R-hat ${d.max_r_hat.toFixed(3)}; worst |mean difference| ${w.z.toFixed(2)} MCSE (${w.name})`);
      expect(d.max_r_hat).toBeLessThan(1.01);
      // About 20 parameters: |z| > 4 has probability ~1e-3 between two exact samplers.
      expect(w.z).toBeLessThan(4);
      // Draws are stored in the model's coordinates: the same support and names.
      const x = other.constrainedDraws()[0];
      const e = other.layout.offsetOf("expo_trend");
      for (let i = 0; i < 1000; i++) expect(x[i * other.layout.dim + e]).toSatisfy((v: number) => v > 0.5 && v < 1.5);
    }, 900_000);
  }
});
