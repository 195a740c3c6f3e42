// fitGeoMMM: the name geo fits had before fitMMM took geo datasets too;
// kept so users' code keeps working.

import type { FitConfigInput } from "../fit/config.js";
import type { GeoMediaDataset } from "../model/dataset.js";
import { fitMMM, type FitCallbacks, type FitOptions } from "./fitMMM.js";
import type { FittedGeoMMM } from "./fittedGeoMMM.js";

export type GeoFitOptions = FitOptions;

/** fitMMM on a geo dataset. */
export function fitGeoMMM(dataset: GeoMediaDataset, configInput: FitConfigInput = {}, callbacks: FitCallbacks & FitOptions = {}): Promise<FittedGeoMMM> {
  return fitMMM(dataset, configInput, callbacks);
}
