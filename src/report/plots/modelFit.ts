// The model-fit plot: observed against fitted KPI, with its band.

import { panelOf } from "../../analysis/panel.js";
import { DEFAULT_MAX_DRAWS, fittedValuesOf, kpiName, metricsOf, periodWords, type ReportFit } from "../data.js";
import { band } from "../stats.js";
import { ACCENT, AMOUNT_LABELS, INK, MUTED, baseSpec, type VegaLiteSpec } from "../theme.js";
import { type PlotOptions, type Row, inline, timeAxis, metricText } from "./common.js";

/** Actual vs predicted KPI over time (a geo model: summed over the geos) with the 94% band of the posterior predictive; training and test rows marked. */
export function modelFitSpec(fit: ReportFit, o: PlotOptions = {}): VegaLiteSpec {
  const maxDraws = o.maxDraws ?? DEFAULT_MAX_DRAWS;
  const pred = fittedValuesOf(fit, maxDraws);
  const d = fit.record.dataset;
  const train = fit.record.trainRows;
  const m = metricsOf(fit);
  const words = periodWords(fit);
  const kpi = kpiName(fit);
  const time = timeAxis(fit);
  const actual = actualTotals(fit);
  // Mean line from the draws' means (no observation noise): the band alone carries the noise.
  const rows = pred.periods.map((p, t) => ({
    ...time.value(t),
    actual: actual[t],
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

/** The KPI per period, summed over the geos (national: as it is). */
function actualTotals(fit: ReportFit): Float64Array {
  const { T, G, target } = panelOf(fit.record);
  if (G === 1) return target;
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) out[t] += target[t * G + g];
  return out;
}
