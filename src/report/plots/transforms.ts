// Transform plots: adstock decay and saturation curves from the posterior draws.

import type { FittedMMM } from "../../api/fittedMMM.js";
import type { ModelName } from "../../model/structure.js";
import { transformsOf } from "../../model/transforms/index.js";
import { DEFAULT_MAX_DRAWS, capitalise, kpiName, periodWords, pooledDrawsOf } from "../data.js";
import { band, thinIndices } from "../stats.js";
import { AMOUNT_LABELS, INK, MUTED, baseSpec, type VegaLiteSpec } from "../theme.js";
import { type PlotOptions, type Row, inline, channelScale } from "./common.js";

interface TransformDraws {
  model: ModelName;
  /** Thinned draw indices into the pooled constrained draws. */
  draws: number[];
  value(name: string, c: number, k: number): number;
}

function transformDraws(fit: FittedMMM, maxDraws: number): TransformDraws {
  const { draws, count } = pooledDrawsOf(fit);
  const dim = fit.layout.dim;
  const idx = thinIndices(count, maxDraws);
  return {
    model: fit.record.structure.model,
    draws: idx,
    value: (name, c, k) => draws[idx[k] * dim + fit.layout.block(name).offset + c],
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
export function adstockDecaySpec(fit: FittedMMM, o: PlotOptions = {}): VegaLiteSpec {
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

/** Saturation per channel: extra KPI per period at a steady spend per period over the observed spend range, with 94% bands. */
export function saturationCurvesSpec(fit: FittedMMM, o: PlotOptions = {}): VegaLiteSpec {
  const td = transformDraws(fit, o.maxDraws ?? DEFAULT_MAX_DRAWS);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const rec = fit.record;
  const { model, normaliseAdstock } = rec.structure;
  const { adstock, saturation } = transformsOf(model);
  const coefficients = new Float64Array(saturation.coefficients);
  const C = fit.channelNames.length;
  const points = 41;
  const rows: Row[] = [];
  fit.channelNames.forEach((channel, c) => {
    const scale = rec.scalers.media[c];
    let maxSpend = 0;
    for (let t = 0; t < rec.trainRows; t++) maxSpend = Math.max(maxSpend, rec.dataset.media[t * C + c]);
    const average = spendMean(fit, c);
    const top = Math.max(maxSpend, 2 * average) * 1.05;
    const values = Array.from({ length: points }, () => new Float64Array(td.draws.length));
    for (let k = 0; k < td.draws.length; k++) {
      const coef = td.value("coef_media", c, k);
      // A spend held steady: the adstock settles at its steady gain (1 when normalised).
      const gain = adstock.steadyGain(paramValues(td, adstock.params, c, k), normaliseAdstock);
      saturation.prepare(paramValues(td, saturation.params, c, k), coefficients, 0);
      for (let j = 0; j < points; j++) {
        const x = (top * j) / (points - 1) / scale;
        values[j][k] = coef * saturation.value(x * gain, coefficients, 0) * rec.scalers.target;
      }
    }
    values.forEach((v, j) => {
      const b = band(v);
      rows.push({ kind: "curve", channel, spend: (top * j) / (points - 1), mean: b.mean, low: b.low, high: b.high });
    });
    rows.push({ kind: "average", channel, spend: average });
  });
  const x = { field: "spend", type: "quantitative", title: `Spend per ${words.one}`, axis: { ...AMOUNT_LABELS, tickCount: 5 } };
  const y = { type: "quantitative", title: `Extra ${kpi} per ${words.one}`, axis: { ...AMOUNT_LABELS } };
  const color = { field: "channel", type: "nominal", scale: channelScale(fit), legend: null };
  const shape = saturation.shape;
  return {
    ...baseSpec(
      "Diminishing returns (saturation)",
      `Extra ${kpi} per ${words.one} when the spend per ${words.one} is held steady, after carry-over settles (${shape}). Dashed line: the channel's average spend per ${words.one}; band: 94% interval.`,
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

function spendMean(fit: FittedMMM, c: number): number {
  const rec = fit.record;
  const C = fit.channelNames.length;
  let s = 0;
  for (let t = 0; t < rec.trainRows; t++) s += rec.dataset.media[t * C + c];
  return s / rec.trainRows;
}
