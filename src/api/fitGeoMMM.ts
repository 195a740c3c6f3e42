// fitGeoMMM: a geo (regional) dataset + configuration in, fitted geo model
// out. The same configuration and sampler as fitMMM; the structure gets
// nGeos = G, the scalers are per (column, geo), fitted on the training dates
// (MODEL.md "Geo (hierarchical) model").

import { scaleLiftTests } from "../model/liftTests.js";
import { DEFAULT_PARAMETERISATION, resolveConfig, type FitConfig, type FitConfigInput } from "../fit/config.js";
import { geoCosts } from "../model/geoViews.js";
import { validateGeoTrainingRows, type GeoMediaDataset } from "../model/geoDataset.js";
import { fitGeoScalers, geoLiftScales, scaleGeoRows } from "../model/geoScaling.js";
import { sampleModel, sampleWithRoiPrior, structureFor, trainingRows, type FitCallbacks } from "./fitMMM.js";
import { coefficientStructure, roiPriorModel } from "./roiPriorFit.js";
import { FittedGeoMMM } from "./fittedGeoMMM.js";
import { requireLockstepAgreement } from "./lockstepAgreement.js";

export interface GeoFitOptions {
  /** Dates used for fitting (the first trainRows, in every geo); the rest are test dates. Default: all. */
  trainRows?: number;
}

export async function fitGeoMMM(
  dataset: GeoMediaDataset,
  configInput: FitConfigInput = {},
  callbacks: FitCallbacks & GeoFitOptions = {},
): Promise<FittedGeoMMM> {
  const sampler = { ...configInput.sampler, parameterisation: configInput.sampler?.parameterisation ?? DEFAULT_PARAMETERISATION.geo };
  const config: FitConfig = resolveConfig({ ...configInput, sampler });
  const trainRows = trainingRows(callbacks.trainRows, dataset.T, "dates");
  validateGeoTrainingRows(dataset, trainRows);
  const costs = geoCosts(dataset, trainRows, config.costs);
  const structure = structureFor(config, costs, {
    nChannels: dataset.channelNames.length,
    nExtra: dataset.extraNames.length,
    nGeos: dataset.G,
    geoExtra: dataset.extraPerGeo,
  });
  const scalers = fitGeoScalers(dataset, trainRows, config.scalers);
  const data = scaleGeoRows(dataset, scalers, 0, trainRows);
  if (config.liftTests) {
    data.liftTests = scaleLiftTests(config.liftTests, dataset.channelNames, dataset.geoNames, geoLiftScales(scalers));
  }
  const G = dataset.G;
  const { chains, timing, sampling } = config.roiPrior
    ? await sampleWithRoiPrior(
        roiPriorModel(structure, data, config.roiPrior, {
          channelNames: dataset.channelNames,
          dates: dataset.dates,
          mediaScale: (series) => scalers.media[Math.floor(series / G)][series % G],
          targetScale: (g) => scalers.target[g],
        }),
        config,
        callbacks,
      )
    : await sampleModel(structure, data, config, callbacks);
  return requireLockstepAgreement(new FittedGeoMMM({ kind: "geo", config, structure: config.roiPrior ? coefficientStructure(structure) : structure, scalers, dataset, trainRows, costs, chains, timing, sampling }));
}
