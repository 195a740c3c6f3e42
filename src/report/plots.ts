// The plots of a fitted model as declarative Vega-Lite specs. Each builder
// returns plain JSON (with its data inline, summarised so it stays small);
// renderSvg (render.ts) turns any of them into SVG.

import type { FittedMMM } from "../api/fittedMMM.js";
import { gammaP, invertCdf, normalCdf } from "../math/special.js";
import { priorLogDensity, supportOf, type Prior } from "../model/priors.js";
import { TRANSFORM_PARAMETERS, type ModelName } from "../model/structure.js";
import { transformsOf } from "../model/transforms/index.js";
import {
  DEFAULT_MAX_DRAWS,
  capitalise,
  chainDrawsOf,
  contributionsOf,
  fittedValuesOf,
  kpiName,
  marginalRoiOf,
  metricsOf,
  periodWords,
  pooledDrawsOf,
  responseCurvesOf,
  roiOf,
} from "./data.js";
import { formatAmount, formatChange, formatInteger, formatPercent, formatRatio, formatShare } from "./format.js";
import { band, densityHistogram, kde, pooledRanksPerChain, quantileOf, thinIndices } from "./stats.js";
import { ACCENT, AMOUNT_LABELS, BASELINE_COLOR, CONFIG, INK, MUTED, WARN, baseSpec, channelColors, type VegaLiteSpec } from "./theme.js";

export interface PlotOptions {
  /** Posterior draws used for curves computed from draws (evenly thinned); default 500. */
  maxDraws?: number;
  /** Width in pixels of a single-panel plot (default 680). */
  width?: number;
}

type Row = Record<string, unknown>;

/** Inline data with numbers cut to 5 significant digits: plenty for a plot, and half the bytes. */
function inline(rows: Row[]): { values: Row[] } {
  const round = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(5)) : v);
  return { values: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]))) };
}

function channelScale(fit: FittedMMM) {
  return { domain: fit.channelNames, range: channelColors(fit.channelNames) };
}

/** Per-row time values and the matching x encoding: dates when the data have them, else the period number. */
function timeAxis(fit: FittedMMM): { value: (t: number) => Row; x: Row } {
  const dates = fit.record.dataset.dates;
  const words = periodWords(fit);
  if (dates && dates.length === fit.record.dataset.T) {
    return {
      value: (t) => ({ date: dates[t], period: t + 1 }),
      x: { field: "date", type: "temporal", title: null, scale: { type: "utc" }, axis: { format: "%b %Y", labelAngle: 0, tickCount: 8, grid: false } },
    };
  }
  return {
    value: (t) => ({ period: t + 1 }),
    x: { field: "period", type: "quantitative", title: capitalise(words.one), axis: { tickMinStep: 1, grid: false } },
  };
}

function metricText(m: { r2: number; mape: number } | undefined, where: string): string {
  return m ? `R² ${m.r2.toFixed(2)}, MAPE ${formatPercent(m.mape)} ${where}` : "";
}

// ---------------------------------------------------------------------------
// Model fit

/** Actual vs predicted KPI over time with the 94% band of the posterior predictive; training and test rows marked. */
export function modelFitSpec(fit: FittedMMM, o: PlotOptions = {}): VegaLiteSpec {
  const maxDraws = o.maxDraws ?? DEFAULT_MAX_DRAWS;
  const pred = fittedValuesOf(fit, maxDraws);
  const d = fit.record.dataset;
  const train = fit.record.trainRows;
  const m = metricsOf(fit);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const time = timeAxis(fit);
  // Mean line from the draws' means (no observation noise): the band alone carries the noise.
  const rows = pred.periods.map((p, t) => ({
    ...time.value(t),
    actual: d.target[t],
    predicted: meanOfColumn(pred.draws, pred.drawCount, d.T, t),
    low: p["hdi_3%"],
    high: p["hdi_97%"],
    set: t < train ? "training" : "test",
  }));
  const title =
    `Actual vs predicted ${kpi}: ${metricText(m.train, `on the ${train} training ${words.many}`)}` +
    (m.test ? `; ${metricText(m.test, `on the ${d.T - train} test ${words.many}`)}` : "");
  const subtitle =
    `Line: the model's prediction; band: 94% interval for ${words.one}ly ${kpi}` +
    (m.test ? `. Shaded: test ${words.many}, held out of the fit.` : ".");
  const legendScale = {
    domain: ["Actual", "Predicted", "94% interval"],
    range: [INK, ACCENT, "#a9c6e8"],
  };
  const color = (datum: string) => ({ datum, type: "nominal", scale: legendScale, legend: { title: null, orient: "top", direction: "horizontal" } });
  const layers: Row[] = [];
  if (train < d.T) {
    const first = rows[train] as Row;
    const last = rows[d.T - 1] as Row;
    const xField = (time.x as { field: string }).field;
    layers.push({
      data: { values: [{ start: first[xField], end: last[xField], label: "test" }] },
      mark: { type: "rect", color: "#eeeeee" },
      encoding: { x: { ...time.x, field: "start" }, x2: { field: "end" } },
    });
    layers.push({
      data: { values: [{ start: first[xField], label: `Test ${words.many}` }] },
      mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 4, color: MUTED, fontSize: 11 },
      encoding: { x: { ...time.x, field: "start" }, y: { value: 0 }, text: { field: "label" } },
    });
  }
  const yAxis = { title: `${words.adjective} ${kpi}`, axis: { ...AMOUNT_LABELS } };
  layers.push(
    {
      mark: { type: "area", opacity: 0.55 },
      encoding: { x: time.x, y: { field: "low", type: "quantitative", ...yAxis, scale: { zero: false } }, y2: { field: "high" }, color: color("94% interval") },
    },
    {
      mark: { type: "line", strokeWidth: 2 },
      encoding: { x: time.x, y: { field: "predicted", type: "quantitative", ...yAxis }, color: color("Predicted") },
    },
    {
      mark: { type: "line", strokeWidth: 1.2, point: { size: 14, filled: true } },
      encoding: { x: time.x, y: { field: "actual", type: "quantitative", ...yAxis }, color: color("Actual") },
    },
  );
  return {
    ...baseSpec(title, subtitle, (o.width ?? 680) + 40),
    width: o.width ?? 680,
    height: 280,
    data: inline(rows),
    layer: layers,
  };
}

function meanOfColumn(draws: Float64Array, n: number, T: number, t: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += draws[k * T + t];
  return s / n;
}

// ---------------------------------------------------------------------------
// Contributions

/** Baseline and each channel's contribution per period, stacked (posterior means over the training rows). */
export function contributionsOverTimeSpec(fit: FittedMMM, o: PlotOptions = {}): VegaLiteSpec {
  const c = contributionsOf(fit);
  const time = timeAxis(fit);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const components = ["Baseline", ...c.channels];
  const rows: Row[] = [];
  for (const p of c.periods) {
    const t = time.value(p.index);
    rows.push({ ...t, component: "Baseline", order: 0, value: p.baseline.mean });
    p.media.forEach((m, i) => rows.push({ ...t, component: c.channels[i], order: i + 1, value: m.mean }));
  }
  return {
    ...baseSpec(
      `Where ${kpi} came from, ${words.one} by ${words.one}`,
      `Contribution of each channel on top of the baseline (what ${kpi} would have been without media: trend, seasonality and controls); posterior means.`,
    ),
    width: o.width ?? 680,
    height: 280,
    data: inline(rows),
    mark: { type: "area", opacity: 0.9, interpolate: "monotone" },
    encoding: {
      x: time.x,
      y: { field: "value", type: "quantitative", stack: "zero", title: `${words.adjective} ${kpi}`, axis: { ...AMOUNT_LABELS } },
      color: {
        field: "component",
        type: "nominal",
        sort: components,
        scale: { domain: components, range: [BASELINE_COLOR, ...channelColors(c.channels)] },
        legend: { title: null, orient: "top", direction: "horizontal" },
      },
      order: { field: "order", type: "quantitative" },
      tooltip: [{ field: "component", type: "nominal" }, { field: "value", type: "quantitative", format: ",.0f" }],
    },
  };
}

/** Total contribution over the training rows: baseline and each channel with its 94% interval and share. */
export function contributionTotalsSpec(fit: FittedMMM, o: PlotOptions = {}): VegaLiteSpec {
  const c = contributionsOf(fit);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const total = c.totals.prediction.mean;
  const media = [...c.totals.media].sort((a, b) => b.mean - a.mean);
  const rows = [
    { component: "Baseline", mean: c.totals.baseline.mean, low: c.totals.baseline["hdi_3%"], high: c.totals.baseline["hdi_97%"], share: c.totals.baseline.mean / total },
    ...media.map((m) => ({ component: m.channel, mean: m.mean, low: m["hdi_3%"], high: m["hdi_97%"], share: m.share })),
  ].map((r) => ({ ...r, label: `${formatAmount(r.mean)} (${formatShare(r.share)})` }));
  const order = rows.map((r) => r.component);
  const maxX = Math.max(...rows.map((r) => r.high), 0);
  const mediaShare = c.totals.media.reduce((a, m) => a + m.share, 0);
  const x = { type: "quantitative", title: `Total ${kpi} over the ${c.periods.length} training ${words.many}`, scale: { domain: [Math.min(0, ...rows.map((r) => r.low)), maxX * 1.3] }, axis: { ...AMOUNT_LABELS } };
  const y = { field: "component", type: "nominal", sort: order, title: null, axis: { labelFontSize: 12 } };
  return {
    ...baseSpec(
      `Total contribution: media drove ${formatShare(mediaShare)} of ${kpi}`,
      `Bars: posterior mean; lines: 94% interval; labels: mean and share of all predicted ${kpi}.`,
    ),
    width: o.width ?? 600,
    height: { step: 30 },
    data: inline(rows),
    layer: [
      {
        mark: { type: "bar", height: { band: 0.7 } },
        encoding: {
          y,
          x: { field: "mean", ...x },
          color: { field: "component", type: "nominal", scale: { domain: ["Baseline", ...c.channels], range: [BASELINE_COLOR, ...channelColors(c.channels)] }, legend: null },
        },
      },
      { mark: { type: "rule", color: INK, strokeWidth: 1.3 }, encoding: { y, x: { field: "low", ...x }, x2: { field: "high" } } },
      { mark: { type: "text", align: "left", dx: 6, color: INK, fontSize: 11 }, encoding: { y, x: { field: "high", ...x }, text: { field: "label" } } },
    ],
  };
}

// ---------------------------------------------------------------------------
// Response curves

/** Extra KPI from each channel as its spend over the training rows is scaled from 0 to 2x, with the 94% band; current spend marked. */
export function responseCurvesSpec(fit: FittedMMM, o: PlotOptions = {}): VegaLiteSpec {
  const curves = responseCurvesOf(fit, o.maxDraws ?? DEFAULT_MAX_DRAWS);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const T = fit.record.trainRows;
  const rows: Row[] = [];
  for (const c of curves) {
    for (const p of c.points) {
      rows.push({ channel: c.channel, spend: p.spend, mean: p.incremental.mean, low: p.incremental["hdi_3%"], high: p.incremental["hdi_97%"], current: p.multiplier === 1 });
    }
  }
  const x = { field: "spend", type: "quantitative", title: `Spend over ${T} ${words.many}`, axis: { ...AMOUNT_LABELS, tickCount: 5 } };
  const y = { type: "quantitative", title: `Extra ${kpi} (total)`, axis: { ...AMOUNT_LABELS } };
  const color = { field: "channel", type: "nominal", scale: channelScale(fit), legend: null };
  return {
    ...baseSpec(
      `Response curves: extra ${kpi} for each level of spend`,
      `Spend on one channel scaled from 0 to twice its historical level, other channels as they were. Dot: current spend; band: 94% interval.`,
    ),
    data: inline(rows),
    columns: Math.min(3, curves.length),
    facet: { field: "channel", type: "nominal", sort: fit.channelNames, header: { title: null, labelFontSize: 13 } },
    spec: {
      width: 200,
      height: 150,
      layer: [
        { mark: { type: "area", opacity: 0.25 }, encoding: { x, y: { field: "low", ...y }, y2: { field: "high" }, color } },
        { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y: { field: "mean", ...y }, color } },
        {
          transform: [{ filter: "datum.current" }],
          mark: { type: "rule", strokeDash: [3, 3], color: MUTED },
          encoding: { x },
        },
        {
          transform: [{ filter: "datum.current" }],
          mark: { type: "point", filled: true, size: 70, color: INK },
          encoding: { x, y: { field: "mean", ...y } },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
  };
}

// ---------------------------------------------------------------------------
// ROI

/** Posterior distributions of ROI and marginal ROI per channel (densities with mean and 94% interval). */
export function roiDistributionSpec(fit: FittedMMM, o: PlotOptions = {}): VegaLiteSpec {
  const roi = roiOf(fit);
  const mroi = marginalRoiOf(fit);
  const kpi = kpiName(fit);
  const metrics: [string, typeof roi][] = [
    ["ROI", roi],
    ["Marginal ROI", mroi],
  ];
  const rows: Row[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const [metric, list] of metrics) {
    for (const r of list) {
      const lower = quantileOf(r.draws, 0) >= 0 ? 0 : undefined;
      for (const p of kde(r.draws, { points: 60, lower })) {
        rows.push({ kind: "density", channel: r.channel, metric, x: p.x, density: p.density });
        lo = Math.min(lo, p.x);
        hi = Math.max(hi, p.x);
      }
      rows.push({ kind: "interval", channel: r.channel, metric, mean: r.mean, low: r["hdi_3%"], high: r["hdi_97%"], label: formatRatio(r.mean) });
    }
  }
  const x = { type: "quantitative", title: `${capitalise(kpi)} per unit of spend`, axis: { grid: true, tickCount: 6, labelOverlap: true } };
  const layers: Row[] = [
    {
      transform: [{ filter: "datum.kind === 'density'" }],
      mark: { type: "area", opacity: 0.55, interpolate: "monotone" },
      encoding: {
        x: { field: "x", ...x },
        y: { field: "density", type: "quantitative", axis: null, title: null },
        color: { field: "channel", type: "nominal", scale: channelScale(fit), legend: null },
      },
    },
    {
      transform: [{ filter: "datum.kind === 'interval'" }],
      mark: { type: "rule", strokeWidth: 3, color: INK },
      encoding: { x: { field: "low", ...x }, x2: { field: "high" }, y: { datum: 0, type: "quantitative" } },
    },
    {
      transform: [{ filter: "datum.kind === 'interval'" }],
      mark: { type: "point", filled: true, size: 45, color: "white", stroke: INK, strokeWidth: 1.5, opacity: 1 },
      encoding: { x: { field: "mean", ...x }, y: { datum: 0, type: "quantitative" } },
    },
    {
      transform: [{ filter: "datum.kind === 'interval'" }],
      mark: { type: "text", align: "left", baseline: "bottom", dx: 4, dy: -4, fontSize: 11, color: INK },
      encoding: { x: { field: "high", ...x }, y: { datum: 0, type: "quantitative" }, text: { field: "label" } },
    },
  ];
  if (lo <= 1 && hi >= 1) {
    layers.push({ mark: { type: "rule", strokeDash: [4, 3], color: MUTED }, encoding: { x: { datum: 1, type: "quantitative" } } });
  }
  return {
    ...baseSpec(
      "Return on investment by channel",
      [
        `ROI: ${kpi} per unit of spend over the training period. Marginal ROI: extra ${kpi} from the next unit of spend (at 1% more spend).`,
        `Curves: posterior distribution; black bar: 94% interval; dot and label: mean` + (lo <= 1 && hi >= 1 ? "; dashed line: 1 (spend paid back, if the KPI is revenue)." : "."),
      ],
    ),
    data: inline(rows),
    facet: {
      row: { field: "channel", type: "nominal", sort: fit.channelNames, header: { title: null, labelAngle: 0, labelAlign: "right", labelFontSize: 13 } },
      column: { field: "metric", type: "nominal", sort: ["ROI", "Marginal ROI"], header: { title: null, labelFontSize: 13 } },
    },
    spec: { width: o.width ? Math.round(o.width / 2 - 40) : 300, height: 46, layer: layers },
    resolve: { scale: { y: "independent" } },
    config: { ...CONFIG, facet: { spacing: 10 } },
  };
}

// ---------------------------------------------------------------------------
// Transforms: adstock decay and saturation

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

// ---------------------------------------------------------------------------
// Prior vs posterior

const PARAMETER_WORDS: Record<string, string> = {
  lag_weight: "lag_weight: how much of the effect carries over to the next period",
  half_max_effective_concentration: "half_max_effective_concentration: the (scaled) spend at half the maximum effect",
  slope: "slope: how sharply the Hill curve bends",
  exponent: "exponent: how quickly returns diminish (1 = not at all)",
  ad_effect_retention_rate: "ad_effect_retention_rate: how slowly the effect fades",
  peak_effect_delay: "peak_effect_delay: periods until the effect peaks",
};

/**
 * The central `mass` interval of a prior (closed forms, or a bisection of the
 * CDF); priors on positive values start at 0 and end at the same upper quantile.
 */
export function priorInterval(prior: Prior, mass = 0.98): [number, number] {
  const pLo = (1 - mass) / 2;
  const pHi = 1 - pLo;
  const zHi = invertCdf(normalCdf, pHi, -40, 40);
  switch (prior.dist) {
    case "Normal":
      return [prior.loc - zHi * prior.scale, prior.loc + zHi * prior.scale];
    case "LogNormal":
      return [Math.exp(prior.loc - zHi * prior.scale), Math.exp(prior.loc + zHi * prior.scale)];
    case "HalfNormal":
      return [0, invertCdf(normalCdf, (1 + pHi) / 2, 0, 40) * prior.scale];
    case "Gamma": {
      const a = prior.concentration;
      const top = Math.max(10, 10 * a) + 50 * Math.sqrt(a);
      return [0, invertCdf((x) => gammaP(a, x), pHi, 0, top) / prior.rate];
    }
    case "Beta":
      return [0, 1];
    case "Uniform":
      return [prior.low, prior.high];
  }
}

/** Prior density (from its log-density) and posterior histogram of every transform parameter, per channel. */
export function priorPosteriorSpec(fit: FittedMMM, _o: PlotOptions = {}): VegaLiteSpec {
  const names = TRANSFORM_PARAMETERS[fit.record.structure.model];
  const { draws, count } = pooledDrawsOf(fit);
  const dim = fit.layout.dim;
  const rows: Row[] = [];
  const columns = [...names];
  for (const name of names) {
    const block = fit.layout.block(name);
    const parameter = name;
    fit.channelNames.forEach((channel, c) => {
      const prior = block.priors[c];
      const post = Float64Array.from({ length: count }, (_, k) => draws[k * dim + block.offset + c]);
      const [sLo, sHi] = supportOf(prior);
      const [pLo, pHi] = priorInterval(prior);
      const qLo = quantileOf(post, 0.001);
      const qHi = quantileOf(post, 0.999);
      const pad = 0.1 * (qHi - qLo || Math.abs(qHi) || 1);
      const lo = Math.max(sLo, Math.min(pLo, qLo - pad));
      const hi = Math.min(sHi, Math.max(pHi, qHi + pad));
      for (const b of densityHistogram(post, 30, Math.max(lo, qLo), Math.min(hi, qHi))) {
        rows.push({ kind: "posterior", parameter, channel, start: b.start, end: b.end, density: b.density });
      }
      const n = 80;
      const eps = (hi - lo) * 1e-3;
      for (let j = 0; j < n; j++) {
        const x = lo + eps + ((hi - lo - 2 * eps) * j) / (n - 1);
        const dens = Math.exp(priorLogDensity(prior, x));
        if (Number.isFinite(dens)) rows.push({ kind: "prior", parameter, channel, x, density: dens });
      }
    });
  }
  const legend = { domain: ["Prior", "Posterior"], range: [WARN, ACCENT] };
  const color = (datum: string) => ({ datum, type: "nominal", scale: legend, legend: { title: null, orient: "top", direction: "horizontal" } });
  return {
    ...baseSpec(
      "What the data taught the model: prior vs posterior of each media transform parameter",
      [
        "Red line: the prior density (belief before seeing the data); blue bars: the posterior (after). A posterior much narrower than its prior means the data pinned the parameter down.",
        ...names.map((n) => PARAMETER_WORDS[n] ?? n),
      ],
    ),
    data: inline(rows),
    facet: {
      row: { field: "channel", type: "nominal", sort: fit.channelNames, header: { title: null, labelAngle: 0, labelAlign: "right", labelFontSize: 13 } },
      column: { field: "parameter", type: "nominal", sort: columns, header: { title: null, labelFontSize: 12, labelLimit: 230 } },
    },
    spec: {
      width: 200,
      height: 70,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'posterior'" }],
          mark: { type: "rect", opacity: 0.7 },
          encoding: {
            x: { field: "start", type: "quantitative", title: null, axis: { tickCount: 4 } },
            x2: { field: "end" },
            y: { field: "density", type: "quantitative", title: null, axis: null },
            color: color("Posterior"),
          },
        },
        {
          transform: [{ filter: "datum.kind === 'prior'" }],
          mark: { type: "line", strokeWidth: 1.8 },
          encoding: {
            x: { field: "x", type: "quantitative", title: null },
            y: { field: "density", type: "quantitative", title: null, axis: null },
            color: color("Prior"),
          },
        },
      ],
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}

// ---------------------------------------------------------------------------
// Budget allocation

/** An optimizer's answer (or any two allocations to compare), in the user's units. */
export interface BudgetAllocation {
  channels: string[];
  spendBefore: number[];
  spendAfter: number[];
  /** KPI at the current allocation: a number or a mean with a 94% interval. */
  kpiBefore: number | KpiInterval;
  kpiAfter: number | KpiInterval;
  /** KPI after minus before, draw by draw (its interval is narrower than the difference of the two intervals). */
  uplift?: number | KpiInterval;
  /** Planning periods the spends and KPIs cover. */
  periods?: number;
  /** The optimizer's own note (convergence and the like). */
  message?: string;
}

export interface KpiInterval {
  mean: number;
  "hdi_3%"?: number;
  "hdi_97%"?: number;
  low?: number;
  high?: number;
}

export function kpiBand(v: number | KpiInterval): { mean: number; low?: number; high?: number } {
  if (typeof v === "number") return { mean: v };
  return { mean: v.mean, low: v["hdi_3%"] ?? v.low, high: v["hdi_97%"] ?? v.high };
}

/** Spend per channel before and after, with the KPI before and after (and its uplift) beside it. */
export function budgetAllocationSpec(
  a: BudgetAllocation,
  o: PlotOptions & { kpi?: string; channelOrder?: string[]; periodsWord?: string } = {},
): VegaLiteSpec {
  const kpi = o.kpi ?? "KPI";
  const over = a.periods !== undefined ? ` over the next ${a.periods} ${o.periodsWord ?? "periods"}` : "";
  const channels = a.channels;
  if (a.spendBefore.length !== channels.length || a.spendAfter.length !== channels.length) {
    throw new RangeError(`budget allocation: ${channels.length} channels but ${a.spendBefore.length} spends before and ${a.spendAfter.length} after`);
  }
  const scenarios = ["Current", "Optimised"];
  const spendRows: Row[] = [];
  channels.forEach((channel, i) => {
    const before = a.spendBefore[i];
    const after = a.spendAfter[i];
    spendRows.push({ channel, scenario: "Current", spend: before, label: formatAmount(before) });
    spendRows.push({ channel, scenario: "Optimised", spend: after, label: `${formatAmount(after)} (${before > 0 ? formatChange(after / before - 1, 0) : "new"})` });
  });
  const kb = kpiBand(a.kpiBefore);
  const ka = kpiBand(a.kpiAfter);
  const kpiRows = [
    { scenario: "Current", ...kb, label: formatInteger(kb.mean) },
    { scenario: "Optimised", ...ka, label: formatInteger(ka.mean) },
  ];
  const upBand = a.uplift !== undefined ? kpiBand(a.uplift) : { mean: ka.mean - kb.mean, low: undefined, high: undefined };
  const uplift = upBand.mean;
  const signed = (v: number) => `${v >= 0 ? "+" : ""}${formatAmount(v)}`;
  const totalBefore = a.spendBefore.reduce((x, y) => x + y, 0);
  const totalAfter = a.spendAfter.reduce((x, y) => x + y, 0);
  const sameTotal = Math.abs(totalAfter - totalBefore) <= 1e-6 * Math.max(1, totalBefore);
  const scenarioColor = { field: "scenario", type: "nominal", scale: { domain: scenarios, range: ["#9ecae9", ACCENT] }, legend: { title: null, orient: "top", direction: "horizontal", symbolType: "square" } };
  const maxSpend = Math.max(...a.spendBefore, ...a.spendAfter, 0);
  const spendX = { field: "spend", type: "quantitative", title: "Spend", scale: { domain: [0, maxSpend * 1.35] }, axis: { ...AMOUNT_LABELS, tickCount: 6 } };
  const kpiLo = Math.min(...kpiRows.map((r) => r.low ?? r.mean));
  const kpiHi = Math.max(...kpiRows.map((r) => r.high ?? r.mean));
  const kpiPad = 0.25 * (kpiHi - kpiLo || Math.abs(kpiHi) * 0.05 || 1);
  const kpiY = { type: "quantitative", title: `Expected ${kpi}`, scale: { zero: false, domain: [kpiLo - kpiPad, kpiHi + kpiPad] }, axis: AMOUNT_LABELS };
  const hasBands = kpiRows.every((r) => r.low !== undefined && r.high !== undefined);
  const kpiX = { field: "scenario", type: "nominal", sort: scenarios, title: null, axis: { labelAngle: 0, labelFontSize: 12 }, scale: { padding: 0.6 } };
  const kpiLayers: Row[] = [
    { mark: { type: "point", filled: true, size: 140, opacity: 1 }, encoding: { x: kpiX, y: { field: "mean", ...kpiY }, color: scenarioColor } },
    { mark: { type: "text", align: "left", dx: 10, fontSize: 12, color: INK }, encoding: { x: kpiX, y: { field: "mean", ...kpiY }, text: { field: "label" } } },
  ];
  if (hasBands) {
    kpiLayers.unshift({ mark: { type: "rule", strokeWidth: 2.5 }, encoding: { x: kpiX, y: { field: "low", ...kpiY }, y2: { field: "high" }, color: scenarioColor } });
  }
  const relative = kb.mean !== 0 ? ` (${formatChange(uplift / kb.mean)})` : "";
  return {
    ...baseSpec(
      `Budget allocation: ${uplift >= 0 ? "+" : ""}${formatAmount(uplift)} ${kpi}${relative}` + (sameTotal ? " for the same total spend" : ""),
      [
        `Left: spend per channel${over} in today's mix and as the optimizer suggests (labels: spend and change). Right: expected ${kpi}${over}` + (hasBands ? " with 94% intervals." : "."),
        ...(upBand.low !== undefined && upBand.high !== undefined
          ? [`The gain itself, draw by draw: 94% interval ${signed(upBand.low)} to ${signed(upBand.high)} ${kpi}.`]
          : []),
      ],
    ),
    hconcat: [
      {
        width: o.width ? Math.round(o.width * 0.62) : 420,
        height: { step: 16 },
        data: { values: spendRows },
        encoding: {
          y: { field: "channel", type: "nominal", sort: o.channelOrder ?? channels, title: null, axis: { labelFontSize: 12 } },
          yOffset: { field: "scenario", type: "nominal", sort: scenarios },
        },
        layer: [
          { mark: { type: "bar" }, encoding: { x: spendX, color: scenarioColor } },
          { mark: { type: "text", align: "left", dx: 4, fontSize: 10, color: INK }, encoding: { x: spendX, text: { field: "label" } } },
        ],
      },
      { width: 170, height: 200, data: { values: kpiRows }, layer: kpiLayers },
    ],
  };
}

// ---------------------------------------------------------------------------
// Sampler diagnostics

/** The parameters that mixed worst: highest R-hat and lowest bulk ESS (up to `count`, no repeats). */
export function worstMixingParameters(fit: FittedMMM, count = 4): string[] {
  const s = fit.summary().filter((r) => Number.isFinite(r.r_hat) && Number.isFinite(r.ess_bulk));
  const byRhat = [...s].sort((a, b) => b.r_hat - a.r_hat);
  const byEss = [...s].sort((a, b) => a.ess_bulk - b.ess_bulk);
  const out: string[] = [];
  for (let i = 0; out.length < Math.min(count, s.length); i++) {
    for (const r of [byRhat[i], byEss[i]]) if (r && !out.includes(r.name) && out.length < count) out.push(r.name);
  }
  return out;
}

/** A parameter label with its channel: coef_media[1] -> "coef_media[1] · search". */
export function labelWithChannel(fit: FittedMMM, label: string): string {
  const m = /^(\w+)\[(\d+)\]$/.exec(label);
  if (!m) return label;
  const channelBlocks = ["coef_media", ...TRANSFORM_PARAMETERS[fit.record.structure.model]];
  if (channelBlocks.includes(m[1])) return `${label} · ${fit.channelNames[Number(m[2])]}`;
  if (m[1] === "coef_extra_features") return `${label} · ${fit.record.dataset.extraNames[Number(m[2])]}`;
  return label;
}

/** Divergence marks drawn at most, over all panels (they pile up; more would only weigh the SVG down). */
const MAX_DIVERGENCE_MARKS = 300;

/** Rank plots of the worst-mixing parameters (one line per chain), divergent transitions marked. */
export function samplerDiagnosticsSpec(fit: FittedMMM, o: PlotOptions & { parameters?: number } = {}): VegaLiteSpec {
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
