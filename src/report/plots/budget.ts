// The budget allocation plot: current against optimised spend per channel.

import { formatAmount, formatChange, formatInteger } from "../format.js";
import { ACCENT, AMOUNT_LABELS, INK, baseSpec, type VegaLiteSpec } from "../theme.js";
import type { PlotOptions, Row } from "./common.js";

/** An optimizer's answer (or any two allocations to compare), in the user's units. */
export interface BudgetAllocation {
  channels: string[];
  spendBefore: number[];
  spendAfter: number[];
  /** KPI at the current allocation: a number or a mean with a 94% interval. */
  kpiBefore: number | KpiInterval;
  kpiAfter: number | KpiInterval;
  /** KPI after minus before, draw by draw (its interval is narrower than the difference of the two intervals). */
  uplift?: number | KpiInterval;
  /** Planning periods the spends and KPIs cover. */
  periods?: number;
  /** The optimizer's own note (convergence and the like). */
  message?: string;
}

export interface KpiInterval {
  mean: number;
  "hdi_3%"?: number;
  "hdi_97%"?: number;
  low?: number;
  high?: number;
}

export function kpiBand(v: number | KpiInterval): { mean: number; low?: number; high?: number } {
  if (typeof v === "number") return { mean: v };
  return { mean: v.mean, low: v["hdi_3%"] ?? v.low, high: v["hdi_97%"] ?? v.high };
}

/** Spend per channel before and after, with the KPI before and after (and its uplift) beside it. */
export function budgetAllocationSpec(
  a: BudgetAllocation,
  o: PlotOptions & { kpi?: string; channelOrder?: string[]; periodsWord?: string } = {},
): VegaLiteSpec {
  const kpi = o.kpi ?? "KPI";
  const over = a.periods !== undefined ? ` over the next ${a.periods} ${o.periodsWord ?? "periods"}` : "";
  const channels = a.channels;
  if (a.spendBefore.length !== channels.length || a.spendAfter.length !== channels.length) {
    throw new RangeError(`budget allocation: ${channels.length} channels but ${a.spendBefore.length} spends before and ${a.spendAfter.length} after`);
  }
  const scenarios = ["Current", "Optimised"];
  const spendRows: Row[] = [];
  channels.forEach((channel, i) => {
    const before = a.spendBefore[i];
    const after = a.spendAfter[i];
    spendRows.push({ channel, scenario: "Current", spend: before, label: formatAmount(before) });
    spendRows.push({ channel, scenario: "Optimised", spend: after, label: `${formatAmount(after)} (${before > 0 ? formatChange(after / before - 1, 0) : "new"})` });
  });
  const kb = kpiBand(a.kpiBefore);
  const ka = kpiBand(a.kpiAfter);
  const kpiRows = [
    { scenario: "Current", ...kb, label: formatInteger(kb.mean) },
    { scenario: "Optimised", ...ka, label: formatInteger(ka.mean) },
  ];
  const upBand = a.uplift !== undefined ? kpiBand(a.uplift) : { mean: ka.mean - kb.mean, low: undefined, high: undefined };
  const uplift = upBand.mean;
  const signed = (v: number) => `${v >= 0 ? "+" : ""}${formatAmount(v)}`;
  const totalBefore = a.spendBefore.reduce((x, y) => x + y, 0);
  const totalAfter = a.spendAfter.reduce((x, y) => x + y, 0);
  const sameTotal = Math.abs(totalAfter - totalBefore) <= 1e-6 * Math.max(1, totalBefore);
  const scenarioColor = { field: "scenario", type: "nominal", scale: { domain: scenarios, range: ["#9ecae9", ACCENT] }, legend: { title: null, orient: "top", direction: "horizontal", symbolType: "square" } };
  const maxSpend = Math.max(...a.spendBefore, ...a.spendAfter, 0);
  const spendX = { field: "spend", type: "quantitative", title: "Spend", scale: { domain: [0, maxSpend * 1.35] }, axis: { ...AMOUNT_LABELS, tickCount: 6 } };
  const kpiLo = Math.min(...kpiRows.map((r) => r.low ?? r.mean));
  const kpiHi = Math.max(...kpiRows.map((r) => r.high ?? r.mean));
  const kpiPad = 0.25 * (kpiHi - kpiLo || Math.abs(kpiHi) * 0.05 || 1);
  const kpiY = { type: "quantitative", title: `Expected ${kpi}`, scale: { zero: false, domain: [kpiLo - kpiPad, kpiHi + kpiPad] }, axis: AMOUNT_LABELS };
  const hasBands = kpiRows.every((r) => r.low !== undefined && r.high !== undefined);
  const kpiX = { field: "scenario", type: "nominal", sort: scenarios, title: null, axis: { labelAngle: 0, labelFontSize: 12 }, scale: { padding: 0.6 } };
  const kpiLayers: Row[] = [
    { mark: { type: "point", filled: true, size: 140, opacity: 1 }, encoding: { x: kpiX, y: { field: "mean", ...kpiY }, color: scenarioColor } },
    { mark: { type: "text", align: "left", dx: 10, fontSize: 12, color: INK }, encoding: { x: kpiX, y: { field: "mean", ...kpiY }, text: { field: "label" } } },
  ];
  if (hasBands) {
    kpiLayers.unshift({ mark: { type: "rule", strokeWidth: 2.5 }, encoding: { x: kpiX, y: { field: "low", ...kpiY }, y2: { field: "high" }, color: scenarioColor } });
  }
  const relative = kb.mean !== 0 ? ` (${formatChange(uplift / kb.mean)})` : "";
  return {
    ...baseSpec(
      `Budget allocation: ${uplift >= 0 ? "+" : ""}${formatAmount(uplift)} ${kpi}${relative}` + (sameTotal ? " for the same total spend" : ""),
      [
        `Left: spend per channel${over} in today's mix and as the optimizer suggests (labels: spend and change). Right: expected ${kpi}${over}` + (hasBands ? " with 94% intervals." : "."),
        ...(upBand.low !== undefined && upBand.high !== undefined
          ? [`The gain itself, draw by draw: 94% interval ${signed(upBand.low)} to ${signed(upBand.high)} ${kpi}.`]
          : []),
      ],
    ),
    hconcat: [
      {
        width: o.width ? Math.round(o.width * 0.62) : 420,
        height: { step: 16 },
        data: { values: spendRows },
        encoding: {
          y: { field: "channel", type: "nominal", sort: o.channelOrder ?? channels, title: null, axis: { labelFontSize: 12 } },
          yOffset: { field: "scenario", type: "nominal", sort: scenarios },
        },
        layer: [
          { mark: { type: "bar" }, encoding: { x: spendX, color: scenarioColor } },
          { mark: { type: "text", align: "left", dx: 4, fontSize: 10, color: INK }, encoding: { x: spendX, text: { field: "label" } } },
        ],
      },
      { width: 170, height: 200, data: { values: kpiRows }, layer: kpiLayers },
    ],
  };
}
