// The bundled multi-market example is what scripts/make-markets-example.mjs
// says it is: its stated true ROIs are the ROIs the fitted model reports at
// the true parameters (same rows, scaling, adstock normalisation, spend =
// the media columns), and its data are designed for the ROIs to be
// identifiable (independent flights, every channel a measurable share of
// sales, ROIs 2x apart). markets.stat.test.ts checks that fits recover them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { FittedMMM } from "../../src/api/fittedMMM.js";
import { parseCsv } from "../../src/io/csv.js";
import { datasetFromTable } from "../../src/io/datasetTable.js";
import { ParameterLayout, type ParameterValues } from "../../src/model/layout.js";

const EXAMPLE = join(process.cwd(), "examples", "markets_weekly.csv");
const truth = JSON.parse(readFileSync(join(process.cwd(), "examples", "markets_weekly.truth.json"), "utf8")) as {
  columns: { target: string; date: string; media: string[]; extra: string[] };
  markets: Record<string, { roi: Record<string, number>; parameters: ParameterValues }>;
};
const [header, ...lines] = readFileSync(EXAMPLE, "utf8").trim().split("\n");
const marketCsv = (m: string) =>
  [header.split(",").slice(1).join(","), ...lines.filter((l) => l.startsWith(`${m},`)).map((l) => l.split(",").slice(1).join(","))].join("\n");
const markets = Object.keys(truth.markets);
const { media } = truth.columns;

/** [T][C] spend and the target of one market, from the CSV. */
function columnsOf(m: string) {
  const cols = header.split(",");
  const rows = lines.filter((l) => l.startsWith(`${m},`)).map((l) => l.split(","));
  return {
    target: rows.map((r) => Number(r[cols.indexOf(truth.columns.target)])),
    spend: rows.map((r) => media.map((c) => Number(r[cols.indexOf(c)]))),
  };
}

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("examples/markets_weekly.csv", () => {
  it("states the ROI the fitted model reports at the true parameters, in every market", async () => {
    for (const m of markets) {
      const dataset = datasetFromTable(parseCsv(marketCsv(m), m), { ...truth.columns, extra: truth.columns.extra });
      // A token fit for the record (structure, scalers, data); its draws are then replaced by the truth.
      const fit = await fitMMM(dataset, { sampler: { chains: 1, warmup: 10, samples: 2, seed: 1, threads: 0 } });
      const layout = new ParameterLayout(fit.record.structure);
      const u = layout.unconstrainFlat(layout.readValues(truth.markets[m].parameters));
      const draws = new Float64Array(2 * u.length);
      draws.set(u);
      draws.set(u, u.length);
      const atTruth = new FittedMMM({ ...fit.record, chains: [{ ...fit.record.chains[0], draws, numDraws: 2 }] });
      for (const r of atTruth.roi()) expect(r.mean, `${m} ${r.channel}`).toBeCloseTo(truth.markets[m].roi[r.channel], 4);
    }
  }, 60_000);

  it("is designed for identifiable ROIs: independent flights, every channel >= 4% of sales, ROIs 2x apart", () => {
    for (const m of markets) {
      const { target, spend } = columnsOf(m);
      const sales = target.reduce((s, v) => s + v, 0);
      const on = media.map((_, c) => spend.map((r): number => (r[c] > 0 ? 1 : 0)));
      for (let c = 0; c < media.length; c++) {
        const dark = 1 - on[c].reduce((s, v) => s + v, 0) / on[c].length;
        expect(dark, `${m} ${media[c]}: share of dark weeks`).toBeGreaterThan(0.3);
        expect(dark, `${m} ${media[c]}: share of dark weeks`).toBeLessThan(0.7);
        for (let d = c + 1; d < media.length; d++) expect(Math.abs(correlation(on[c], on[d])), `${m} ${media[c]}/${media[d]} flights`).toBeLessThan(0.35);
        const cost = spend.reduce((s, r) => s + r[c], 0);
        expect((truth.markets[m].roi[media[c]] * cost) / sales, `${m} ${media[c]}: contribution share`).toBeGreaterThan(0.04);
      }
      const rois = media.map((c) => truth.markets[m].roi[c]).sort((a, b) => a - b);
      for (let k = 1; k < rois.length; k++) expect(rois[k] / rois[k - 1], `${m}: ROI ratio`).toBeCloseTo(2, 6);
    }
  });
});
