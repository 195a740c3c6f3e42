// The files `mmm fit` writes into its output folder (Node), national or geo:
// a geo fit's files have the same names, each with a geo column: rows for
// every geo and the national roll-up (geo "(all)"). Per-geo values per period
// are posterior means (no HDI columns filled): their intervals would need
// every draw of every period, channel and geo at once.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { FittedMMM } from "../api/fittedMMM.js";
import type { SummaryEntry } from "../fit/posteriorFit.js";
import type { Contributions, PanelContributions } from "../analysis/contributions.js";
import type { Interval } from "../analysis/intervals.js";
import type { ChannelRoi } from "../analysis/roi.js";
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

/** Writes a fit's output folder: the files every fit writes, contributions and ROI (per geo and "(all)" for a geo fit). */
export function writeFitOutputs(fit: FittedMMM | FittedGeoMMM, dir: string): string[] {
  if (fit.kind === "geo") return writeGeoFitOutputs(fit, dir);
  const { put, written } = startFitOutputs(fit, dir);
  const c = fit.contributions();
  put("contributions.csv", csvText(contributionsHeader(c.channels), c.periods.map(contributionsRow)));
  put("roi.json", json(roiOutput(fit)));
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

/** roi.json's content for either kind of model (a geo model's adds each geo's). */
export function roiOutput(fit: FittedMMM | FittedGeoMMM): ReturnType<typeof roiFile> | ReturnType<typeof geoRoiFile> {
  return fit.kind === "geo" ? geoRoiFile(fit) : roiFile(fit);
}

/**
 * A fit's summary, diagnostics, fit metrics and ROI as one JSON text (what
 * `mmm summary --json` prints): the summary and ROI as in summary.json and
 * roi.json; numbers that cannot be computed are null.
 */
export function summaryJson(fit: FittedMMM | FittedGeoMMM): string {
  return json({ summary: summaryObject(fit), diagnostics: fit.diagnostics(), metrics: fit.metrics(), roi: roiOutput(fit) });
}

/** The geo label of national roll-up rows. */
export const NATIONAL_GEO = "(all)";

const iv = (x: Interval | ChannelRoi) => ({ mean: x.mean, "hdi_3%": x["hdi_3%"], "hdi_97%": x["hdi_97%"] });

export function geoContributionsCsv(fit: FittedGeoMMM, c: PanelContributions = fit.contributions()): string {
  const header = ["geo", ...contributionsHeader(c.channels)];
  const rows: (string | number | undefined)[][] = c.national.periods.map((p) => [NATIONAL_GEO, ...contributionsRow(p)]);
  for (const g of c.perGeo) {
    for (const p of g.periods) rows.push([g.geo, p.index, p.date, p.actual, p.prediction, "", "", p.baseline, "", "", ...p.media.flatMap((m) => [m, "", ""])]);
  }
  return csvText(header, rows);
}

function writeGeoFitOutputs(fit: FittedGeoMMM, dir: string): string[] {
  const { put, written } = startFitOutputs(fit, dir);
  const c = fit.contributions();
  put("contributions.csv", geoContributionsCsv(fit, c));
  const roi = fit.roi();
  put("roi.json", json(geoRoiFile(fit, c)));
  put(
    "roi.csv",
    csvText(
      ["geo", "channel", "spend", "contribution", "contribution_share", "roi", "roi_hdi_3%", "roi_hdi_97%"],
      [
        ...roi.national.map((r, i) => [NATIONAL_GEO, r.channel, r.spend, c.national.totals.media[i].mean, c.national.totals.media[i].share, r.mean, r["hdi_3%"], r["hdi_97%"]]),
        ...roi.perGeo.flatMap((g, gi) =>
          g.channels.map((r, i) => [g.geo, r.channel, r.spend, c.perGeo[gi].totals.media[i].mean, c.perGeo[gi].totals.media[i].share, r.mean, r["hdi_3%"], r["hdi_97%"]]),
        ),
      ],
    ),
  );
  return written;
}

/** roi.json of a geo fit: national entries (the fields of roi().national, draws left out) and per geo. */
export function geoRoiFile(fit: FittedGeoMMM, c: PanelContributions = fit.contributions()): { channels: unknown[]; geos: Record<string, unknown[]> } {
  const roi = fit.roi();
  const mroi = fit.marginalRoi();
  // The fields of fit.roi()'s entries (draws left out), as in the national roi.json.
  const entry = (r: ChannelRoi, contribution: { mean: number; share: number }, marginal?: ChannelRoi) => ({
    channel: r.channel,
    spend: r.spend,
    ...iv(r),
    contribution: contribution.mean,
    contribution_share: contribution.share,
    ...(marginal ? { marginal_roi: iv(marginal) } : {}),
    ...(r.note ? { note: r.note } : {}),
  });
  return {
    channels: roi.national.map((r, i) => entry(r, c.national.totals.media[i], mroi[i])),
    geos: Object.fromEntries(roi.perGeo.map((g, gi) => [g.geo, g.channels.map((r, i) => entry(r, c.perGeo[gi].totals.media[i]))])),
  };
}
