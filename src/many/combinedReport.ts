// The combined report: one self-contained HTML page with the slices side by
// side: per channel, each slice's ROI as a point with its 94% interval on a
// scale shared by all slices, so markets compare at a glance; then the
// convergence of each fit, and the failed slices with their reasons.

import type { SliceSummary } from "./sliceRecord.js";
import { describeKey } from "./slices.js";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : "–");

/** A point with an interval bar on [lo, hi] of a shared axis, as inline SVG. */
function intervalSvg(mean: number, low: number, high: number, axis: { lo: number; hi: number }): string {
  const W = 160;
  const H = 14;
  const x = (v: number) => (Number.isFinite(v) ? (W * (v - axis.lo)) / (axis.hi - axis.lo || 1) : 0);
  const zero = axis.lo < 0 && axis.hi > 0 ? `<line x1="${x(0)}" x2="${x(0)}" y1="0" y2="${H}" stroke="#bbb"/>` : "";
  return (
    `<svg width="${W}" height="${H}" role="img" aria-label="ROI ${num(mean)} (${num(low)} to ${num(high)})">${zero}` +
    `<line x1="${x(low)}" x2="${x(high)}" y1="${H / 2}" y2="${H / 2}" stroke="#4c78a8" stroke-width="3"/>` +
    `<circle cx="${x(mean)}" cy="${H / 2}" r="3.5" fill="#1f3b5c"/></svg>`
  );
}

export function combinedReportHtml(summaries: SliceSummary[], o: { by: string[]; title: string }): string {
  const ok = summaries.filter((s) => s.status === "ok" && s.run);
  const channels = ok[0]?.run?.channels.map((c) => c.channel) ?? [];
  const axes = channels.map((_, c) => {
    let lo = 0;
    let hi = 0;
    for (const s of ok) {
      const ch = s.run!.channels[c];
      if (Number.isFinite(ch.roi_low)) lo = Math.min(lo, ch.roi_low);
      if (Number.isFinite(ch.roi_high)) hi = Math.max(hi, ch.roi_high);
    }
    return { lo, hi };
  });
  const head = `<tr><th>${o.by.map(esc).join(" / ")}</th>${channels.map((c, i) => `<th>${esc(c)} ROI<br><small>axis ${num(axes[i].lo)} to ${num(axes[i].hi)}</small></th>`).join("")}<th>R²</th><th>max R-hat</th><th>min ESS</th><th>divergences</th><th>converged</th></tr>`;
  const body = ok
    .map((s) => {
      const r = s.run!;
      const cells = r.channels
        .map((c, i) => `<td>${intervalSvg(c.roi, c.roi_low, c.roi_high, axes[i])}<br><small>${num(c.roi)} [${num(c.roi_low)}, ${num(c.roi_high)}]</small></td>`)
        .join("");
      const conv = s.record?.converged ? "yes" : `<span class="bad">no</span><br><small>${esc(s.record?.convergence_issues.join("; ") ?? "")}</small>`;
      return `<tr><td><a href="slices/${encodeURIComponent(s.id)}/">${esc(Object.values(s.key).join(" / "))}</a></td>${cells}<td>${num(r.metrics.r2)}</td><td>${num(r.metrics.max_r_hat, 3)}</td><td>${num(r.metrics.min_ess_bulk, 0)}</td><td>${divergenceCell(r.metrics.divergences)}</td><td>${conv}</td></tr>`;
    })
    .join("\n");
  const notOk = summaries.filter((s) => s.status !== "ok");
  const failedList = notOk.length
    ? `<h2>Slices without results (${notOk.length})</h2><ul>${notOk
        .map((s) => `<li><b>${esc(describeKey(s.key))}</b>: ${esc(s.status)}${s.failure ? ` (${esc(s.failure.kind)}): ${esc(s.failure.reason)}` : ""}</li>`)
        .join("")}</ul>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:middle}
th{position:sticky;top:0;background:#fff}
small{color:#666}.bad{color:#b00;font-weight:600}.warn{color:#a60}
</style></head><body>
<h1>${esc(o.title)}</h1>
<p>${ok.length} of ${summaries.length} slices fitted${notOk.length ? `, ${notOk.length} without results` : ""}. One model per slice, all with the same options.
ROI is the channel's contribution per unit of spend over the training rows: the point is the posterior mean, the bar its 94% highest-density interval; each channel's axis is shared by all slices.
Each slice's own outputs are in its folder (linked).</p>
<table><thead>${head}</thead><tbody>
${body}
</tbody></table>
${failedList}
<footer><p><small>Made with mmm-wasm. Combined table: combined.csv; what was fitted with which data and options: manifest.json.</small></p></footer>
</body></html>
`;
}

/** Divergences are shown beside the convergence flag, marked when there are any (see runs/runRecord divergenceNotes). */
function divergenceCell(n: number): string {
  return n > 0 ? `<span class="warn" title="divergent transitions after warm-up: the posterior may be biased where they occur">${n}</span>` : "0";
}
