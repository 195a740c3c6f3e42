// The report's budget section: the optimizer's suggested split of a budget
// against today's mix, with the KPI expected from each, or why it is missing.

import type { OptimizerOutcome } from "./budget.js";
import { kpiName, periodWords, type ReportFit } from "./data.js";
import { escapeHtml, formatAmount, formatChange, formatInteger } from "./format.js";
import { kpiBand, type BudgetAllocation } from "./plots.js";

/** The suggested budget: the optimizer's split against today's mix, or why there is none; `more` (a geo model's split per geo) closes the section. */
export function budgetSection(
  fit: ReportFit,
  outcome: OptimizerOutcome | undefined,
  allocation: BudgetAllocation | undefined,
  plot: string | undefined,
  more = "",
): string {
  const kpi = kpiName(fit);
  if (!outcome && !allocation) {
    return `<section id="budget"><h2>Budget</h2><p>The budget section was left out. Run <code>mmm report &lt;folder&gt; --budget &lt;total&gt;</code> to add the optimizer's suggested split of a budget.</p></section>`;
  }
  if (outcome && outcome.status !== "ok" && !allocation) {
    const why = outcome.status === "unavailable" ? outcome.message : `The optimizer could not find an allocation: ${outcome.message}`;
    return `<section id="budget"><h2>Budget</h2><div class="callout warn" id="optimizer-unavailable"><p>${escapeHtml(why)} The requested budget was ${escapeHtml(formatInteger(outcome.budget))}.</p></div></section>`;
  }
  const a = allocation!;
  const words = periodWords(fit);
  const before = kpiBand(a.kpiBefore);
  const after = kpiBand(a.kpiAfter);
  const up = a.uplift !== undefined ? kpiBand(a.uplift) : { mean: after.mean - before.mean };
  const over = a.periods !== undefined ? ` over the next ${a.periods} ${a.periods === 1 ? words.one : words.many}` : "";
  const total = a.spendAfter.reduce((x, y) => x + y, 0);
  const rows = a.channels
    .map((ch, i) => {
      const b = a.spendBefore[i];
      const s = a.spendAfter[i];
      return `<tr><td>${escapeHtml(ch)}</td><td>${formatInteger(b)}</td><td>${formatInteger(s)}</td><td>${b > 0 ? formatChange(s / b - 1) : "new"}</td></tr>`;
    })
    .join("\n");
  const band = (x: { mean: number; low?: number; high?: number }) =>
    x.low !== undefined && x.high !== undefined ? `${formatAmount(x.mean)} (94% interval ${formatAmount(x.low)} to ${formatAmount(x.high)})` : formatAmount(x.mean);
  const sign = (v: number) => (v >= 0 ? "+" : "");
  const upText =
    `${sign(up.mean)}${formatAmount(up.mean)}` +
    (before.mean ? ` (${formatChange(up.mean / before.mean)})` : "") +
    (up.low !== undefined && up.high !== undefined ? `, likely between ${sign(up.low)}${formatAmount(up.low)} and ${sign(up.high)}${formatAmount(up.high)}` : "");
  return (
    `<section id="budget"><h2>Suggested budget</h2>` +
    `<p>Spending ${formatInteger(total)}${over} as suggested below instead of in today's mix changes expected ${escapeHtml(kpi)} from ${band(before)} to ${band(after)}: ` +
    `<strong>${escapeHtml(upText)}</strong>.</p>` +
    (plot ?? "") +
    `<div class="table-wrap"><table id="budget-table"><thead><tr><th>Channel</th><th>Spend in today's mix</th><th>Suggested spend</th><th>Change</th></tr></thead><tbody>\n${rows}\n</tbody></table></div>` +
    (a.message ? `<p class="note">Optimizer: ${escapeHtml(a.message)}</p>` : "") +
    more +
    `</section>`
  );
}
