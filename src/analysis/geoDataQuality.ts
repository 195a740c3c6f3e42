// The per-geo data checks under their earlier name: checkDataQuality
// (dataQuality.ts) checks geo data as a whole and per geo; this is its
// per-geo part, in the shape checkGeoDataQuality always returned.

import { checkDataQuality, type DataQualityReport } from "./dataQuality.js";
import type { GeoMediaDataset } from "../model/dataset.js";

export interface GeoDataQualityReport {
  /** Geo labels, in the dataset's order. */
  geoNames: string[];
  /** One report per geo, in geoNames order (each report's source names its geo). */
  geos: DataQualityReport[];
}

/** checkDataQuality's per-geo reports (for geo data of one geo: the whole data's, named by the geo). */
export function checkGeoDataQuality(d: GeoMediaDataset, trainRows: number = d.T): GeoDataQualityReport {
  const report = checkDataQuality(d, trainRows);
  return { geoNames: [...d.geoNames], geos: report.perGeo ?? [{ ...report, geo: d.geoNames[0] }] };
}
