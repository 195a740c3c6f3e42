// A fitted model: configuration, scalers, data and posterior draws, with the
// questions users ask of it. Draws are kept on the unconstrained scale (what
// the sampler produced); named values are derived on demand.

import { InputError } from "../errors.js";
import { deserializeFit } from "../fit/savedModel.js";
import { FittedModel } from "./fittedModel.js";
import type { FitRecord } from "../fit/record.js";
import { contributions, type Contributions } from "../analysis/contributions.js";
import { fitMetrics, type TrainTestMetrics } from "../analysis/fitMetrics.js";
import { predict, type PredictOptions, type Prediction } from "../analysis/predict.js";
import { responseCurves, type ResponseCurve } from "../analysis/responseCurves.js";
import { marginalRoi, roi, type ChannelRoi } from "../analysis/roi.js";
import type { Rows } from "../analysis/posteriorEvaluator.js";
import { optimizeBudget } from "../optimize/optimizeBudget.js";
import type { BudgetOptimization, OptimizeBudgetOptions } from "../optimize/types.js";

export class FittedMMM extends FittedModel<FitRecord> {
  readonly kind = "national";

  static fromBytes(bytes: Uint8Array, source?: string): FittedMMM {
    const record = deserializeFit(bytes, source);
    if (record.kind === "geo") {
      throw new InputError(`${source ?? "model file"} holds a geo model: load it with loadAnyMMM / FittedGeoMMM.fromBytes`);
    }
    return new FittedMMM(record);
  }

  /** Posterior predictive for new rows after the stored data (media [T][C] and extra [T][F] in the user's units). */
  predict(newRows: Rows, options?: PredictOptions): Prediction {
    return predict(this.record, newRows, options).national;
  }

  /** R^2, Bayesian R^2, MAPE and wMAPE on the training rows and, when held out, the test rows. */
  metrics(): TrainTestMetrics {
    return fitMetrics(this.record).national;
  }

  /** Baseline and per-channel contributions per training period and in total, with 94% HDIs. */
  contributions(): Contributions {
    return contributions(this.record).national;
  }

  /** ROI per channel (contribution / spend over the training rows), as a distribution; null for a channel that spent nothing. */
  roi(): ChannelRoi[] {
    return roi(this.record).national;
  }

  /** Marginal ROI per channel: extra KPI per extra unit of spend at 1% more spend. */
  marginalRoi(relativeStep?: number): ChannelRoi[] {
    return marginalRoi(this.record, relativeStep);
  }

  responseCurves(options?: { multipliers?: number[]; maxDraws?: number }): ResponseCurve[] {
    return responseCurves(this.record, options);
  }

  /** The budget allocation over the next periods that maximises the KPI (a number: the budget, with every default). */
  optimizeBudget(options: OptimizeBudgetOptions | number): Promise<BudgetOptimization> {
    return optimizeBudget(this.record, typeof options === "number" ? { budget: options } : options);
  }

}
