// The geo report's tables: ROI by geo, each geo's share of the suggested
// budget, and each geo's response to its own average spend (the media
// transforms are the channel's, shared by the geos; coef_media is per geo).

import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { OptimizerOutcome } from "./budget.js";
import { DEFAULT_MAX_DRAWS, kpiName, periodWords } from "./data.js";
import { escapeHtml, formatAmount, formatChange, formatInteger, formatRatio } from "./format.js";
import { steadySpendResponses } from "./plots/transforms.js";
import { band } from "./stats.js";

/** A plain table: header cells and rows of text, escaped; `id` names it. */
export function table(header: string[], rows: string[][], id?: string): string {
  return `<table${id ? ` id="${id}"` : ""}><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** Per geo and channel: spend, ROI and its interval over the training dates, and the geo's R². */
export function geoRoiTable(fit: FittedGeoMMM): string {
  const m = fit.metrics();
  const rows = fit.roi().perGeo.flatMap((g, gi) =>
    g.channels.map((r) => [g.geo, r.channel, formatAmount(r.spend), formatRatio(r.mean), r.mean === null ? "no spend" : `${formatRatio(r["hdi_3%"])} to ${formatRatio(r["hdi_97%"])}`, formatRatio(m.perGeo[gi].train.r2)]),
  );
  return table(["geo", "channel", "spend", "ROI", "94% interval", "geo R²"], rows);
}

/** The optimizer's spend per geo and channel over the plan, before and after (a geo optimizer's answer; "" for any other). */
export function geoBudgetSplit(outcome: OptimizerOutcome | undefined): string {
  if (outcome?.status !== "ok") return "";
  const r = outcome.result as { geos?: string[]; split?: string; spend_before_by_geo?: Record<string, Record<string, number>>; spend_after_by_geo?: Record<string, Record<string, number>> };
  const before = r.spend_before_by_geo;
  const after = r.spend_after_by_geo;
  if (!r.geos || !before || !after) return "";
  const channels = Object.keys(after);
  const rows = r.geos.flatMap((geo) =>
    channels.map((c) => {
      const b = before[c]?.[geo] ?? 0;
      const s = after[c]?.[geo] ?? 0;
      return [geo, c, formatInteger(b), formatInteger(s), b > 0 ? formatChange(s / b - 1) : "new"];
    }),
  );
  const how =
    r.split === "per_geo"
      ? "Every channel and geo was optimised on its own."
      : "Each channel's suggested total is split across the geos by the geo's share of the channel's spend on the training dates, as LightweightMMM's geo optimizer does (mmm optimize --per-geo optimises every channel and geo on its own).";
  return `<h3>The suggested budget by geo</h3><p>${escapeHtml(how)}</p><div class="table-wrap">${table(["Geo", "Channel", "Spend in today's mix", "Suggested spend", "Change"], rows, "budget-geo-table")}</div>`;
}

/**
 * Each channel's steady response at each geo's own average spend per period
 * (training dates), with the whole model's (the sum over the geos) first.
 */
export function geoResponseTable(fit: FittedGeoMMM, maxDraws = DEFAULT_MAX_DRAWS): string {
  const kpi = kpiName(fit);
  const words = periodWords(fit);
  const rows: string[][] = [];
  const cells = (spend: number, draws: ArrayLike<number>) => {
    const b = band(draws);
    return [formatAmount(spend), `${formatAmount(b.mean)} (${formatAmount(b.low)} to ${formatAmount(b.high)})`, spend > 0 ? formatRatio(b.mean / spend) : "no spend"];
  };
  const responses = steadySpendResponses(fit, maxDraws);
  for (const r of responses) {
    const total = new Float64Array(r.draws[0]?.length ?? 0);
    for (const d of r.draws) for (let k = 0; k < total.length; k++) total[k] += d[k];
    rows.push(["all geos", r.channel, ...cells(r.spendPerGeo.reduce((a, v) => a + v, 0), total)]);
  }
  for (const [g, geo] of fit.geoNames.entries()) for (const r of responses) rows.push([geo, r.channel, ...cells(r.spendPerGeo[g], r.draws[g])]);
  return (
    `<h3>Each geo at its own average spend</h3>` +
    `<p>The saturation and carry-over of a channel are shared by the geos; how much ${escapeHtml(kpi)} a unit of its media brings differs by geo. ` +
    `Extra ${escapeHtml(kpi)} per ${words.one} when each geo spends its own average per ${words.one} every ${words.one} (after carry-over settles), with the 94% interval, and that per unit of spend; the rows "all geos" sum the geos and match the saturation curves at their dashed lines.</p>` +
    `<div class="table-wrap">${table(["Geo", "Channel", `Average spend per ${words.one}`, `Extra ${kpi} per ${words.one} (94% interval)`, "Per unit of spend"], rows, "geo-response-table")}</div>`
  );
}
