// What the plots and the report read from a fitted model, computed once per
// model (several plots share contributions, ROI and draws) and kept only as
// long as the model itself (a WeakMap).

import type { FittedMMM } from "../api/fittedMMM.js";
import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { Contributions } from "../analysis/contributions.js";
import type { PanelFitMetrics, TrainTestMetrics } from "../analysis/fitMetrics.js";
import { datasetRows } from "../analysis/panel.js";
import { predictRows, type PanelPrediction, type Prediction } from "../analysis/predict.js";
import type { ResponseCurve } from "../analysis/responseCurves.js";
import type { ChannelRoi, PanelRoi } from "../analysis/roi.js";
import { periodUnitOf, type PeriodUnit } from "../model/cadence.js";

export const DEFAULT_MAX_DRAWS = 500;

/** A fitted model of either kind; what the report reads of it is the whole model's (summed over geos). */
export type ReportFit = FittedMMM | FittedGeoMMM;

const caches = new WeakMap<ReportFit, Map<string, unknown>>();

function memo<T>(fit: ReportFit, key: string, compute: () => T): T {
  let cache = caches.get(fit);
  if (!cache) {
    cache = new Map();
    caches.set(fit, cache);
  }
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}

/** Fit metrics of the whole model and per geo. */
export function panelMetricsOf(fit: ReportFit): PanelFitMetrics {
  return memo(fit, "metrics", () => fit.metricsByGeo());
}

export function metricsOf(fit: ReportFit): TrainTestMetrics {
  return panelMetricsOf(fit).national;
}

export function contributionsOf(fit: ReportFit): Contributions {
  return memo(fit, "contributions", () => fit.contributionsByGeo().national);
}

/** ROI of the whole model and per geo. */
export function panelRoiOf(fit: ReportFit): PanelRoi {
  return memo(fit, "roi", () => fit.roiByGeo());
}

export function roiOf(fit: ReportFit): ChannelRoi[] {
  return panelRoiOf(fit).national;
}

export function marginalRoiOf(fit: ReportFit): ChannelRoi[] {
  return memo(fit, "mroi", () => fit.marginalRoi());
}

export function responseCurvesOf(fit: ReportFit, maxDraws: number): ResponseCurve[] {
  return memo(fit, `curves:${maxDraws}`, () => fit.responseCurves({ maxDraws }));
}

/** Posterior predictive (with observation noise) for every stored row, training and test: the whole model and per geo. */
export function fittedPanelOf(fit: ReportFit, maxDraws: number): PanelPrediction {
  return memo(fit, `fitted:${maxDraws}`, () => predictRows(fit.record, datasetRows(fit.record), 0, { maxDraws, includeNoise: true, seed: fit.record.config.sampler.seed }));
}

/** fittedPanelOf's whole-model part (summed over the geos). */
export function fittedValuesOf(fit: ReportFit, maxDraws: number): Prediction {
  return fittedPanelOf(fit, maxDraws).national;
}

/** Constrained draws per chain, row-major [draws][dim]. */
export function chainDrawsOf(fit: ReportFit): Float64Array[] {
  return memo(fit, "constrained", () => fit.constrainedDraws());
}

/** All chains' constrained draws concatenated, row-major [draws][dim]. */
export function pooledDrawsOf(fit: ReportFit): { draws: Float64Array; count: number } {
  return memo(fit, "pooled", () => {
    const chains = chainDrawsOf(fit);
    const total = chains.reduce((a, c) => a + c.length, 0);
    const draws = new Float64Array(total);
    let k = 0;
    for (const c of chains) {
      draws.set(c, k);
      k += c.length;
    }
    return { draws, count: total / fit.layout.dim };
  });
}

/** Words for the data's period: "week"/"weeks" for weekly data, "period"/"periods" when unknown. */
export function periodWords(fit: ReportFit): { one: string; many: string; adjective: string } {
  const one = periodUnitOf(fit.record);
  return { one, many: `${one}s`, adjective: ADJECTIVES[one] };
}

const ADJECTIVES: Record<PeriodUnit, string> = { day: "Daily", week: "Weekly", month: "Monthly", period: "Per-period" };

/** The KPI's name as the user called it (the target column), e.g. "sales". */
export function kpiName(fit: ReportFit): string {
  return fit.record.dataset.targetName || "KPI";
}

export function capitalise(s: string): string {
  return s.length ? s[0].toUpperCase() + s.slice(1) : s;
}
