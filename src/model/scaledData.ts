/**
 * The arrays a density is built from, already scaled (MODEL.md
 * "Preprocessing"): row-major, T training periods. Geo data (G set) has geo
 * as the last axis: media [T][C][G], target [T][G], extra [T][F] or, with
 * extra features per geo, [T][F][G].
 */
export interface ScaledData {
  /** Number of periods. */
  T: number;
  /** Number of geos (absent: national data). */
  G?: number;
  /** Media, row-major [T][C], non-negative. */
  media: Float64Array;
  /** Extra features, row-major [T][F]. */
  extra: Float64Array;
  /** Target [T]. */
  target: Float64Array;
}
