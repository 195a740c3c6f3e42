// The files `mmm fit` writes into its output folder (Node).

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { FittedMMM } from "../api/fittedMMM.js";
import type { SummaryEntry } from "../fit/posteriorFit.js";
import type { Contributions } from "../analysis/contributions.js";
import { csvText } from "./csvWrite.js";
import { saveMMM } from "./modelFile.js";

export { MODEL_FILE } from "./outputFolder.js";
import { MODEL_FILE } from "./outputFolder.js";

export function json(v: unknown): string {
  // Non-finite numbers (e.g. R-hat of a constant) become null in JSON.
  return JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x), 2) + "\n";
}

const SUMMARY_COLUMNS = ["mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"] as const;

/** The summary keyed by parameter label, each with what it is about (a channel, an extra column, a geo) when anything. */
export function summaryObject(fit: { summary(): SummaryEntry[] }): Record<string, Record<string, number | string>> {
  const obj: Record<string, Record<string, number | string>> = {};
  for (const r of fit.summary()) obj[r.name] = { ...(r.about ? { about: r.about } : {}), ...Object.fromEntries(SUMMARY_COLUMNS.map((k) => [k, r[k]])) };
  return obj;
}

export function summaryFiles(fit: { summary(): SummaryEntry[] }): { json: string; csv: string } {
  const rows = fit.summary();
  return {
    json: json(summaryObject(fit)),
    csv: csvText(["", "about", ...SUMMARY_COLUMNS], rows.map((r) => [r.name, r.about, ...SUMMARY_COLUMNS.map((k) => r[k])])),
  };
}

/**
 * Starts an output folder with the files every fit writes (the model, its
 * summary, diagnostics and metrics); `put` adds more, `written` lists them all.
 */
export function startFitOutputs(fit: FittedMMM | FittedGeoMMM, dir: string): { put(name: string, text: string): void; written: string[] } {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    written.push(name);
  };
  saveMMM(fit, join(dir, MODEL_FILE));
  written.push(MODEL_FILE);
  const s = summaryFiles(fit);
  put("summary.json", s.json);
  put("summary.csv", s.csv);
  put("diagnostics.json", json(fit.diagnostics()));
  put("metrics.json", json(fit.metrics()));
  return { put, written };
}

/** The columns of contributions.csv: per period the prediction, the baseline and each channel, with 94% HDIs. */
export function contributionsHeader(channels: readonly string[]): string[] {
  const header = ["period", "date", "actual", "prediction", "prediction_hdi_3%", "prediction_hdi_97%", "baseline", "baseline_hdi_3%", "baseline_hdi_97%"];
  for (const ch of channels) header.push(ch, `${ch}_hdi_3%`, `${ch}_hdi_97%`);
  return header;
}

type PeriodContribution = Contributions["periods"][number];

/** One period's row of contributions.csv. */
export function contributionsRow(p: PeriodContribution): (string | number | undefined)[] {
  return [
    p.index,
    p.date,
    p.actual,
    p.prediction.mean,
    p.prediction["hdi_3%"],
    p.prediction["hdi_97%"],
    p.baseline.mean,
    p.baseline["hdi_3%"],
    p.baseline["hdi_97%"],
    ...p.media.flatMap((m) => [m.mean, m["hdi_3%"], m["hdi_97%"]]),
  ];
}

export function writeFitOutputs(fit: FittedMMM, dir: string): string[] {
  const { put, written } = startFitOutputs(fit, dir);
  const c = fit.contributions();
  put("contributions.csv", csvText(contributionsHeader(c.channels), c.periods.map(contributionsRow)));
  put("roi.json", json(roiFile(fit)));
  return written;
}

/**
 * roi.json: per channel the fields of fit.roi() (channel, spend, mean,
 * hdi_3%, hdi_97%; the draws left out), plus the channel's contribution and
 * its marginal ROI.
 */
export function roiFile(fit: FittedMMM): { channels: Record<string, unknown>[] } {
  const c = fit.contributions();
  const mroi = fit.marginalRoi();
  return {
    channels: fit.roi().map(({ draws: _draws, ...r }, i) => ({
      ...r,
      contribution: c.totals.media[i].mean,
      contribution_share: c.totals.media[i].share,
      marginal_roi: { mean: mroi[i].mean, "hdi_3%": mroi[i]["hdi_3%"], "hdi_97%": mroi[i]["hdi_97%"] },
    })),
  };
}
