import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { buildReportHtml } from "../../src/report/report.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import type { LiftTest } from "../../src/model/liftTests.js";

describe("lift tests after a fit: the model's lift against the measured one", () => {
  const sim = simulateDataset({ seed: 3, T: 40, channels: 2, extras: 0, model: "geometric+logistic" });
  const tests: LiftTest[] = [
    { channel: sim.dataset.channelNames[1], x: 5000, deltaX: 2500, deltaY: 900, sigma: 150, dateStart: "2024-01-01", dateEnd: "2024-01-28" },
  ];
  let fit: FittedMMM;
  beforeAll(async () => {
    fit = await fitMMM(sim.dataset, { model: "geometric+logistic", liftTests: tests, sampler: { chains: 2, warmup: 100, samples: 50, seed: 2, threads: 0 } });
  });

  it("computes each draw's lift in the user's units, and knows the fit was calibrated on the test", () => {
    const [check] = fit.liftTestCheck();
    expect(check.calibrated).toBe(true);
    expect(check.measured).toBe(900);
    // Independently: coef (tanh(lam v1 / 2) - tanh(lam v0 / 2)) times the target's scaler, v = spend / the channel's scaler.
    const { scalers } = fit.record;
    const labels = fit.layout.labels();
    const ci = labels.indexOf("coef_media[1]");
    const li = labels.indexOf("logistic_rate[1]");
    let sum = 0;
    let n = 0;
    for (const chain of fit.constrainedDraws()) {
      for (let i = 0; i < chain.length / fit.layout.dim; i++) {
        const x = chain.subarray(i * fit.layout.dim, (i + 1) * fit.layout.dim);
        const f = (v: number) => Math.tanh((x[li] * v) / scalers.media[1] / 2);
        sum += x[ci] * (f(7500) - f(5000)) * scalers.target;
        n++;
      }
    }
    expect(check.model.mean).toBeCloseTo(sum / n, 6);
    expect(check.z).toBeCloseTo((check.model.mean - 900) / 150, 12);
    // The same test given to the check but not in the fit: not calibrated.
    expect(fit.liftTestCheck([{ ...tests[0], deltaY: 800 }])[0].calibrated).toBe(false);
  });

  it("the report shows the table", async () => {
    const html = await buildReportHtml(fit, { generatedAt: new Date("2025-01-01T00:00:00Z"), budget: false });
    expect(html).toContain('id="lift-table"');
    expect(html).toContain("2024-01-01 to 2024-01-28");
    expect(html).toContain("after calibration");
  });
});
