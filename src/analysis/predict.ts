// Posterior predictive for new periods after the stored data, summed over
// geos (the whole model) and, for a geo model, per geo. History (and any gap)
// is prepended so adstock carries over and trend and seasonality continue.

import { constrain } from "../model/layout.js";
import { PhiloxRng } from "../rng/random.js";
import { column, intervalOf, thinDraws, type Interval } from "./intervals.js";
import { concatRows, datasetRows, panelOf, type AnyFitRecord } from "./panel.js";
import { evaluatorFor, type Rows } from "./posteriorEvaluator.js";

export interface PredictOptions {
  /** Rows between the end of the data and the new rows (their carry-over counts). */
  mediaGap?: Rows;
  /** Add observation noise (posterior predictive, each geo its own sigma); default true. */
  includeNoise?: boolean;
  seed?: number;
  /** At most this many draws (evenly thinned); default all, or 1000 when per-geo draws are kept (a geo model). */
  maxDraws?: number;
}

export interface Prediction {
  /** Per new period: mean and 94% HDI in target units. */
  periods: Interval[];
  /** Draws [draws][T] in target units. */
  draws: Float64Array;
  drawCount: number;
}

export interface PanelPrediction {
  geos: string[];
  /** Summed over geos, draw by draw (a national model's one prediction). */
  national: Prediction;
  /** Per geo: mean and 94% HDI per new period (empty for a national model). */
  perGeo: { geo: string; periods: Interval[] }[];
  drawCount: number;
}

/** Posterior predictive for new rows after all stored rows (training and test). */
export function predict(record: AnyFitRecord, newRows: Rows, options: PredictOptions = {}): PanelPrediction {
  const ev = evaluatorFor(record);
  ev.checkRows(newRows, "new rows");
  if (options.mediaGap) ev.checkRows(options.mediaGap, "gap rows");
  let rows = datasetRows(record);
  if (options.mediaGap) rows = concatRows(rows, options.mediaGap);
  const offset = rows.T;
  return predictRows(record, concatRows(rows, newRows), offset, options);
}

/** Predictions for rows [offset, rows.T) of a full row set starting at period 0. */
export function predictRows(record: AnyFitRecord, rows: Rows, offset: number, options: PredictOptions = {}): PanelPrediction {
  const ev = evaluatorFor(record);
  const { G } = ev;
  const keepGeos = G > 1;
  const T = rows.T - offset;
  const indices = thinDraws(ev.drawCount, options.maxDraws ?? (keepGeos ? 1000 : undefined));
  const n = indices.length;
  const perGeo = new Float64Array(keepGeos ? n * T * G : 0);
  const national = new Float64Array(n * T);
  const layout = ev.layout;
  const sigmaOffset = layout.offsetOf("sigma");
  const sigmaT = layout.block("sigma").transforms;
  const ys = ev.scalers.target;
  const rng = new PhiloxRng(options.seed ?? record.config.sampler.seed, 1_000_003);
  const noise = options.includeNoise ?? true;
  const sigma = new Float64Array(G);
  ev.forEachDraw(
    rows,
    ({ k, index, mean }) => {
      const u = ev.draws.subarray(index * layout.dim, (index + 1) * layout.dim);
      for (let g = 0; g < G; g++) sigma[g] = constrain(sigmaT[g], u[sigmaOffset + g]) * ys[g];
      for (let t = 0; t < T; t++) {
        let sum = 0;
        for (let g = 0; g < G; g++) {
          const v = mean[(offset + t) * G + g] + (noise ? sigma[g] * rng.normal() : 0);
          if (keepGeos) perGeo[(k * T + t) * G + g] = v;
          sum += v;
        }
        national[k * T + t] = sum;
      }
    },
    indices,
    false,
  );
  const values = new Float64Array(n);
  return {
    geos: panelOf(record).geoNames,
    national: { periods: Array.from({ length: T }, (_, t) => intervalOf(column(national, n, T, t))), draws: national, drawCount: n },
    perGeo: panelOf(record).geoNames.map((geo, g) => ({
      geo,
      periods: Array.from({ length: T }, (_, t) => {
        for (let k = 0; k < n; k++) values[k] = perGeo[(k * T + t) * G + g];
        return intervalOf(values);
      }),
    })),
    drawCount: n,
  };
}
