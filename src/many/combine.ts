// Gathers every slice's outcome into one place: manifest.json (what was
// fitted, with content hashes), combined.csv / combined.json (slice x
// channel: spend, contribution, ROI and marginal ROI with 94% HDIs,
// convergence) and report.html (the slices side by side).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { csvText } from "../io/csvWrite.js";
import { jsonText, RUN_FILE, type RunRecord } from "../runs/runRecord.js";
import { writeFileWhole } from "../io/outputFolder.js";
import { combinedReportHtml } from "./combinedReport.js";
import { readFailure, readSliceRecord, sliceDir, type SliceSummary } from "./sliceRecord.js";
import { sliceDataHash, type SliceData } from "./slices.js";

export const MANIFEST_FILE = "manifest.json";

export type { SliceSummary } from "./sliceRecord.js";

/** Each slice's stored outcome, judged against the data and options of this run. */
export function collectSlices(out: string, slices: Pick<SliceData, "id" | "key" | "csv">[], optionsHash: string): SliceSummary[] {
  return slices.map((s): SliceSummary => {
    const dataHash = sliceDataHash(s as SliceData);
    const record = readSliceRecord(out, s.id);
    if (record && record.data_sha256 === dataHash && record.options_sha256 === optionsHash) {
      const run = JSON.parse(readFileSync(join(sliceDir(out, s.id), RUN_FILE), "utf8")) as RunRecord;
      return { id: s.id, key: s.key, status: "ok", record, run };
    }
    const failure = readFailure(out, s.id);
    if (failure && failure.data_sha256 === dataHash && failure.options_sha256 === optionsHash) return { id: s.id, key: s.key, status: "failed", failure };
    return { id: s.id, key: s.key, status: record ? "stale" : "missing" };
  });
}

export const COMBINED_COLUMNS = [
  "slice",
  "status",
  "channel",
  "spend",
  "contribution",
  "roi",
  "roi_hdi_3%",
  "roi_hdi_97%",
  "marginal_roi",
  "marginal_roi_hdi_3%",
  "marginal_roi_hdi_97%",
  "r2",
  "mape",
  "max_r_hat",
  "min_ess_bulk",
  "divergences",
  "converged",
  "reason",
] as const;

export function combinedRows(summaries: SliceSummary[], by: string[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const s of summaries) {
    const key = by.map((c) => s.key[c] ?? "");
    if (s.status !== "ok" || !s.run) {
      const reason = s.failure?.reason ?? (s.status === "stale" ? "outputs are from other data or options" : "not fitted yet");
      rows.push([...key, s.id, s.status, "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", reason]);
      continue;
    }
    const m = s.run.metrics;
    const issues = s.record?.convergence_issues.join("; ") ?? "";
    for (const c of s.run.channels) {
      rows.push([
        ...key,
        s.id,
        "ok",
        c.channel,
        c.spend,
        c.contribution,
        c.roi,
        c.roi_low,
        c.roi_high,
        c.marginal_roi,
        c.marginal_roi_low,
        c.marginal_roi_high,
        m.r2,
        m.mape,
        m.max_r_hat,
        m.min_ess_bulk,
        m.divergences,
        m.converged ? "yes" : "no",
        issues,
      ]);
    }
  }
  return rows;
}

export interface CombineResult {
  ok: number;
  failed: number;
  missing: number;
  notConverged: number;
  files: string[];
}

/** Writes the manifest, the combined table and the combined report (each atomically). */
export function writeCombined(
  out: string,
  slices: SliceData[],
  context: { by: string[]; optionsHash: string; spec: unknown; title?: string },
): CombineResult {
  const summaries = collectSlices(out, slices, context.optionsHash);
  const manifest = {
    manifest_version: 1,
    written: new Date().toISOString(),
    by: context.by,
    options_sha256: context.optionsHash,
    options: context.spec,
    slices: summaries.map((s) => ({
      id: s.id,
      key: s.key,
      status: s.status,
      data_sha256: sliceDataHash(slices.find((d) => d.id === s.id)!),
      ...(s.record ? { converged: s.record.converged, worker: s.record.worker, seconds: s.record.seconds, files: s.record.files } : {}),
      ...(s.failure ? { kind: s.failure.kind, reason: s.failure.reason, worker: s.failure.worker } : {}),
    })),
  };
  writeFileWhole(join(out, MANIFEST_FILE), jsonText(manifest));
  const header = [...context.by, ...COMBINED_COLUMNS];
  const rows = combinedRows(summaries, context.by);
  writeFileWhole(join(out, "combined.csv"), csvText(header, rows));
  writeFileWhole(join(out, "combined.json"), jsonText(rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] === "" ? null : r[i]])))));
  writeFileWhole(join(out, "report.html"), combinedReportHtml(summaries, { by: context.by, title: context.title ?? "Many markets" }));
  const count = (st: SliceSummary["status"]) => summaries.filter((s) => s.status === st).length;
  return {
    ok: count("ok"),
    failed: count("failed"),
    missing: count("missing") + count("stale"),
    notConverged: summaries.filter((s) => s.record && !s.record.converged).length,
    files: [MANIFEST_FILE, "combined.csv", "combined.json", "report.html"],
  };
}
