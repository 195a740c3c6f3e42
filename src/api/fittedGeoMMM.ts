// A fitted geo (hierarchical) model: the national fit's summary and
// diagnostics, with every analysis per geo and rolled up nationally.

import { InputError } from "../errors.js";
import { deserializeFit } from "../fit/savedModel.js";
import { contributions, type PanelContributions } from "../analysis/contributions.js";
import { fitMetrics, type PanelFitMetrics } from "../analysis/fitMetrics.js";
import { predict, type PanelPrediction, type PredictOptions } from "../analysis/predict.js";
import { responseCurves, type ResponseCurve } from "../analysis/responseCurves.js";
import { marginalRoi, roi, type ChannelRoi, type PanelRoi } from "../analysis/roi.js";
import type { Rows } from "../analysis/posteriorEvaluator.js";
import { optimizeGeoBudget, type GeoBudgetOptimization, type GeoBudgetOptions } from "../optimize/optimizeGeoBudget.js";
import { FittedModel } from "./fittedModel.js";
import type { GeoFitRecord } from "../fit/record.js";

export class FittedGeoMMM extends FittedModel<GeoFitRecord> {
  readonly kind = "geo";

  static fromBytes(bytes: Uint8Array, source?: string): FittedGeoMMM {
    const record = deserializeFit(bytes, source);
    if (record.kind !== "geo") throw new InputError(`${source ?? "model file"} holds a national model, not a geo model`);
    return new FittedGeoMMM(record);
  }

  get geoNames(): string[] {
    return this.record.dataset.geoNames;
  }

  /** Posterior predictive for new dates (media [T][C][G], extra [T][F][G] or [T][F], user's units), per geo and national. */
  predict(newRows: Rows, options?: PredictOptions): PanelPrediction {
    return predict(this.record, newRows, options);
  }

  /** R^2, Bayesian R^2, MAPE and wMAPE per geo and of the national roll-up (train and, when held out, test dates). */
  metrics(): PanelFitMetrics {
    return fitMetrics(this.record);
  }

  /** Baseline and per-channel contributions over the training dates, per geo and national. */
  contributions(): PanelContributions {
    return contributions(this.record);
  }

  /** ROI per channel per geo and national. */
  roi(): PanelRoi {
    return roi(this.record);
  }

  /** National marginal ROI per channel (spend raised in every geo alike). */
  marginalRoi(relativeStep?: number): ChannelRoi[] {
    return marginalRoi(this.record, relativeStep);
  }


  /** National response curves (a channel's spend scaled in every geo alike). */
  responseCurves(options?: { multipliers?: number[]; maxDraws?: number }): ResponseCurve[] {
    return responseCurves(this.record, options);
  }

  /**
   * The budget allocation over the next periods that maximises the national
   * KPI: channel totals split across geos by the historical spend ratio
   * (default), or every (channel, geo) optimised (perGeo: true).
   */
  optimizeBudget(options: GeoBudgetOptions | number): Promise<GeoBudgetOptimization> {
    return optimizeGeoBudget(this.record, typeof options === "number" ? { budget: options } : options);
  }
}
