// Data checks for geo data: the national checks (dataQuality.ts) run on each
// geo's own series, so that a channel that never spends in one geo, or a
// geo's outlying week, is reported with the geo's name and rows.

import { checkDataQuality, type DataQualityReport } from "./dataQuality.js";
import { geoAsNational } from "../model/geoViews.js";
import { type GeoMediaDataset } from "../model/dataset.js";

export interface GeoDataQualityReport {
  /** Geo labels, in the dataset's order. */
  geoNames: string[];
  /** One report per geo, in geoNames order (each report's source names its geo). */
  geos: DataQualityReport[];
}

/** The national data checks for each geo, on the first trainRows dates. */
export function checkGeoDataQuality(d: GeoMediaDataset, trainRows: number = d.T): GeoDataQualityReport {
  return {
    geoNames: [...d.geoNames],
    geos: d.geoNames.map((_, g) => checkDataQuality(geoAsNational(d, g), trainRows)),
  };
}
