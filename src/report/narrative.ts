// The report's summary in plain words: how well the model fits, which
// channels pay back, where the next unit of spend works hardest, and what the
// sampler's checks mean for trusting the numbers. Returns text, not HTML.

import { hasRoi } from "../analysis/roi.js";
import { lockstepRuleWords } from "../diagnostics/index.js";
import { higherTargetAccept } from "../fit/config.js";
import { capitalise, contributionsOf, kpiName, marginalRoiOf, metricsOf, panelMetricsOf, panelRoiOf, periodWords, roiOf, type ReportFit } from "./data.js";
import { escapeHtml, formatInteger, formatPercent, formatRatio, formatShare, listWords } from "./format.js";

export interface Narrative {
  /** Findings, most important first. */
  findings: string[];
  /** Reasons to be careful with the numbers, in plain words (empty when all checks pass). */
  warnings: string[];
  /** The sampler's own warnings, verbatim, for the technically minded. */
  technical: string[];
  /** The fit ran one chain: its checks compare the chain's halves. */
  oneChain: boolean;
}

export function narrative(fit: ReportFit): Narrative {
  const kpi = kpiName(fit);
  const words = periodWords(fit);
  const m = metricsOf(fit);
  const c = contributionsOf(fit);
  // Channels that spent nothing have no ROI: they are named, not ranked.
  const spent = roiOf(fit).flatMap((r, i) => {
    const m = marginalRoiOf(fit)[i];
    return hasRoi(r) && hasRoi(m) ? [[r, m] as const] : [];
  });
  const unspent = roiOf(fit).filter((r) => !hasRoi(r)).map((r) => r.channel);
  const roi = spent.map(([r]) => r);
  const mroi = spent.map(([, m]) => m);
  const d = fit.diagnostics();
  const findings: string[] = [];
  const warnings: string[] = [];

  // Fit quality.
  const r2 = m.train.r2;
  const how = r2 >= 0.9 ? "closely" : r2 >= 0.75 ? "well" : r2 >= 0.5 ? "only roughly" : "poorly";
  let fitText =
    `The model tracks ${kpi} ${how}: it explains ${formatShare(Math.max(0, r2), 0)} of the ${words.one}-to-${words.one} variation in the ${m.train.periods} ${words.many} it was fitted to (R² ${r2.toFixed(2)}), ` +
    `and its predictions are off by ${formatPercent(m.train.mape)} in a typical ${words.one} (MAPE).`;
  if (m.test) {
    fitText += ` On the ${m.test.periods} later ${words.many} held out of the fit, it is off by ${formatPercent(m.test.mape)} in a typical ${words.one}.`;
  }
  findings.push(fitText);
  findings.push(...geoFindings(fit));
  if (r2 < 0.5) warnings.push(`The model explains less than half of the ups and downs in ${kpi}: something that drives ${kpi} may be missing from the data (a promotion, a price change, distribution). Treat the channel estimates with caution.`);
  if (m.test && m.test.mape > Math.max(2 * m.train.mape, m.train.mape + 5)) {
    warnings.push(`Predictions for the held-out ${words.many} are much less accurate than for the fitted ones (MAPE ${formatPercent(m.test.mape)} vs ${formatPercent(m.train.mape)}): the model may not forecast well.`);
  }

  // Contributions.
  const mediaShare = c.totals.media.reduce((a, x) => a + x.share, 0);
  const biggest = [...c.totals.media].sort((a, b) => b.mean - a.mean)[0];
  findings.push(
    `Media drove about ${formatShare(mediaShare, 0)} of ${kpi} over the fitted ${words.many}; the other ${formatShare(1 - mediaShare, 0)} is the baseline (what would have happened without media: trend, seasonality and the controls). ` +
      (biggest ? `The largest contributor is ${biggest.channel} (${formatShare(biggest.share)} of ${kpi}).` : ""),
  );

  // ROI.
  const byRoi = [...roi].sort((a, b) => b.mean - a.mean);
  if (byRoi.length) {
    const top = byRoi.slice(0, Math.min(3, byRoi.length));
    const [first, ...rest] = top;
    let text =
      `Best return on spend: ${first.channel}, with ${formatRatio(first.mean)} ${kpi} per unit spent (94% interval ${formatRatio(first["hdi_3%"])} to ${formatRatio(first["hdi_97%"])})`;
    if (rest.length) text += `, then ${listWords(rest.map((r) => `${r.channel} (${formatRatio(r.mean)})`))}`;
    text += ".";
    if (byRoi.length > 3) {
      const last = byRoi[byRoi.length - 1];
      text += ` Lowest: ${last.channel} (${formatRatio(last.mean)}).`;
    }
    findings.push(text);
  }

  if (unspent.length) findings.push(`${capitalise(listWords(unspent))} spent nothing over the fitted ${words.many}, so ${unspent.length === 1 ? "it has" : "they have"} no return on spend to report.`);

  // Marginal ROI and saturation.
  const byM = [...mroi].sort((a, b) => b.mean - a.mean);
  if (byM.length > 1) {
    const saturated = roi.filter((r, i) => mroi[i].mean < 0.5 * r.mean).map((r) => r.channel);
    let text = `The next unit of spend would work hardest in ${byM[0].channel} (marginal ROI ${formatRatio(byM[0].mean)}) and least in ${byM[byM.length - 1].channel} (${formatRatio(byM[byM.length - 1].mean)}).`;
    if (saturated.length) {
      text += ` ${capitalise(listWords(saturated))} ${saturated.length === 1 ? "is" : "are"} nearing saturation: extra spend there returns less than half of ${saturated.length === 1 ? "its" : "their"} average.`;
    }
    findings.push(text);
  }
  const vague = roi.filter((r) => r["hdi_97%"] - r["hdi_3%"] > 1.5 * Math.abs(r.mean) && r.mean > 0).map((r) => r.channel);
  if (vague.length) {
    findings.push(`The data say little about the return of ${listWords(vague)}: ${vague.length === 1 ? "its" : "their"} ROI interval is wider than its estimate. Varying the spend of ${vague.length === 1 ? "this channel" : "these channels"} (or a test) would sharpen it.`);
  }

  // Sampler checks, in plain words.
  if (d.max_r_hat > 1.01) {
    warnings.push(
      d.chains === 1
        ? `The estimates have not fully settled: the first and second halves of the model's single run (chain) disagree (R-hat up to ${d.max_r_hat.toFixed(3)}; below 1.01 is good). Treat the numbers as provisional and refit with several chains (--chains 4): one chain cannot show whether it found every plausible region.`
        : `The estimates have not fully settled: the model's independent runs (chains) still disagree (R-hat up to ${d.max_r_hat.toFixed(3)}; below 1.01 is good). Treat the numbers as provisional; the technical warnings from the sampler (below) list what to try, in order. If the chains still disagree after that, the parameters those warnings name trade off and need a stronger prior or a simpler model.`,
    );
  }
  if (d.divergences > 0) {
    warnings.push(`The fitting algorithm ran into numerical trouble ${d.divergences} time${d.divergences === 1 ? "" : "s"} (divergent transitions), so some estimates may be biased. Refitting with a higher target acceptance (--target-accept ${higherTargetAccept(fit.record.config.sampler.targetAccept)}) usually fixes this.`);
  }
  const lowBfmi = d.e_bfmi.filter((b) => b < 0.3).length;
  if (lowBfmi > 0) warnings.push(`In ${lowBfmi} of ${d.chains} chain${d.chains === 1 ? "" : "s"} the algorithm explored the range of plausible values poorly (E-BFMI below 0.3): uncertainty may be understated.`);
  const essNeeded = 100 * d.chains;
  if (Number.isFinite(d.min_ess_bulk) && d.min_ess_bulk < essNeeded) {
    warnings.push(`Some quantities rest on few effectively independent draws (as few as ${Math.round(d.min_ess_bulk)}; ${essNeeded} or more is good): intervals are rough. More draws would sharpen them.`);
  }
  if (d.max_tree_depth_hits > 0) warnings.push(`The algorithm hit its step limit ${d.max_tree_depth_hits} times (maximum tree depth): results stand, but fitting was slow and may be less reliable.`);
  if (d.interrupted) warnings.push("The fit was interrupted: the numbers rest on fewer draws than asked for.");
  return { findings, warnings, technical: d.warnings, oneChain: d.chains === 1 };
}

/**
 * A geo model's findings per geo: the range of the fit over the geos, and for
 * each channel the geos where it returns most and least (none for national models).
 */
function geoFindings(fit: ReportFit): string[] {
  const perGeo = panelMetricsOf(fit).perGeo;
  if (perGeo.length < 2) return [];
  const kpi = kpiName(fit);
  const byR2 = [...perGeo].sort((a, b) => a.train.r2 - b.train.r2);
  const worst = byR2[0];
  const best = byR2[byR2.length - 1];
  const poor = perGeo.filter((g) => g.train.r2 < 0.5).map((g) => g.geo);
  const out = [
    `Across the ${perGeo.length} geos the fit ranges from R² ${worst.train.r2.toFixed(2)} in ${worst.geo} to ${best.train.r2.toFixed(2)} in ${best.geo}` +
      (poor.length ? `; in ${listWords(poor)} the model explains less than half of the ups and downs in ${kpi}.` : "."),
  ];
  const roi = panelRoiOf(fit).perGeo;
  const spreads = fit.channelNames.flatMap((channel, c) => {
    const ranked = roi.flatMap((g) => (hasRoi(g.channels[c]) ? [{ geo: g.geo, mean: g.channels[c].mean }] : [])).sort((a, b) => b.mean - a.mean);
    return ranked.length > 1 ? [`${channel} ${formatRatio(ranked[0].mean)} in ${ranked[0].geo} to ${formatRatio(ranked[ranked.length - 1].mean)} in ${ranked[ranked.length - 1].geo}`] : [];
  });
  if (spreads.length) out.push(`Return on spend differs by geo (highest to lowest): ${listWords(spreads)}. The table "ROI by geo" has every geo.`);
  return out;
}

/** The report's "At a glance" section: the findings, then what to read with care (or that the checks passed) and the sampler's own notes. */
export function summarySection(fit: ReportFit): string {
  const story = narrative(fit);
  const warnings = story.warnings.length
    ? `<div class="callout warn" id="warnings"><p><strong>Read with care:</strong></p><ul>${story.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul></div>`
    : `<div class="callout ok" id="warnings"><p><strong>The fitting checks passed:</strong> ${story.oneChain ? "the two halves of the single run agree" : "the independent runs agree"} and no numerical problems were found, so the numbers below are reliable within the model's assumptions.</p></div>`;
  const technical = story.technical.length
    ? `<details><summary>Technical warnings from the sampler</summary><ul>${story.technical.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul></details>`
    : "";
  return `<section id="summary">
<h2>At a glance</h2>
<ul class="findings">
${story.findings.map((f) => `<li>${escapeHtml(f)}</li>`).join("\n")}
</ul>
${warnings}
${technical}
</section>`;
}

/** The sampler's run in one paragraph: chains, draws, warm-up, seed, time, divergences, R-hat and ESS. */
export function samplerSentence(fit: ReportFit): string {
  const d = fit.diagnostics();
  const ext = d.extension;
  // Chains that went on while they disagreed: say from how many draws, and what R-hat was then.
  const wentOn =
    ext && ext.r_hat.length > 1
      ? ` After ${formatInteger(ext.asked)} draws the chains did not yet agree (${
          ext.nested_r_hat
            ? `nested R-hat ${(ext.nested_r_hat[0] ?? NaN).toFixed(3)}, R-hat ${ext.r_hat[0]!.toFixed(3)}; agreement for many chains in lockstep is ${lockstepRuleWords(true)}`
            : `R-hat ${ext.r_hat[0]!.toFixed(3)}, smallest ESS ${Math.round(ext.min_ess[0] ?? NaN)}; agreement is R-hat at most 1.01 and ESS at least 100 per chain`
        }), so each went on where it was, ${formatInteger(ext.asked)} draws at a time, until they agreed or reached ${formatInteger(ext.most)}.`
      : "";
  return (
    `<p>${d.chains} chain${d.chains === 1 ? "" : "s"} × ${formatInteger(d.draws)} draws after ${formatInteger(d.warmup)} warm-up iterations (seed ${d.seed}), ${d.wall_seconds.toFixed(1)} s; ` +
    `${d.divergences} divergent transitions; largest R-hat ${Number.isFinite(d.max_r_hat) ? d.max_r_hat.toFixed(3) : "–"}; smallest bulk ESS ${Number.isFinite(d.min_ess_bulk) ? Math.round(d.min_ess_bulk) : "–"}.${wentOn}</p>`
  );
}
