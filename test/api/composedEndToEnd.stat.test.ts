import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { buildReportHtml } from "../../src/report/report.js";
import { parseCsv } from "../../src/io/csv.js";
import { datasetFromTable } from "../../src/io/datasetTable.js";
import { EXAMPLE_COLUMNS } from "../../src/model/example.js";
import { composedPairsUnderTest } from "./composedPairs.js";

// Each adstock x saturation pair under test fits the bundled example and goes through
// what a user does next: ROI, response curves, the budget optimizer and the
// HTML report. Short chains: this checks the path, not the posterior
// (composedRecovery.stat.test.ts does that); geo models: composedGeo.stat.test.ts.
// The pairs of composedPairs.ts: a covering set (every adstock and every
// saturation) by default, MMM_ALL_PAIRS=1 for all 35, MODELS=a+b,... a subset.
const models = composedPairsUnderTest();
const example = datasetFromTable(parseCsv(readFileSync(EXAMPLE_COLUMNS.file, "utf8"), EXAMPLE_COLUMNS.file), EXAMPLE_COLUMNS);

describe("adstock x saturation pairs on the bundled example", () => {
  for (const model of models) {
    it(model, async () => {
      const fit = await fitMMM(example, { model, sampler: { chains: 2, warmup: 150, samples: 100, seed: 3 } });
      const d = fit.diagnostics();
      expect(fit.summary()).toHaveLength(fit.layout.dim);
      for (const r of fit.roi()) expect(Number.isFinite(r.mean), `${model} ROI ${r.channel}`).toBe(true);
      const curves = fit.responseCurves({ multipliers: [0, 0.5, 1, 2], maxDraws: 20 });
      for (const c of curves) {
        expect(c.points[0].incremental.mean).toBeCloseTo(0, 9);
        expect(c.points[3].incremental.mean).toBeGreaterThanOrEqual(c.points[1].incremental.mean);
      }
      const total = fit.roi().reduce((a, r) => a + r.spend, 0);
      const plan = await fit.optimizeBudget({ budget: 13 * (total / example.T), periods: 13, draws: 20 });
      expect(Number.isFinite(plan.kpi_after.mean)).toBe(true);
      const html = await buildReportHtml(fit, { generatedAt: new Date("2025-01-01T00:00:00Z") });
      expect(html).toContain(model);
      console.log(`end-to-end ${model}: max R-hat ${d.max_r_hat.toFixed(3)}, divergences ${d.divergences}, report ${(html.length / 1024).toFixed(0)} KiB`);
    });
  }
});
