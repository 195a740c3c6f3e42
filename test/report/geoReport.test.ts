// The geo report has every section of the national report (budget, channel
// table, contributions in total, saturation and adstock, the analysts' plots)
// beside its per-geo ones, with numbers from the fit's own analyses.
import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedGeoMMM } from "../../src/api/fittedGeoMMM.js";
import { buildReport } from "../../src/report/report.js";
import { currentSpendingBudget } from "../../src/report/budget.js";
import { formatInteger, formatRatio } from "../../src/report/format.js";
import { saturationCurvesSpec, steadySpendResponses } from "../../src/report/plots/transforms.js";
import type { GeoBudgetOptimization } from "../../src/optimize/optimizeGeoBudget.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";

/** The text of each cell of the table with this id, row by row. */
function tableRows(html: string, id: string): string[][] {
  const body = new RegExp(`<table[^>]*id="${id}"[^>]*>[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, "").trim()));
}

function sectionIds(html: string): string[] {
  return [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
}

describe("the geo report", () => {
  let fit: FittedGeoMMM;
  let html: string;
  let budget: number;
  const optimizer = { periods: 4, draws: 30 };
  beforeAll(async () => {
    const { dataset } = makeGeoTestData({ G: 3, T: 30, C: 2, extras: 0, seed: 8 });
    fit = (await fitMMM(dataset, { sampler: { chains: 2, warmup: 60, samples: 30, seed: 5, threads: 0 } }, { trainRows: 27 })) as FittedGeoMMM;
    // Today's spending rate over the plan, 5% more: a budget inside the optimizer's default bounds.
    budget = Math.round(1.05 * currentSpendingBudget(fit, optimizer.periods));
    html = (await buildReport(fit, { budget, optimizer, maxDraws: 40, generatedAt: new Date("2025-01-01T00:00:00Z") })).html;
  }, 120_000);

  it("keeps its sections and gains the national report's: budget, channel table, totals, media effects, analysts' plots", () => {
    const ids = sectionIds(html);
    const kept = ["summary", "national-fit", "national-contributions", "national-roi", "roi-distribution", "response-curves", "geo-fit", "geo-contributions", "geo-roi", "diagnostics", "parameters"];
    const gained = ["contribution-totals", "budget", "saturation", "adstock", "sampler-diagnostics", "prior-posterior"];
    for (const id of [...kept, ...gained]) expect(ids, id).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    // Whole model first, then per geo, then the analysts' sections.
    expect(ids.indexOf("budget")).toBeLessThan(ids.indexOf("geo-fit"));
    expect(ids.indexOf("geo-roi")).toBeLessThan(ids.indexOf("parameters"));
    for (const id of ["channel-table", "budget-table", "budget-geo-table", "geo-response-table"]) expect(html).toContain(`id="${id}"`);
    // The sampler's run in the national report's words, and when the data run.
    const d = fit.diagnostics();
    expect(html).toContain(`${d.chains} chains × ${formatInteger(d.draws)} draws after ${formatInteger(d.warmup)} warm-up iterations (seed ${d.seed})`);
    expect(html).toContain(`30 dates (${fit.record.dataset.dates[0]} to ${fit.record.dataset.dates[29]}, the last 3 held out)`);
  });

  it("names what each parameter of the table is about: the channel and geo of coef_media, the geo of an intercept", () => {
    const rows = tableRows(html, "parameter-table");
    const cell = (name: string) => rows.find((r) => r[0]!.startsWith(name))?.[0];
    const channel = fit.channelNames[1]!;
    const geo = fit.geoNames[2]!;
    expect(cell("coef_media[1, 2]")).toBe(`coef_media[1, 2] ${channel}, ${geo}`);
    expect(cell("intercept[2]")).toBe(`intercept[2] ${geo}`);
    expect(cell("expo_trend")).toBe("expo_trend");
  });

  it("shows the optimizer's whole-model split and its split per geo", async () => {
    const plan = (await fit.optimizeBudget({ budget, ...optimizer })) as GeoBudgetOptimization;
    const rows = tableRows(html, "budget-table");
    expect(rows.map((r) => r[0])).toEqual(fit.channelNames);
    for (const [c, channel] of fit.channelNames.entries()) {
      expect(rows[c][1]).toBe(formatInteger(plan.spend_before[channel]));
      expect(rows[c][2]).toBe(formatInteger(plan.spend_after[channel]));
    }
    const byGeo = tableRows(html, "budget-geo-table");
    expect(byGeo).toHaveLength(fit.geoNames.length * fit.channelNames.length);
    for (const r of byGeo) {
      expect(r[2]).toBe(formatInteger(plan.spend_before_by_geo[r[1]][r[0]]));
      expect(r[3]).toBe(formatInteger(plan.spend_after_by_geo[r[1]][r[0]]));
    }
    // The split adds up to the channel's total.
    for (const channel of fit.channelNames) {
      const sum = fit.geoNames.reduce((a, g) => a + plan.spend_after_by_geo[channel][g], 0);
      expect(sum).toBeCloseTo(plan.spend_after[channel], 6);
    }
    // The default budget is today's spending rate, as in the national report.
    const spend = fit.record.dataset.media.slice(0, 27 * 2 * 3).reduce((a, v) => a + v, 0);
    expect(currentSpendingBudget(fit, 4)).toBeCloseTo((spend / 27) * 4, 6);
  });

  it("says in the summary how the fit and the return differ across the geos", () => {
    const perGeo = [...fit.metrics().perGeo].sort((a, b) => a.train.r2 - b.train.r2);
    const [worst, best] = [perGeo[0], perGeo[perGeo.length - 1]];
    const summary = /<section id="summary">([\s\S]*?)<\/section>/.exec(html)![1];
    expect(summary).toContain(`Across the 3 geos the fit ranges from R² ${worst.train.r2.toFixed(2)} in ${worst.geo} to ${best.train.r2.toFixed(2)} in ${best.geo}`);
    const roi = fit.roi().perGeo;
    const channel = fit.channelNames[0];
    const ranked = roi.map((g) => ({ geo: g.geo, mean: g.channels[0].mean! })).sort((a, b) => b.mean - a.mean);
    expect(summary).toContain(`${channel} ${formatRatio(ranked[0].mean)} in ${ranked[0].geo} to ${formatRatio(ranked[2].mean)} in ${ranked[2].geo}`);
  });

  it("has the whole model's channel table: ROI and marginal ROI from the fit's analyses", () => {
    const rows = tableRows(html, "channel-table");
    const roi = fit.roi().national;
    const mroi = fit.marginalRoi();
    expect(rows.map((r) => r[0])).toEqual(fit.channelNames);
    for (const [c] of fit.channelNames.entries()) {
      expect(rows[c][1]).toBe(formatInteger(roi[c].spend));
      expect(rows[c][4].startsWith(formatRatio(roi[c].mean))).toBe(true);
      expect(rows[c][5].startsWith(formatRatio(mroi[c].mean))).toBe(true);
    }
  });

  it("gives each geo's steady response at its own average spend, computed from the draws", () => {
    const d = fit.record.dataset;
    const { G, T } = d;
    const C = d.channelNames.length;
    const n = fit.record.trainRows;
    // Written out independently: Hill saturation of the spend over the geo's
    // media scale (the normalised adstock settles at gain 1), times coef_media
    // and the geo's target scale, averaged over every draw.
    const draws = fit.constrainedDraws();
    const block = (name: string) => fit.layout.block(name).offset;
    const expected = (c: number, g: number, spend: number) => {
      let s = 0;
      let count = 0;
      for (const chain of draws) {
        const rows = chain.length / fit.layout.dim;
        for (let k = 0; k < rows; k++) {
          const x = (i: number) => chain[k * fit.layout.dim + i];
          const v = spend / fit.record.scalers.media[c][g];
          const K = x(block("half_max_effective_concentration") + c);
          const S = x(block("slope") + c);
          s += x(block("coef_media") + c * G + g) * (v ** S / (v ** S + K ** S)) * fit.record.scalers.target[g];
          count++;
        }
      }
      return s / count;
    };
    const responses = steadySpendResponses(fit, 10_000);
    for (let c = 0; c < C; c++) {
      for (let g = 0; g < G; g++) {
        let spend = 0;
        for (let t = 0; t < n; t++) spend += d.media[(t * C + c) * G + g];
        spend /= n;
        expect(responses[c].spendPerGeo[g]).toBeCloseTo(spend, 8);
        const mean = responses[c].draws[g].reduce((a, v) => a + v, 0) / responses[c].draws[g].length;
        expect(mean).toBeCloseTo(expected(c, g, spend), 6);
      }
    }
    expect(T).toBe(30);
    // The whole model's saturation curve marks the channel's average spend, the sum of the geos' averages.
    const curves = saturationCurvesSpec(fit, { maxDraws: 40 }) as { data: { values: { kind: string; channel: string; spend: number }[] } };
    for (const r of responses) {
      const average = curves.data.values.find((v) => v.kind === "average" && v.channel === r.channel)!;
      // The page's numbers are rounded to a few significant digits.
      const total = r.spendPerGeo.reduce((a, v) => a + v, 0);
      expect(Math.abs(average.spend - total) / total).toBeLessThan(1e-4);
    }
    // The table: an "all geos" row per channel, then each geo's.
    const rows = tableRows(html, "geo-response-table");
    expect(rows).toHaveLength(C * (G + 1));
    expect(rows.slice(0, C).map((r) => r[0])).toEqual(Array(C).fill("all geos"));
    expect(rows.slice(C).map((r) => r[0])).toEqual(fit.geoNames.flatMap((g) => Array(C).fill(g)));
  });
});
