// Plain-text tables for the terminal.

import type { SummaryEntry } from "../index.js";

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

function num(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return "nan";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toFixed(digits);
}

export function formatSummaryTable(rows: SummaryEntry[]): string {
  return formatTable(
    ["", "mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "ess_bulk", "ess_tail", "r_hat"],
    rows.map((r) => [r.about ? `${r.name} (${r.about})` : r.name, num(r.mean), num(r.sd), num(r["hdi_3%"]), num(r["hdi_97%"]), num(r.mcse_mean), num(r.ess_bulk, 0), num(r.ess_tail, 0), num(r.r_hat, 3)]),
  );
}
