// The data-quality report as plain text (mmm check, and the fit command's
// warnings): aligned tables of the column statistics, spend shares,
// correlations, VIFs and outliers, then the warnings; for geo data, the
// whole data's report followed by each geo's with warnings.

import { MAX_OUTLIERS_LISTED, OUTLIER_ROBUST_SDS, plainNumber, plainPercent, type DataQualityReport } from "../analysis/dataQuality.js";
import type { GeoDataQualityReport } from "../analysis/geoDataQuality.js";

/** Aligns rows of cells; align[k] is "l" or "r" for column k. */
function table(header: string[], rows: string[][], align: ("l" | "r")[]): string[] {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, k) => (align[k] === "r" ? c.padStart(widths[k]) : c.padEnd(widths[k])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

/** The report as text; geo data: the whole data's checks, then each geo's that warn, the geos without warnings in one line. */
export function formatDataQualityReport(report: DataQualityReport): string {
  if (!report.perGeo?.length) return formatOneReport(report);
  return `${formatOneReport(report)}\nPer geo: the same checks on each geo's own series\n\n${perGeoText(report.perGeo, report.perGeo.map((q) => q.geo ?? ""))}`;
}

function formatOneReport(report: DataQualityReport): string {
  const out: string[] = [];
  const rowsNote = report.rows === report.totalRows ? `${report.rows} rows` : `${report.rows} training rows of ${report.totalRows}`;
  out.push(`Data quality${report.source ? ` of ${report.source}` : ""}: ${rowsNote}, target "${report.targetName}"`);
  out.push("");

  out.push("Columns");
  out.push(
    ...table(
      ["column", "role", "mean", "sd", "min", "median", "max", "zeros", "outliers"],
      report.columns.map((q) => [
        q.column,
        q.role,
        plainNumber(q.mean),
        plainNumber(q.sd),
        plainNumber(q.min),
        plainNumber(q.median),
        plainNumber(q.max),
        plainPercent(q.zeroShare),
        String(q.outlierCount),
      ]),
      ["l", "l", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  out.push("");

  out.push("Spend share");
  out.push(
    ...table(
      ["channel", "spend", "share"],
      report.spendShares.map((s) => [s.channel, plainNumber(s.spend), plainPercent(s.share)]),
      ["l", "r", "r"],
    ),
  );
  out.push("");

  out.push("Correlations (Pearson)");
  const { labels, matrix } = report.correlations;
  out.push(
    ...table(
      ["", ...labels],
      labels.map((l, a) => [l, ...matrix[a].map((r) => (Number.isNaN(r) ? "n/a" : r.toFixed(2).replace(/^-(0\.0+)$/, "$1")))]),
      ["l", ...labels.map(() => "r" as const)],
    ),
  );
  out.push("");

  out.push("Variance inflation factors");
  out.push(
    ...table(
      ["column", "role", "R²", "VIF"],
      report.vif.map((v) => [v.column, v.role, v.rSquared.toFixed(3), plainNumber(v.vif)]),
      ["l", "l", "r", "r"],
    ),
  );
  out.push("");

  const outlierCols = report.columns.filter((q) => q.outlierCount > 0);
  if (outlierCols.length > 0) {
    out.push(`Outliers (more than ${OUTLIER_ROBUST_SDS} robust sds from the median; up to ${MAX_OUTLIERS_LISTED} per column)`);
    const hasDates = outlierCols.some((q) => q.outliers.some((o) => o.date !== undefined));
    out.push(
      ...table(
        ["column", "row", ...(hasDates ? ["date"] : []), "value", "robust z"],
        outlierCols.flatMap((q) =>
          q.outliers.map((o) => [q.column, o.row === undefined ? "–" : String(o.row), ...(hasDates ? [o.date ?? ""] : []), plainNumber(o.value), o.robustZ.toFixed(1)]),
        ),
        ["l", "r", ...(hasDates ? ["l" as const] : []), "r", "r"],
      ),
    );
    out.push("");
  }

  const total = report.warnings.length + report.datasetWarnings.length;
  if (total === 0) {
    out.push("No warnings.");
  } else {
    out.push(`Warnings (${total})`);
    for (const w of report.datasetWarnings) out.push(`- [data] ${w}`);
    for (const w of report.warnings) out.push(`- [${w.kind}] ${w.message}`);
  }
  return out.join("\n") + "\n";
}

/** Text form of checkGeoDataQuality's per-geo reports (formatDataQualityReport's per-geo part). */
export function formatGeoDataQualityReport(r: GeoDataQualityReport): string {
  return perGeoText(r.geos, r.geoNames);
}

/** Each geo's report that has warnings, in turn; the geos without warnings summed up in one line. */
function perGeoText(reports: DataQualityReport[], geoNames: string[]): string {
  const clean = geoNames.filter((_, g) => reports[g].warnings.length === 0);
  const parts = reports.filter((q) => q.warnings.length > 0).map(formatOneReport);
  if (clean.length > 0) parts.push(`No warnings in ${clean.length === geoNames.length ? "any geo" : `geo${clean.length > 1 ? "s" : ""} ${clean.join(", ")}`}.`);
  return parts.join("\n\n");
}
