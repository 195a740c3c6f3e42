// How well the fit reproduces the data: R^2, Bayesian R^2, MAPE and wMAPE on
// the training periods and, when held out, the test periods; for the whole
// model (summed over geos) and, for a geo model, per geo. Draws are streamed.

import { panelOf, datasetRows, type AnyFitRecord } from "./panel.js";
import { evaluatorFor } from "./posteriorEvaluator.js";

export interface FitMetrics {
  /** 1 - SS_res / SS_tot of the posterior-mean prediction. */
  r2: number;
  /** Bayesian R^2 (Gelman et al. 2019): mean over draws of var(pred) / (var(pred) + var(resid)). */
  bayesian_r2: number;
  /** Mean absolute percentage error of the posterior-mean prediction, in percent. */
  mape: number;
  /** Weighted MAPE: sum |error| / sum |actual|, in percent. */
  wmape: number;
  periods: number;
}

export interface TrainTestMetrics {
  train: FitMetrics;
  test?: FitMetrics;
}

export interface PanelFitMetrics {
  /** Actual and predicted summed over geos (a national model's metrics). */
  national: TrainTestMetrics;
  /** Per geo (empty for a national model). */
  perGeo: ({ geo: string } & TrainTestMetrics)[];
}

/** The point metrics of a prediction against the actual values. */
function pointMetrics(actual: Float64Array, pm: Float64Array): Omit<FitMetrics, "bayesian_r2"> {
  const T = actual.length;
  let ybar = 0;
  for (let t = 0; t < T; t++) ybar += actual[t] / T;
  let ssRes = 0;
  let ssTot = 0;
  let ape = 0;
  let absErr = 0;
  let absAct = 0;
  for (let t = 0; t < T; t++) {
    const e = actual[t] - pm[t];
    ssRes += e * e;
    ssTot += (actual[t] - ybar) ** 2;
    ape += actual[t] !== 0 ? Math.abs(e / actual[t]) : 0;
    absErr += Math.abs(e);
    absAct += Math.abs(actual[t]);
  }
  return { r2: 1 - ssRes / ssTot, mape: (100 * ape) / T, wmape: (100 * absErr) / absAct, periods: T };
}

/** Fit metrics from n draws streamed one at a time: the posterior mean and Bayesian R^2 accumulated draw by draw. */
export class StreamingMetrics {
  private readonly pm: Float64Array;
  private readonly pred: Float64Array;
  private bayes = 0;

  constructor(
    private readonly actual: Float64Array,
    private readonly n: number,
  ) {
    this.pm = new Float64Array(actual.length);
    this.pred = new Float64Array(actual.length);
  }

  /** One draw's mean; `at(t)` gives period t of the rows measured. */
  add(at: (t: number) => number): void {
    const { actual, pm, pred, n } = this;
    const T = actual.length;
    let mp = 0;
    let mr = 0;
    for (let t = 0; t < T; t++) {
      const v = (pred[t] = at(t));
      pm[t] += v / n;
      mp += v / T;
      mr += (actual[t] - v) / T;
    }
    let vp = 0;
    let vr = 0;
    for (let t = 0; t < T; t++) {
      vp += (pred[t] - mp) ** 2;
      vr += (actual[t] - pred[t] - mr) ** 2;
    }
    this.bayes += vp / (vp + vr) / n;
  }

  result(): FitMetrics {
    const { r2, mape, wmape, periods } = pointMetrics(this.actual, this.pm);
    return { r2, bayesian_r2: this.bayes, mape, wmape, periods };
  }
}

/** Metrics of [draws][T] means against the actual values (all draws at once). */
export function metricsOf(actual: Float64Array, meanDraws: Float64Array, n: number): FitMetrics {
  const T = actual.length;
  const m = new StreamingMetrics(actual, n);
  for (let k = 0; k < n; k++) m.add((t) => meanDraws[k * T + t]);
  return m.result();
}

export function fitMetrics(record: AnyFitRecord): PanelFitMetrics {
  const ev = evaluatorFor(record);
  const p = panelOf(record);
  const { T, G } = p;
  const n = ev.drawCount;
  const tr = p.trainRows;
  const ranges: [number, number][] = tr < T ? [[0, tr], [tr, T]] : [[0, T]];
  const totalActual = new Float64Array(T);
  for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) totalActual[t] += p.target[t * G + g];
  const geoActual = (g: number, a: number, b: number) => Float64Array.from({ length: b - a }, (_, i) => p.target[(a + i) * G + g]);
  const perGeo = p.geoNames.map((_, g) => ranges.map(([a, b]) => new StreamingMetrics(geoActual(g, a, b), n)));
  const national = ranges.map(([a, b]) => new StreamingMetrics(totalActual.slice(a, b), n));
  const totalMean = new Float64Array(T);
  ev.forEachDraw(
    datasetRows(record),
    ({ mean }) => {
      for (let t = 0; t < T; t++) {
        let s = 0;
        for (let g = 0; g < G; g++) s += mean[t * G + g];
        totalMean[t] = s;
      }
      ranges.forEach(([a], r) => {
        national[r].add((t) => totalMean[a + t]);
        perGeo.forEach((m, g) => m[r].add((t) => mean[(a + t) * G + g]));
      });
    },
    undefined,
    false,
  );
  const pack = (m: StreamingMetrics[]): TrainTestMetrics => (m.length > 1 ? { train: m[0].result(), test: m[1].result() } : { train: m[0].result() });
  return { national: pack(national), perGeo: p.geoNames.map((geo, g) => ({ geo, ...pack(perGeo[g]) })) };
}
