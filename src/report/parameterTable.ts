// The report's posterior summary table: every parameter on the model's
// internal scale, its channel named, R-hat above 1.01 marked.

import type { ReportFit } from "./data.js";
import { escapeHtml, formatParameter } from "./format.js";
import { labelWithChannel } from "./plots.js";

function channelOf(fit: ReportFit, name: string): string {
  const label = labelWithChannel(fit, name);
  return label === name ? "" : ` <span class="range">${escapeHtml(label.slice(name.length + 3))}</span>`;
}

/** The table of fit.summary(), one row per parameter element. */
export function parameterTable(fit: ReportFit): string {
  const rows = fit
    .summary()
    .map((r) => {
      const bad = r.r_hat > 1.01;
      return (
        `<tr><td>${escapeHtml(r.name)}${channelOf(fit, r.name)}</td>` +
        [r.mean, r.sd, r["hdi_3%"], r["hdi_97%"], r.mcse_mean].map((v) => `<td>${formatParameter(v)}</td>`).join("") +
        `<td>${Number.isFinite(r.ess_bulk) ? Math.round(r.ess_bulk) : "–"}</td><td>${Number.isFinite(r.ess_tail) ? Math.round(r.ess_tail) : "–"}</td>` +
        `<td${bad ? ' class="bad"' : ""}>${Number.isFinite(r.r_hat) ? r.r_hat.toFixed(3) : "–"}</td></tr>`
      );
    })
    .join("\n");
  return (
    `<div class="table-wrap"><table id="parameter-table"><thead><tr><th>Parameter</th><th>Mean</th><th>SD</th><th>HDI 3%</th><th>HDI 97%</th><th>MCSE</th><th>ESS bulk</th><th>ESS tail</th><th>R-hat</th></tr></thead>` +
    `<tbody>\n${rows}\n</tbody></table></div>`
  );
}
