// Sampler diagnostics: rank plots of the worst-mixing parameters and divergences.

import { chainDrawsOf, type ReportFit } from "../data.js";
import { formatAmount } from "../format.js";
import { pooledRanksPerChain, thinIndices } from "../stats.js";
import { AMOUNT_LABELS, MUTED, WARN, baseSpec, type VegaLiteSpec } from "../theme.js";
import { type PlotOptions, type Row, inline } from "./common.js";

/** The parameters that mixed worst: highest R-hat and lowest bulk ESS (up to `count`, no repeats). */
export function worstMixingParameters(fit: ReportFit, count = 4): string[] {
  const s = fit.summary().filter((r) => Number.isFinite(r.r_hat) && Number.isFinite(r.ess_bulk));
  const byRhat = [...s].sort((a, b) => b.r_hat - a.r_hat);
  const byEss = [...s].sort((a, b) => a.ess_bulk - b.ess_bulk);
  const out: string[] = [];
  for (let i = 0; out.length < Math.min(count, s.length); i++) {
    for (const r of [byRhat[i], byEss[i]]) if (r && !out.includes(r.name) && out.length < count) out.push(r.name);
  }
  return out;
}

/**
 * A parameter label with what it is about (the summary's `about`: a channel,
 * an extra column, a geo, a day): coef_media[1] -> "coef_media[1] · search".
 */
export function labelWithChannel(fit: ReportFit, label: string): string {
  const about = fit.summary().find((r) => r.name === label)?.about;
  return about ? `${label} · ${about}` : label;
}

/** Divergence marks drawn at most, over all panels (they pile up; more would only weigh the SVG down). */
const MAX_DIVERGENCE_MARKS = 300;

/** Rank plots of the worst-mixing parameters (one line per chain), divergent transitions marked. */
export function samplerDiagnosticsSpec(fit: ReportFit, o: PlotOptions & { parameters?: number } = {}): VegaLiteSpec {
  const names = worstMixingParameters(fit, o.parameters ?? 4);
  const labels = fit.layout.labels();
  const summary = new Map(fit.summary().map((r) => [r.name, r]));
  const chains = chainDrawsOf(fit);
  const dim = fit.layout.dim;
  const nChains = chains.length;
  const perChain = Math.min(...chains.map((c) => c.length / dim));
  const bins = Math.max(5, Math.min(20, Math.floor(perChain / 10)));
  const total = chains.reduce((a, c) => a + c.length / dim, 0);
  const expected = total / nChains / bins;
  const rows: Row[] = [];
  const facetLabels: string[] = [];
  const divergent = fit.record.chains.map((c) => c.stats.divergent);
  const nDivergent = divergent.reduce((a, d) => a + d.reduce((x, y) => x + y, 0), 0);
  for (const name of names) {
    const j = labels.indexOf(name);
    const r = summary.get(name)!;
    const label = `${labelWithChannel(fit, name)}: R-hat ${r.r_hat.toFixed(3)}, bulk ESS ${Math.round(r.ess_bulk)}`;
    facetLabels.push(label);
    const values = chains.map((c) => Float64Array.from({ length: c.length / dim }, (_, i) => c[i * dim + j]));
    const ranks = pooledRanksPerChain(values);
    ranks.forEach((rk, ci) => {
      const counts = new Float64Array(bins);
      for (const v of rk) counts[Math.min(bins - 1, Math.floor(((v - 0.5) / total) * bins))]++;
      for (let b = 0; b <= bins; b++) {
        rows.push({ kind: "rank", label, chain: `Chain ${ci + 1}`, rank: (b * total) / bins, count: counts[Math.min(b, bins - 1)] });
      }
      // Divergent draws: where in the pooled distribution they sit.
      const d = divergent[ci];
      rk.forEach((v, i) => {
        if (d[i]) rows.push({ kind: "divergent", label, chain: `Chain ${ci + 1}`, rank: v });
      });
    });
  }
  // Keep the spec light: thin the divergence marks if there are many.
  let marks = rows.filter((r) => r.kind === "divergent");
  const totalMarks = marks.length;
  if (marks.length > MAX_DIVERGENCE_MARKS) {
    const keep = new Set(thinIndices(marks.length, MAX_DIVERGENCE_MARKS).map((i) => marks[i]));
    marks = marks.filter((m) => keep.has(m));
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i].kind === "divergent" && !keep.has(rows[i])) rows.splice(i, 1);
  }
  const chainNames = Array.from({ length: nChains }, (_, i) => `Chain ${i + 1}`);
  const x = { field: "rank", type: "quantitative", title: "Rank of the draw among all chains' draws", scale: { domain: [0, total] }, axis: { ...AMOUNT_LABELS } };
  const layers: Row[] = [
    {
      transform: [{ filter: "datum.kind === 'rank'" }],
      mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6 },
      encoding: {
        x,
        y: { field: "count", type: "quantitative", title: "Draws per bin", scale: { zero: true } },
        color: { field: "chain", type: "nominal", sort: chainNames, scale: { scheme: "dark2" }, legend: { title: null, orient: "top", direction: "horizontal" } },
      },
    },
    { mark: { type: "rule", strokeDash: [4, 3], color: MUTED }, encoding: { y: { datum: expected, type: "quantitative" } } },
  ];
  if (marks.length) {
    layers.push({
      transform: [{ filter: "datum.kind === 'divergent'" }],
      mark: { type: "point", shape: "triangle-up", filled: true, size: 40, color: WARN, opacity: 0.8 },
      encoding: { x, y: { datum: 0, type: "quantitative" } },
    });
  }
  return {
    ...baseSpec(
      "Sampler check: rank plots of the least well-mixed parameters",
      [
        `Each line counts one chain's draws by their rank among all ${formatAmount(total)} draws. Chains that agree give flat lines near the dashed level.`,
        nDivergent > 0
          ? `Red triangles: the ${nDivergent} divergent transitions (numerical trouble), placed at the rank of their draw` +
            (marks.length < totalMarks ? ` (an even sample of ${marks.length} of the ${totalMarks} marks).` : ".")
          : "No divergent transitions.",
      ],
    ),
    data: inline(rows),
    facet: { field: "label", type: "nominal", sort: facetLabels, header: { title: null, labelFontSize: 12, labelAnchor: "start" } },
    columns: 2,
    spec: { width: 300, height: 110, layer: layers },
    resolve: { scale: { y: "independent" } },
  };
}
