// The fitted model, national or geo (a national model is a panel of one geo):
// its bytes, its channels and geos, and the questions users ask of it. Each
// analysis has a panel form (`...ByGeo`: the whole model and, for a geo model,
// each geo) and the form users of each kind know: a national model answers
// with the whole model's numbers, a geo model with the panel. FittedMMM and
// FittedGeoMMM only fix the kind (and what `fromBytes` accepts).

import { contributions, type Contributions, type PanelContributions } from "../analysis/contributions.js";
import { fitMetrics, type PanelFitMetrics, type TrainTestMetrics } from "../analysis/fitMetrics.js";
import { liftTestCheck, type LiftTestCheck } from "../analysis/liftTestCheck.js";
import { panelOf, type AnyFitRecord } from "../analysis/panel.js";
import type { Rows } from "../analysis/posteriorEvaluator.js";
import { predict, type PanelPrediction, type PredictOptions, type Prediction } from "../analysis/predict.js";
import { responseCurves, type ResponseCurve } from "../analysis/responseCurves.js";
import { marginalRoi, roi, type ChannelRoi, type PanelRoi } from "../analysis/roi.js";
import { PosteriorFit } from "../fit/posteriorFit.js";
import type { GeoFitRecord } from "../fit/record.js";
import { serializeFit } from "../fit/savedModel.js";
import { geoLiftScales } from "../model/scaling.js";
import type { LiftTest } from "../model/liftTests.js";
import { optimizeBudget } from "../optimize/optimizeBudget.js";
import { optimizeGeoBudget, type GeoBudgetOptimization, type GeoBudgetOptions } from "../optimize/optimizeGeoBudget.js";
import type { BudgetOptimization } from "../optimize/types.js";

/** A national model's answer (N) or a geo model's (G, with its per-geo breakdown). */
export type ByKind<R extends AnyFitRecord, N, G> = R extends GeoFitRecord ? G : N;

export abstract class FittedModel<R extends AnyFitRecord> extends PosteriorFit<R> {
  abstract readonly kind: "national" | "geo";

  /** The whole fitted model as one versioned binary file (see fit/savedModel.ts). */
  toBytes(): Uint8Array {
    return serializeFit(this.record);
  }

  get channelNames(): string[] {
    return this.record.dataset.channelNames;
  }

  /** The geos (none for a national model). */
  get geoNames(): string[] {
    return panelOf(this.record).geoNames;
  }

  /** A national model's answer is the panel's whole-model part; a geo model's the panel. */
  private byKind<P extends { national: unknown }>(panel: P): ByKind<R, P["national"], P> {
    return (this.record.kind === "geo" ? panel : panel.national) as ByKind<R, P["national"], P>;
  }

  /** Posterior predictive for new periods after the stored data (media [T][C][G], extra [T][F][G] or [T][F], user's units): the whole model and per geo. */
  predictByGeo(newRows: Rows, options?: PredictOptions): PanelPrediction {
    return predict(this.record, newRows, options);
  }

  /** predictByGeo's answer; a national model's: the periods alone. */
  predict(newRows: Rows, options?: PredictOptions): ByKind<R, Prediction, PanelPrediction> {
    return this.byKind(this.predictByGeo(newRows, options));
  }

  /** R^2, Bayesian R^2, MAPE and wMAPE on the training and (when held out) test periods: the whole model and per geo. */
  metricsByGeo(): PanelFitMetrics {
    return fitMetrics(this.record);
  }

  metrics(): ByKind<R, TrainTestMetrics, PanelFitMetrics> {
    return this.byKind(this.metricsByGeo());
  }

  /** Baseline and per-channel contributions per training period and in total, with 94% HDIs: the whole model and per geo. */
  contributionsByGeo(): PanelContributions {
    return contributions(this.record);
  }

  contributions(): ByKind<R, Contributions, PanelContributions> {
    return this.byKind(this.contributionsByGeo());
  }

  /** ROI per channel (contribution / spend over the training periods) as a distribution, null for a channel that spent nothing: the whole model and per geo. */
  roiByGeo(): PanelRoi {
    return roi(this.record);
  }

  roi(): ByKind<R, ChannelRoi[], PanelRoi> {
    return this.byKind(this.roiByGeo());
  }

  /** Marginal ROI per channel of the whole model: extra KPI per extra unit of spend at 1% more spend (in every geo alike). */
  marginalRoi(relativeStep?: number): ChannelRoi[] {
    return marginalRoi(this.record, relativeStep);
  }

  /** Response curves of the whole model (a channel's spend scaled in every geo alike). */
  responseCurves(options?: { multipliers?: number[]; maxDraws?: number }): ResponseCurve[] {
    return responseCurves(this.record, options);
  }

  /**
   * The budget allocation over the next periods that maximises the KPI (a
   * number: the budget, with every default). A geo model splits channel totals
   * across geos by the historical spend ratio (default) or optimises every
   * (channel, geo) pair (perGeo: true).
   */
  optimizeBudget(options: GeoBudgetOptions | number): Promise<ByKind<R, BudgetOptimization, GeoBudgetOptimization>> {
    const o = typeof options === "number" ? { budget: options } : options;
    const r = this.record;
    return (r.kind === "geo" ? optimizeGeoBudget(r, o) : optimizeBudget(r, o)) as Promise<ByKind<R, BudgetOptimization, GeoBudgetOptimization>>;
  }

  /** Each lift test's measured lift against the model's (default: the tests the fit was calibrated on). */
  liftTestCheck(tests: readonly LiftTest[] | undefined = this.record.config.liftTests): LiftTestCheck[] {
    const r = this.record;
    const p = panelOf(r);
    return liftTestCheck(
      {
        structure: r.structure,
        layout: this.layout,
        chains: r.chains,
        channels: p.channelNames,
        ...(r.kind === "geo" ? { geos: p.geoNames } : {}),
        scales: geoLiftScales(p.scalers),
        calibratedOn: r.config.liftTests,
      },
      tests ?? [],
    );
  }
}
