/**
 * The arrays a density is built from, already scaled (MODEL.md
 * "Preprocessing"): row-major, T training periods.
 */
export interface ScaledData {
  /** Number of periods. */
  T: number;
  /** Media, row-major [T][C], non-negative. */
  media: Float64Array;
  /** Extra features, row-major [T][F]. */
  extra: Float64Array;
  /** Target [T]. */
  target: Float64Array;
}
