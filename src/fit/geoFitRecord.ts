// What a fitted geo model keeps: the same as a national fit (FitRecord), with
// the geo dataset and its per (column, geo) scalers.

import type { FitConfig } from "./config.js";
import type { GeoMediaDataset } from "../model/geoDataset.js";
import type { FittedGeoScalers } from "../model/geoScaling.js";
import type { ModelStructure } from "../model/structure.js";
import type { FitTiming, SamplingInfo, StoredChain } from "./record.js";

export interface GeoFitRecord {
  kind: "geo";
  config: FitConfig;
  /** nGeos = G, geoExtra = dataset.extraPerGeo. */
  structure: ModelStructure;
  scalers: FittedGeoScalers;
  /** All dates of every geo in the user's units; the first trainRows dates were fitted. */
  dataset: GeoMediaDataset;
  /** Training dates (periods), not table rows. */
  trainRows: number;
  /** Per-channel costs over all geos behind the media prior. */
  costs: number[];
  chains: StoredChain[];
  timing: FitTiming;
  sampling?: SamplingInfo;
}
