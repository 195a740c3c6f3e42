import type { Command } from "commander";
import { loadFitFolder, NATIONAL_GEO, summaryJson, type ChannelRoi } from "../index.js";
import { formatSummaryTable, formatTable } from "./tables.js";

export function registerSummary(program: Command): void {
  program
    .command("summary")
    .description("print the posterior summary, diagnostics, fit metrics and ROI of a fitted model")
    .argument("<dir>", "output folder of `mmm fit`")
    .option("--json", "print one JSON object (summary, diagnostics, metrics, roi) instead of tables")
    .action((dir: string, o: { json?: boolean }) => {
      const fit = loadFitFolder(dir);
      if (o.json) {
        process.stdout.write(summaryJson(fit));
        return;
      }
      const out = process.stdout;
      out.write(formatSummaryTable(fit.summary()) + "\n\n");
      const d = fit.diagnostics();
      const geos = fit.geoNames.length;
      out.write(
        `${geos > 0 ? `geo model, ${geos} geos: ` : ""}${d.chains} chain${d.chains === 1 ? "" : "s"} x ${d.draws} draws (${d.warmup} warm-up), seed ${d.seed}: ${d.wall_seconds.toFixed(1)} s, ` +
          `min bulk-ESS ${d.min_ess_bulk.toFixed(0)}, max R-hat ${d.max_r_hat.toFixed(3)}, divergences ${d.divergences}\n`,
      );
      // With several geos every table gains a geo column: the whole model's rows as "(all)", then each geo's.
      const m = fit.metricsByGeo();
      const withGeo = (geo: string, row: string[]) => (geos > 0 ? [geo, ...row] : row);
      const fmt = (x?: { r2: number; mape: number; wmape: number }) => (x ? [x.r2.toFixed(3), x.mape.toFixed(2), x.wmape.toFixed(2)] : ["-", "-", "-"]);
      const metricRows = [
        withGeo(NATIONAL_GEO, ["train", ...fmt(m.national.train)]),
        withGeo(NATIONAL_GEO, ["test", ...fmt(m.national.test)]),
        ...m.perGeo.flatMap((g) => [[g.geo, "train", ...fmt(g.train)], ...(g.test ? [[g.geo, "test", ...fmt(g.test)]] : [])]),
      ];
      out.write("\n" + formatTable(withGeo("geo", ["", "R2", "MAPE %", "wMAPE %"]), metricRows) + "\n\n");
      const roi = fit.roiByGeo();
      const mroi = fit.marginalRoi();
      const r3 = (v: number | null) => (v === null ? "-" : v.toFixed(3));
      const roiRow = (r: ChannelRoi, marginal: string) => [r.channel, r.spend.toFixed(0), r3(r.mean), r3(r["hdi_3%"]), r3(r["hdi_97%"]), marginal];
      out.write(
        formatTable(withGeo("geo", ["channel", "spend", "ROI", "ROI hdi_3%", "ROI hdi_97%", "marginal ROI"]), [
          ...roi.national.map((r, i) => withGeo(NATIONAL_GEO, roiRow(r, r3(mroi[i].mean)))),
          ...roi.perGeo.flatMap((g) => g.channels.map((r) => [g.geo, ...roiRow(r, "-")])),
        ]) + "\n",
      );
      const unspent = [...roi.national.map((r) => ({ geo: NATIONAL_GEO, r })), ...roi.perGeo.flatMap((g) => g.channels.map((r) => ({ geo: g.geo, r })))].filter((x) => x.r.note);
      for (const { geo, r } of unspent) out.write(`${geos > 0 ? `${geo}, ` : ""}${r.channel}: ${r.note}\n`);
      for (const w of d.warnings) process.stderr.write(`warning: ${w}\n`);
    });
}
