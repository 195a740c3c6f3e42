// Transform plots: adstock decay and saturation curves from the posterior
// draws. The transforms' parameters are per channel, shared by the geos of a
// geo model, while coef_media is per channel and geo: a geo model's
// saturation curve is the whole model's (the channel's spend split across the
// geos by their historical shares, the geos' responses summed), and
// steadySpendResponses gives each geo's response at its own average spend.

import { panelOf } from "../../analysis/panel.js";
import type { ModelName } from "../../model/structure.js";
import { transformsOf } from "../../model/transforms/index.js";
import { DEFAULT_MAX_DRAWS, capitalise, kpiName, periodWords, pooledDrawsOf, type ReportFit } from "../data.js";
import { band, thinIndices } from "../stats.js";
import { AMOUNT_LABELS, INK, MUTED, baseSpec, type VegaLiteSpec } from "../theme.js";
import { type PlotOptions, type Row, inline, channelScale } from "./common.js";

interface TransformDraws {
  model: ModelName;
  /** Thinned draw indices into the pooled constrained draws. */
  draws: number[];
  /** Element i of parameter block `name` in thinned draw k (coef_media of a geo model: i = c * G + g). */
  value(name: string, i: number, k: number): number;
}

function transformDraws(fit: ReportFit, maxDraws: number): TransformDraws {
  const { draws, count } = pooledDrawsOf(fit);
  const dim = fit.layout.dim;
  const idx = thinIndices(count, maxDraws);
  return {
    model: fit.record.structure.model,
    draws: idx,
    value: (name, i, k) => draws[idx[k] * dim + fit.layout.block(name).offset + i],
  };
}

/** Values of one draw's parameters `names` for channel c. */
function paramValues(td: TransformDraws, names: readonly string[], c: number, k: number): number[] {
  return names.map((name) => td.value(name, c, k));
}

/** Lag weights of one draw, normalised to sum to 1 over the lags shown. */
function lagWeights(td: TransformDraws, c: number, k: number, L: number): Float64Array {
  const { adstock } = transformsOf(td.model);
  const w = new Float64Array(L);
  adstock.lagShares(paramValues(td, adstock.params, c, k), L, w);
  return w;
}

/** Adstock (carry-over) weights over lags per channel: how a period's media effect spreads over the following periods. */
export function adstockDecaySpec(fit: ReportFit, o: PlotOptions = {}): VegaLiteSpec {
  const td = transformDraws(fit, o.maxDraws ?? DEFAULT_MAX_DRAWS);
  const words = periodWords(fit);
  const L = fit.record.structure.carryoverLags;
  const rows: Row[] = [];
  const labels: string[] = [];
  fit.channelNames.forEach((channel, c) => {
    const per = Array.from({ length: L }, () => new Float64Array(td.draws.length));
    for (let k = 0; k < td.draws.length; k++) {
      const w = lagWeights(td, c, k, L);
      for (let l = 0; l < L; l++) per[l][k] = w[l];
    }
    const bands = per.map((v) => band(v));
    const meanLag = bands.reduce((a, b, l) => a + l * b.mean, 0);
    const label = `${channel} (average delay ${meanLag.toFixed(1)} ${meanLag === 1 ? words.one : words.many})`;
    labels.push(label);
    bands.forEach((b, l) => rows.push({ channel, label, lag: l, mean: b.mean, low: b.low, high: b.high }));
  });
  const ordinal = L <= 26;
  const x = ordinal
    ? { field: "lag", type: "ordinal", title: `${capitalise(words.many)} after the spend`, axis: { labelAngle: 0, labelOverlap: true } }
    : { field: "lag", type: "quantitative", title: `${capitalise(words.many)} after the spend` };
  const y = { type: "quantitative", title: "Share of the effect", axis: { format: ".0%" } };
  const { adstock } = transformsOf(fit.record.structure.model);
  return {
    ...baseSpec(
      "How long the media effect lasts (adstock)",
      `Share of one ${words.one}'s media effect that lands 0, 1, 2, … ${words.many} later` +
        ` (${adstock.shape})` +
        `, normalised over the ${L} ${words.many} shown. Bars: posterior mean; lines: 94% interval.`,
    ),
    data: inline(rows),
    columns: Math.min(3, fit.channelNames.length),
    facet: { field: "label", type: "nominal", sort: labels, header: { title: null, labelFontSize: 12 } },
    spec: {
      width: 200,
      height: 130,
      layer: [
        {
          mark: { type: "bar", opacity: 0.85 },
          encoding: { x, y: { field: "mean", ...y }, color: { field: "channel", type: "nominal", scale: channelScale(fit), legend: null } },
        },
        { mark: { type: "rule", color: INK }, encoding: { x, y: { field: "low", ...y }, y2: { field: "high" } } },
      ],
    },
  };
}

/** A channel's spend per period over the training rows: the whole model's average and largest, and each geo's average. */
interface ChannelSpend {
  average: number;
  max: number;
  /** Average spend per period in each geo ([G]; national: the average). */
  perGeo: Float64Array;
}

function channelSpend(fit: ReportFit, c: number): ChannelSpend {
  const p = panelOf(fit.record);
  const { C, G, trainRows } = p;
  const perGeo = new Float64Array(G);
  let sum = 0;
  let max = 0;
  for (let t = 0; t < trainRows; t++) {
    let total = 0;
    for (let g = 0; g < G; g++) {
      const v = p.media[(t * C + c) * G + g];
      total += v;
      perGeo[g] += v;
    }
    sum += total;
    max = Math.max(max, total);
  }
  for (let g = 0; g < G; g++) perGeo[g] /= trainRows;
  return { average: sum / trainRows, max, perGeo };
}

/**
 * Steady-state response of channel c in one draw: extra KPI per period (summed
 * over the geos) when geo g spends spendPerGeo(g) every period, after carry-over settles.
 */
function steadyResponse(fit: ReportFit, td: TransformDraws, c: number, k: number, spends: ArrayLike<number>[], out: Float64Array[]): void {
  const p = panelOf(fit.record);
  const { G } = p;
  const { adstock, saturation } = transformsOf(td.model);
  const coefficients = new Float64Array(saturation.coefficients);
  // A spend held steady: the adstock settles at its steady gain (1 when normalised).
  const gain = adstock.steadyGain(paramValues(td, adstock.params, c, k), fit.record.structure.normaliseAdstock);
  saturation.prepare(paramValues(td, saturation.params, c, k), coefficients, 0);
  for (let j = 0; j < spends.length; j++) {
    let total = 0;
    for (let g = 0; g < G; g++) {
      const x = spends[j][g] / p.scalers.media[c][g];
      total += td.value("coef_media", c * G + g, k) * saturation.value(x * gain, coefficients, 0) * p.scalers.target[g];
    }
    out[j][k] = total;
  }
}

/**
 * Each geo's steady-state response per channel at the geo's own average spend
 * per period (training rows), over the thinned draws: [channel][geo] draws.
 * Their sum over the geos is the saturation curve at the channel's average.
 */
export function steadySpendResponses(fit: ReportFit, maxDraws = DEFAULT_MAX_DRAWS): { channel: string; spendPerGeo: number[]; draws: Float64Array[] }[] {
  const td = transformDraws(fit, maxDraws);
  const G = panelOf(fit.record).G;
  return fit.channelNames.map((channel, c) => {
    const { perGeo } = channelSpend(fit, c);
    const draws = Array.from({ length: G }, () => new Float64Array(td.draws.length));
    const spends = Array.from({ length: G }, (_, g) => Float64Array.from({ length: G }, (_, h) => (h === g ? perGeo[g] : 0)));
    for (let k = 0; k < td.draws.length; k++) steadyResponse(fit, td, c, k, spends, draws);
    return { channel, spendPerGeo: Array.from(perGeo), draws };
  });
}

/**
 * Saturation per channel: extra KPI per period at a steady spend per period
 * over the observed spend range, with 94% bands. A geo model's curve is the
 * whole model's: the spend split across the geos by their average shares.
 */
export function saturationCurvesSpec(fit: ReportFit, o: PlotOptions = {}): VegaLiteSpec {
  const td = transformDraws(fit, o.maxDraws ?? DEFAULT_MAX_DRAWS);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const { saturation } = transformsOf(fit.record.structure.model);
  const C = fit.channelNames.length;
  const G = panelOf(fit.record).G;
  const points = 41;
  const rows: Row[] = [];
  fit.channelNames.forEach((channel, c) => {
    const spend = channelSpend(fit, c);
    // Each geo's share of the channel's spend (national: 1).
    const shares = spend.perGeo.map((v) => (spend.average > 0 ? v / spend.average : 1 / G));
    const top = Math.max(spend.max, 2 * spend.average) * 1.05;
    const spends = Array.from({ length: points }, (_, j) => shares.map((r) => ((top * j) / (points - 1)) * r));
    const values = Array.from({ length: points }, () => new Float64Array(td.draws.length));
    for (let k = 0; k < td.draws.length; k++) steadyResponse(fit, td, c, k, spends, values);
    values.forEach((v, j) => {
      const b = band(v);
      rows.push({ kind: "curve", channel, spend: (top * j) / (points - 1), mean: b.mean, low: b.low, high: b.high });
    });
    rows.push({ kind: "average", channel, spend: spend.average });
  });
  const x = { field: "spend", type: "quantitative", title: `Spend per ${words.one}`, axis: { ...AMOUNT_LABELS, tickCount: 5 } };
  const y = { type: "quantitative", title: `Extra ${kpi} per ${words.one}`, axis: { ...AMOUNT_LABELS } };
  const color = { field: "channel", type: "nominal", scale: channelScale(fit), legend: null };
  const shape = saturation.shape;
  return {
    ...baseSpec(
      "Diminishing returns (saturation)",
      `Extra ${kpi} per ${words.one} when the spend per ${words.one} is held steady, after carry-over settles (${shape}).` +
        (G > 1 ? ` All ${G} geos together, the spend split across them by their average shares.` : "") +
        ` Dashed line: the channel's average spend per ${words.one}; band: 94% interval.`,
    ),
    data: inline(rows),
    columns: Math.min(3, C),
    facet: { field: "channel", type: "nominal", sort: fit.channelNames, header: { title: null, labelFontSize: 13 } },
    spec: {
      width: 180,
      height: 140,
      layer: [
        { transform: [{ filter: "datum.kind === 'curve'" }], mark: { type: "area", opacity: 0.25 }, encoding: { x, y: { field: "low", ...y }, y2: { field: "high" }, color } },
        { transform: [{ filter: "datum.kind === 'curve'" }], mark: { type: "line", strokeWidth: 2 }, encoding: { x, y: { field: "mean", ...y }, color } },
        { transform: [{ filter: "datum.kind === 'average'" }], mark: { type: "rule", strokeDash: [4, 3], color: MUTED }, encoding: { x } },
      ],
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}
