// The report's lift-test table: each experiment's measured lift against the
// model's (analysis/liftTestCheck.ts), marked calibrated or not; given the
// same model fitted without the experiments, its lift too (before and after
// calibration side by side).

import type { LiftTestCheck } from "../analysis/liftTestCheck.js";
import type { LiftTest } from "../model/liftTests.js";
import { escapeHtml, formatAmount } from "./format.js";

/** What the section reads of a fit, national or geo. */
export interface LiftCheckedFit {
  liftTestCheck(tests: readonly LiftTest[]): LiftTestCheck[];
  readonly record: { readonly config: { readonly liftTests?: LiftTest[] } };
}

/** A lift and its 94% interval as a table cell. */
function liftCell(m: LiftTestCheck["model"]): string {
  return `<td>${formatAmount(m.mean)} <span class="range">(${formatAmount(m["hdi_3%"])}–${formatAmount(m["hdi_97%"])})</span></td>`;
}

/** The lift tests the report compares with the model: those given, else those the fit was calibrated on. */
export function liftTestsToCompare(fit: LiftCheckedFit, tests: readonly LiftTest[] | undefined): readonly LiftTest[] | undefined {
  return tests ?? fit.record.config.liftTests;
}

/**
 * The section, or "" when there is nothing to compare; a geo fit's table has a
 * geo column. `before`: the same model fitted without the experiments, whose
 * lifts fill a "before calibration" column.
 */
export function liftTestSection(fit: LiftCheckedFit, tests: readonly LiftTest[] | undefined, before?: LiftCheckedFit): string {
  const chosen = liftTestsToCompare(fit, tests);
  if (!chosen?.length) return "";
  const checks = fit.liftTestCheck(chosen);
  const beforeChecks = before?.liftTestCheck(chosen);
  const geo = checks.some((c) => c.geo !== undefined);
  const rows = checks
    .map((c, i) => {
      const when = c.dateStart || c.dateEnd ? `${c.dateStart ?? "…"} to ${c.dateEnd ?? "…"}` : "–";
      return (
        `<tr><td>${escapeHtml(c.channel)}</td>${geo ? `<td>${escapeHtml(c.geo ?? "")}</td>` : ""}<td>${escapeHtml(when)}</td>` +
        `<td>${formatAmount(c.x)} → ${formatAmount(c.x + c.deltaX)}</td>` +
        `<td>${formatAmount(c.measured)} ± ${formatAmount(c.sigma)}</td>` +
        (beforeChecks ? liftCell(beforeChecks[i]!.model) : "") +
        liftCell(c.model) +
        `<td>${c.z >= 0 ? "+" : ""}${c.z.toFixed(1)}</td><td>${c.calibrated ? "yes" : "no"}</td></tr>`
      );
    })
    .join("\n");
  const calibrated = checks.some((c) => c.calibrated);
  const modelHeads = beforeChecks
    ? "<th>Model's lift before calibration (94% interval)</th><th>Model's lift after calibration (94% interval)</th>"
    : "<th>Model's lift (94% interval)</th>";
  const said = beforeChecks
    ? "before calibration (the same model fitted without the experiments) and after it (calibrated on the experiments marked yes)"
    : calibrated
      ? "after calibration on the experiments marked yes"
      : "before calibration (the model was not fitted to these experiments)";
  return (
    `<h3 id="lift-tests">Experiments (lift tests)</h3>` +
    `<p>Each experiment's measured lift per period against the model's lift for the same change of spend ${said}; the difference is in the experiment's standard errors${beforeChecks ? ", after calibration" : ""}.</p>` +
    `<div class="table-wrap"><table id="lift-table"><thead><tr><th>Channel</th>${geo ? "<th>Geo</th>" : ""}<th>When</th><th>Spend per period</th><th>Measured lift</th>${modelHeads}<th>Difference (SEs)</th><th>Calibrated on it</th></tr></thead>` +
    `<tbody>\n${rows}\n</tbody></table></div>`
  );
}
