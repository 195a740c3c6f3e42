// A fitted geo (hierarchical) model: the national fit's summary and
// diagnostics, with every analysis per geo and rolled up nationally.

import { InputError } from "../errors.js";
import { deserializeFit, serializeFit } from "../fit/savedModel.js";
import { contributions, type PanelContributions } from "../analysis/contributions.js";
import { fitMetrics, type PanelFitMetrics } from "../analysis/fitMetrics.js";
import { predict, type PanelPrediction, type PredictOptions } from "../analysis/predict.js";
import { responseCurves, type ResponseCurve } from "../analysis/responseCurves.js";
import { marginalRoi, roi, type ChannelRoi, type PanelRoi } from "../analysis/roi.js";
import type { Rows } from "../analysis/posteriorEvaluator.js";
import { optimizeGeoBudget, type GeoBudgetOptimization, type GeoBudgetOptions } from "../optimize/optimizeGeoBudget.js";
import { PosteriorFit } from "../fit/posteriorFit.js";
import type { LiftTest } from "../model/liftTests.js";
import { geoLiftScales } from "../model/geoScaling.js";
import { liftTestCheck, type LiftTestCheck } from "../analysis/liftTestCheck.js";
import type { GeoFitRecord } from "../fit/geoFitRecord.js";

export class FittedGeoMMM extends PosteriorFit<GeoFitRecord> {
  readonly kind = "geo";

  toBytes(): Uint8Array {
    return serializeFit(this.record);
  }

  static fromBytes(bytes: Uint8Array, source?: string): FittedGeoMMM {
    const record = deserializeFit(bytes, source);
    if (record.kind !== "geo") throw new InputError(`${source ?? "model file"} holds a national model, not a geo model`);
    return new FittedGeoMMM(record);
  }

  get channelNames(): string[] {
    return this.record.dataset.channelNames;
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

  /** Each lift test's measured lift against the model's (default: the tests the fit was calibrated on). */
  liftTestCheck(tests: readonly LiftTest[] | undefined = this.record.config.liftTests): LiftTestCheck[] {
    const r = this.record;
    return liftTestCheck(
      {
        structure: r.structure,
        layout: this.layout,
        chains: r.chains,
        channels: r.dataset.channelNames,
        geos: r.dataset.geoNames,
        scales: geoLiftScales(r.scalers),
        calibratedOn: r.config.liftTests,
      },
      tests ?? [],
    );
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
