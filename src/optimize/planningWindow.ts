// The periods a plan is judged on: N plan periods after the end of the stored
// data, plus optional spill-over periods. Everything in the KPI that does not
// depend on the plan's spend (intercept, trend and seasonality continued past
// the data, extra features, the stored media's carry-over) is fixed here, per
// draw, with the same WebAssembly evaluator as the fit.

import type { FitRecord } from "../fit/record.js";
import { concatRows, datasetRows, panelOf, type AnyFitRecord } from "../analysis/panel.js";
import { evaluatorFor, type Rows } from "../analysis/posteriorEvaluator.js";
import { InputError } from "../errors.js";
import { PhiloxRng } from "../rng/random.js";

/**
 * Posterior draws to use: all, or `count` of them drawn without replacement
 * with a generator keyed by `seed` (sorted, so the same seed gives the same set).
 */
export function selectDraws(total: number, count: number | undefined, seed: number): number[] {
  if (count === undefined || count >= total) return Array.from({ length: total }, (_, i) => i);
  if (!Number.isInteger(count) || count < 1) throw new InputError(`draws must be a positive integer, got ${count}`);
  const rng = new PhiloxRng(seed, 0x0b7d);
  const idx = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.uniformInt(total - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, count).sort((a, b) => a - b);
}

/** Extra features over the window [W][F]: given values, or the mean of the last N stored rows. */
export function windowExtra(record: FitRecord, periods: number, window: number, given?: number[] | number[][]): Float64Array {
  const d = record.dataset;
  const F = d.extraNames.length;
  const out = new Float64Array(window * F);
  if (F === 0) return out;
  const check = (v: unknown, where: string): number => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(`extra feature value ${where} must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  };
  if (given === undefined) {
    const from = Math.max(0, d.T - periods);
    for (let f = 0; f < F; f++) {
      let s = 0;
      for (let t = from; t < d.T; t++) s += d.extra[t * F + f];
      const mean = s / (d.T - from);
      for (let j = 0; j < window; j++) out[j * F + f] = mean;
    }
    return out;
  }
  if (given.length > 0 && Array.isArray(given[0])) {
    const rows = given as number[][];
    if (rows.length !== periods && rows.length !== window) {
      throw new InputError(`extra features: give one row per plan period (${periods})${window > periods ? ` or per evaluated period (${window})` : ""}, got ${rows.length} rows`);
    }
    for (let j = 0; j < window; j++) {
      const row = rows[Math.min(j, rows.length - 1)]; // spill-over periods repeat the last given row
      if (!Array.isArray(row) || row.length !== F) throw new InputError(`extra features row ${j}: expected ${F} values (${d.extraNames.join(", ")})`);
      for (let f = 0; f < F; f++) out[j * F + f] = check(row[f], `row ${j}, ${d.extraNames[f]}`);
    }
    return out;
  }
  const values = given as number[];
  if (values.length !== F) throw new InputError(`extra features: expected ${F} values (${d.extraNames.join(", ")}), got ${values.length}`);
  for (let f = 0; f < F; f++) {
    const v = check(values[f], d.extraNames[f]);
    for (let j = 0; j < window; j++) out[j * F + f] = v;
  }
  return out;
}

/** The stored rows followed by the window's rows (no media spend in the window). */
export function rowsWithWindow(record: AnyFitRecord, window: number, extra: Float64Array): Rows {
  const { C, G } = panelOf(record);
  return concatRows(datasetRows(record), { T: window, media: new Float64Array(window * C * G), extra });
}

/**
 * Per draw, the KPI over the window (summed over geos) that no spend in it
 * can change: intercept, trend, seasonality, extra features (and weekday).
 */
export function baselinePerDraw(record: AnyFitRecord, drawIndices: number[], window: number, extra: Float64Array): Float64Array {
  const rows = rowsWithWindow(record, window, extra);
  const ev = evaluatorFor(record);
  const { C, G } = ev;
  const start = record.dataset.T;
  const out = new Float64Array(drawIndices.length);
  ev.forEachDraw(
    rows,
    ({ k, mean, contributions }) => {
      let s = 0;
      for (let t = start; t < rows.T; t++) {
        for (let g = 0; g < G; g++) s += mean[t * G + g];
        for (let j = 0; j < C * G; j++) s -= contributions[t * C * G + j];
      }
      out[k] = s;
    },
    drawIndices,
  );
  return out;
}

/** Mean spend per period of each channel over the training rows (media units x price). */
export function historicalSpendPerPeriod(record: FitRecord, prices: ArrayLike<number>): Float64Array {
  const d = record.dataset;
  const C = d.channelNames.length;
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let t = 0; t < record.trainRows; t++) s += d.media[t * C + c];
    out[c] = (s / record.trainRows) * prices[c];
  }
  return out;
}
