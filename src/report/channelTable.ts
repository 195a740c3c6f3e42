// The report's channel table: per channel, spend, the KPI it contributed and
// its share, ROI and marginal ROI with their 94% intervals (the whole model:
// summed over the geos of a geo model).

import type { ChannelRoi } from "../analysis/roi.js";
import { capitalise, contributionsOf, kpiName, marginalRoiOf, roiOf, type ReportFit } from "./data.js";
import { escapeHtml, formatInteger, formatRatio, formatShare } from "./format.js";
import { channelColors } from "./theme.js";

/** Spend, contribution, share, ROI and marginal ROI per channel, of the whole model. */
export function channelTable(fit: ReportFit): string {
  const roi = roiOf(fit);
  const mroi = marginalRoiOf(fit);
  const c = contributionsOf(fit);
  const colors = channelColors(fit.channelNames);
  const iv = (x: ChannelRoi) => (x.mean === null ? `– <span class="range">(no spend)</span>` : `${formatRatio(x.mean)} <span class="range">(${formatRatio(x["hdi_3%"])}–${formatRatio(x["hdi_97%"])})</span>`);
  const rows = roi
    .map((r, i) => {
      const m = c.totals.media[i];
      return (
        `<tr><td><span class="swatch" style="background:${colors[i]}"></span>${escapeHtml(r.channel)}</td>` +
        `<td>${formatInteger(r.spend)}</td><td>${formatInteger(m.mean)}</td><td>${formatShare(m.share)}</td>` +
        `<td>${iv(r)}</td><td>${iv(mroi[i])}</td></tr>`
      );
    })
    .join("\n");
  const kpi = kpiName(fit);
  return (
    `<div class="table-wrap"><table id="channel-table"><thead><tr><th>Channel</th><th>Spend</th><th>${escapeHtml(capitalise(kpi))} contributed</th><th>Share of ${escapeHtml(kpi)}</th>` +
    `<th>ROI (94% interval)</th><th>Marginal ROI (94% interval)</th></tr></thead><tbody>\n${rows}\n</tbody></table></div>`
  );
}
