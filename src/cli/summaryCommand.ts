import type { Command } from "commander";
import { join } from "node:path";
import { loadAnyMMM } from "../io/modelFile.js";
import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import { geoRoiFile, json, MODEL_FILE, roiFile, summaryObject } from "../io/fitOutputs.js";
import { formatSummaryTable, formatTable } from "./tables.js";

export function registerSummary(program: Command): void {
  program
    .command("summary")
    .description("print the posterior summary, diagnostics, fit metrics and ROI of a fitted model")
    .argument("<dir>", "output folder of `mmm fit`")
    .option("--json", "print one JSON object (summary, diagnostics, metrics, roi) instead of tables")
    .action((dir: string, o: { json?: boolean }) => {
      const any = loadAnyMMM(join(dir, MODEL_FILE));
      if (o.json) {
        const roi = any.kind === "geo" ? geoRoiFile(any) : roiFile(any);
        process.stdout.write(json({ summary: summaryObject(any), diagnostics: any.diagnostics(), metrics: any.metrics(), roi }));
        return;
      }
      if (any.kind === "geo") {
        printGeoSummary(any);
        return;
      }
      const fit = any;
      const out = process.stdout;
      out.write(formatSummaryTable(fit.summary()) + "\n\n");
      const d = fit.diagnostics();
      out.write(
        `${d.chains} chains x ${d.draws} draws (${d.warmup} warm-up), seed ${d.seed}: ${d.wall_seconds.toFixed(1)} s, ` +
          `min bulk-ESS ${d.min_ess_bulk.toFixed(0)}, max R-hat ${d.max_r_hat.toFixed(3)}, divergences ${d.divergences}\n`,
      );
      const m = fit.metrics();
      const fmt = (x?: { r2: number; mape: number; wmape: number }) => (x ? [x.r2.toFixed(3), x.mape.toFixed(2), x.wmape.toFixed(2)] : ["-", "-", "-"]);
      out.write("\n" + formatTable(["", "R2", "MAPE %", "wMAPE %"], [["train", ...fmt(m.train)], ["test", ...fmt(m.test)]]) + "\n\n");
      const roi = fit.roi();
      const mroi = fit.marginalRoi();
      const r3 = (v: number | null) => (v === null ? "-" : v.toFixed(3));
      out.write(
        formatTable(
          ["channel", "spend", "ROI", "ROI hdi_3%", "ROI hdi_97%", "marginal ROI"],
          roi.map((r, i) => [r.channel, r.spend.toFixed(0), r3(r.mean), r3(r["hdi_3%"]), r3(r["hdi_97%"]), r3(mroi[i].mean)]),
        ) + "\n",
      );
      for (const r of roi) if (r.note) out.write(`${r.channel}: ${r.note}\n`);
      for (const w of d.warnings) process.stderr.write(`warning: ${w}\n`);
    });
}

function printGeoSummary(fit: FittedGeoMMM): void {
  const out = process.stdout;
  out.write(formatSummaryTable(fit.summary()) + "\n\n");
  const d = fit.diagnostics();
  out.write(
    `geo model, ${fit.geoNames.length} geos: ${d.chains} chains x ${d.draws} draws (${d.warmup} warm-up), seed ${d.seed}: ${d.wall_seconds.toFixed(1)} s, ` +
      `min bulk-ESS ${d.min_ess_bulk.toFixed(0)}, max R-hat ${d.max_r_hat.toFixed(3)}, divergences ${d.divergences}\n`,
  );
  const m = fit.metrics();
  const fmt = (x?: { r2: number; mape: number; wmape: number }) => (x ? [x.r2.toFixed(3), x.mape.toFixed(2), x.wmape.toFixed(2)] : ["-", "-", "-"]);
  const rows = [
    ["(all)", "train", ...fmt(m.national.train)],
    ["(all)", "test", ...fmt(m.national.test)],
    ...m.perGeo.flatMap((g) => [[g.geo, "train", ...fmt(g.train)], ...(g.test ? [[g.geo, "test", ...fmt(g.test)]] : [])]),
  ];
  out.write("\n" + formatTable(["geo", "", "R2", "MAPE %", "wMAPE %"], rows) + "\n\n");
  const roi = fit.roi();
  const mroi = fit.marginalRoi();
  const r3 = (v: number | null) => (v === null ? "-" : v.toFixed(3));
  out.write(
    formatTable(
      ["geo", "channel", "spend", "ROI", "ROI hdi_3%", "ROI hdi_97%", "marginal ROI"],
      [
        ...roi.national.map((r, i) => ["(all)", r.channel, r.spend.toFixed(0), r3(r.mean), r3(r["hdi_3%"]), r3(r["hdi_97%"]), r3(mroi[i].mean)]),
        ...roi.perGeo.flatMap((g) => g.channels.map((r) => [g.geo, r.channel, r.spend.toFixed(0), r3(r.mean), r3(r["hdi_3%"]), r3(r["hdi_97%"]), "-"])),
      ],
    ) + "\n",
  );
  const unspent = [...roi.national.map((r) => ({ geo: "(all)", r })), ...roi.perGeo.flatMap((g) => g.channels.map((r) => ({ geo: g.geo, r })))].filter((x) => x.r.note);
  for (const { geo, r } of unspent) out.write(`${geo}, ${r.channel}: ${r.note}\n`);
  for (const w of d.warnings) process.stderr.write(`warning: ${w}\n`);
}
