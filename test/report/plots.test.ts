import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import {
  adstockDecaySpec,
  budgetAllocationSpec,
  contributionTotalsSpec,
  contributionsOverTimeSpec,
  modelFitSpec,
  priorPosteriorSpec,
  renderSvg,
  responseCurvesSpec,
  roiDistributionSpec,
  samplerDiagnosticsSpec,
  saturationCurvesSpec,
  worstMixingParameters,
  type VegaLiteSpec,
} from "../../src/report/index.js";
import { fitExample, svgFacts } from "./fixture.js";

const ARTIFACTS = join(process.cwd(), "test-artifacts", "report");

describe("plots of a fitted model", () => {
  let fit: FittedMMM;
  beforeAll(async () => {
    fit = await fitExample();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  const budget = () => ({
    channels: fit.channelNames,
    spendBefore: [1000, 2000, 3000],
    spendAfter: [1500, 2500, 2000],
    kpiBefore: { mean: 100000, "hdi_3%": 95000, "hdi_97%": 105000 },
    kpiAfter: { mean: 104000, "hdi_3%": 98000, "hdi_97%": 110000 },
  });

  const builders: [string, () => VegaLiteSpec][] = [
    ["model-fit", () => modelFitSpec(fit)],
    ["contributions-over-time", () => contributionsOverTimeSpec(fit)],
    ["contribution-totals", () => contributionTotalsSpec(fit)],
    ["response-curves", () => responseCurvesSpec(fit)],
    ["roi", () => roiDistributionSpec(fit)],
    ["adstock", () => adstockDecaySpec(fit)],
    ["saturation", () => saturationCurvesSpec(fit)],
    ["prior-posterior", () => priorPosteriorSpec(fit)],
    ["budget", () => budgetAllocationSpec(budget(), { kpi: "sales" })],
    ["diagnostics", () => samplerDiagnosticsSpec(fit)],
  ];

  for (const [name, build] of builders) {
    it(`${name}: a plain-JSON Vega-Lite spec that renders to SVG`, async () => {
      const spec = build();
      // Plain JSON: survives a round trip unchanged, and stays small.
      const json = JSON.stringify(spec);
      expect(JSON.parse(json)).toEqual(spec);
      expect(spec.$schema).toMatch(/vega-lite\/v6/);
      expect(json.length).toBeLessThan(250_000);
      const warnings: string[] = [];
      const svg = await renderSvg(spec, { onWarning: (w) => warnings.push(w) });
      writeFileSync(join(ARTIFACTS, `${name}.svg`), svg);
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
      const f = svgFacts(svg);
      expect(f.width).toBeGreaterThan(200);
      expect(f.height).toBeGreaterThan(100);
      expect(f.marks).toBeGreaterThan(0);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
      expect(warnings).toEqual([]);
    });
  }

  it("the model-fit title carries R² and MAPE, and the plots name the channels", async () => {
    const spec = modelFitSpec(fit);
    const title = JSON.stringify((spec.title as { text: unknown }).text);
    expect(title).toMatch(/R² 0\.\d\d, MAPE \d+\.\d%/);
    expect(title).toMatch(/test weeks/);
    const svg = await renderSvg(responseCurvesSpec(fit));
    for (const ch of fit.channelNames) expect(svg).toContain(`>${ch}<`);
  });

  it("thins draws: curves from at most maxDraws draws, and the worst-mixing parameters are real labels", () => {
    const small = saturationCurvesSpec(fit, { maxDraws: 20 });
    expect(JSON.stringify(small).length).toBeLessThan(100_000);
    const worst = worstMixingParameters(fit, 4);
    expect(worst).toHaveLength(4);
    for (const w of worst) expect(fit.layout.labels()).toContain(w);
    const rhats = fit.summary().map((r) => r.r_hat);
    expect(worst[0]).toBe(fit.summary()[rhats.indexOf(Math.max(...rhats))].name);
  });

  it("budget allocation rejects mismatched lengths", () => {
    expect(() => budgetAllocationSpec({ ...budget(), spendAfter: [1, 2] })).toThrow(/3 channels/);
  });
});

describe("transform plots of the other models", () => {
  const fits: Record<string, FittedMMM> = {};
  beforeAll(async () => {
    for (const model of ["adstock", "carryover"] as const) {
      const sim = simulateDataset({ seed: 9, T: 60, channels: 2, extras: 0, model });
      fits[model] = await fitMMM(sim.dataset, { model, sampler: { chains: 2, warmup: 100, samples: 60, seed: 2, threads: 0 } });
    }
  });

  for (const model of ["adstock", "carryover"]) {
    it(`${model}: adstock, saturation and prior-vs-posterior render with the model's own parameters`, async () => {
      const fit = fits[model];
      const prior = priorPosteriorSpec(fit);
      const names = new Set((prior.data as { values: { parameter?: string }[] }).values.map((r) => r.parameter));
      expect([...names].sort()).toEqual(model === "adstock" ? ["exponent", "lag_weight"] : ["ad_effect_retention_rate", "exponent", "peak_effect_delay"]);
      for (const spec of [adstockDecaySpec(fit), saturationCurvesSpec(fit), prior]) {
        const warnings: string[] = [];
        const svg = await renderSvg(spec, { onWarning: (w) => warnings.push(w) });
        expect(svg.startsWith("<svg")).toBe(true);
        expect(svgFacts(svg).marks).toBeGreaterThan(0);
        expect(svg).not.toMatch(/NaN|undefined|Infinity/);
        expect(warnings).toEqual([]);
      }
      // Lag weights are shares: each draw's weights sum to 1, so the means do too.
      const rows = (adstockDecaySpec(fit).data as { values: { channel: string; mean: number }[] }).values;
      for (const ch of fit.channelNames) {
        const sum = rows.filter((r) => r.channel === ch).reduce((a, r) => a + r.mean, 0);
        expect(sum).toBeCloseTo(1, 3);
      }
    });
  }
});
