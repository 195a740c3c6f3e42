// CmdStan-style log_prob: the full log-density and its gradient at given
// parameter values, so another frontend can check or drive the engine.

import { MmmDensity } from "../density/mmmDensity.js";
import { InputError } from "../errors.js";
import type { MediaDataset } from "../model/dataset.js";
import { datasetCosts } from "../model/dataset.js";
import { ParameterLayout } from "../model/layout.js";
import type { Prior } from "../model/priors.js";
import { fitScalers, scaleRows, type ScalerOptions } from "../model/scaling.js";
import { makeStructure, mediaPriorFromCosts, type ModelName } from "../model/structure.js";
import { withCadenceDefaults } from "../fit/config.js";

export interface LogProbRequest {
  dataset: MediaDataset;
  /** Parameter values on the constrained scale, keyed by name (MODEL.md's JSON form). */
  params: unknown;
  /** Total spend per channel; defaults to the column sums. */
  costs?: number[];
  mediaPriorScale?: number;
  model?: ModelName;
  /** Geometric adstock times (1 - lag_weight) (default true). */
  normaliseAdstock?: boolean;
  /** Window of the convolution adstocks (default 13; 91 for daily data). */
  maxLag?: number;
  degreesSeasonality?: number;
  /** Periods per seasonal cycle (default a year: 365 daily, 52 weekly, 12 monthly; as a fit of the same data). */
  seasonalityFrequency?: number;
  weekdaySeasonality?: boolean;
  customPriors?: Record<string, Prior | Prior[]>;
  /** How columns are scaled (default: each divided by its mean, as MODEL.md says). */
  scalers?: ScalerOptions;
  /** Not supported here yet: log-prob evaluates the model with priors on the coefficients. */
  roiPrior?: unknown;
}

export interface LogProbResult {
  /** Priors plus likelihood, every constant included, no Jacobian. */
  lp: number;
  /** lp plus the log-Jacobian of the unconstraining transforms. */
  lp_jacobian: number;
  /** d lp_jacobian / d(unconstrained parameters), in layout order. */
  gradient: number[];
  /** Labels of the gradient's entries. */
  labels: string[];
}

export function logProb(req: LogProbRequest): LogProbResult {
  if (req.roiPrior) throw new InputError("log-prob evaluates the model with priors on the coefficients; ROI priors (--roi-prior) are not supported there yet");
  const d = req.dataset;
  const costs = datasetCosts(d, d.T, req.costs);
  const scale = req.mediaPriorScale ?? 0.15;
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new InputError(`--media-prior-scale must be a positive number, got ${scale}`);
  }
  // The defaults a fit of the same data gets, and its refusal of weekday seasonality on dates that are not daily.
  const cadence = withCadenceDefaults(
    { weekdaySeasonality: req.weekdaySeasonality, seasonalityFrequency: req.seasonalityFrequency, maxLag: req.maxLag },
    d.frequency,
  );
  const structure = makeStructure({
    model: req.model,
    nChannels: d.channelNames.length,
    nExtra: d.extraNames.length,
    degreesSeasonality: req.degreesSeasonality,
    seasonalityFrequency: cadence.seasonalityFrequency,
    weekdaySeasonality: req.weekdaySeasonality,
    normaliseAdstock: req.normaliseAdstock,
    carryoverLags: cadence.maxLag,
    mediaPrior: mediaPriorFromCosts(costs, scale),
    customPriors: req.customPriors,
  });
  const layout = new ParameterLayout(structure);
  const constrained = layout.readValues(req.params);
  const u = layout.unconstrainFlat(constrained);
  const density = new MmmDensity(layout, scaleRows(d, fitScalers(d, d.T, req.scalers)), { exactMath: true });
  const gradient = new Float64Array(layout.dim);
  const lpJacobian = density.logpGrad(u, gradient);
  if (!Number.isFinite(lpJacobian)) {
    throw new InputError("the log-density is not finite at these parameter values");
  }
  return {
    lp: lpJacobian - density.lastLogJacobian(),
    lp_jacobian: lpJacobian,
    gradient: Array.from(gradient),
    labels: layout.labels(),
  };
}
