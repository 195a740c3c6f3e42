// What every plot builder shares: options, inline data, the channel colours and the time axis.

import { capitalise, periodWords, type ReportFit } from "../data.js";
import { formatPercent } from "../format.js";
import { channelColors } from "../theme.js";

export interface PlotOptions {
  /** Posterior draws used for curves computed from draws (evenly thinned); default 500. */
  maxDraws?: number;
  /** Width in pixels of a single-panel plot (default 680). */
  width?: number;
}

export type Row = Record<string, unknown>;

/** Inline data with numbers cut to 5 significant digits: plenty for a plot, and half the bytes. */
export function inline(rows: Row[]): { values: Row[] } {
  const round = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(5)) : v);
  return { values: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]))) };
}

export function channelScale(fit: ReportFit) {
  return { domain: fit.channelNames, range: channelColors(fit.channelNames) };
}

/** Per-row time values and the matching x encoding: dates when the data have them, else the period number. */
export function timeAxis(fit: ReportFit): { value: (t: number) => Row; x: Row } {
  const dates = fit.record.dataset.dates;
  const words = periodWords(fit);
  if (dates && dates.length === fit.record.dataset.T) {
    return {
      value: (t) => ({ date: dates[t], period: t + 1 }),
      x: { field: "date", type: "temporal", title: null, scale: { type: "utc" }, axis: { format: "%b %Y", labelAngle: 0, tickCount: 8, grid: false } },
    };
  }
  return {
    value: (t) => ({ period: t + 1 }),
    x: { field: "period", type: "quantitative", title: capitalise(words.one), axis: { tickMinStep: 1, grid: false } },
  };
}

export function metricText(m: { r2: number; mape: number } | undefined, where: string): string {
  return m ? `R² ${m.r2.toFixed(2)}, MAPE ${formatPercent(m.mape)} ${where}` : "";
}
