import type { ScaledLiftTest } from "./liftTests.js";

/**
 * The arrays a density is built from, already scaled (MODEL.md
 * "Preprocessing"): row-major, T training periods. Geo data (G present) is
 * row-major with the geo innermost: media [T][C][G] (index (t * C + c) * G + g),
 * target [T][G] (t * G + g), extra [T][F] (national) or [T][F][G] (per geo).
 */
export interface ScaledData {
  /** Number of periods. */
  T: number;
  /** Media, row-major [T][C] (geo: [T][C][G]), non-negative. */
  media: Float64Array;
  /** Extra features, row-major [T][F] (geo with per-geo extras: [T][F][G]). */
  extra: Float64Array;
  /** Target [T] (geo: [T][G]). */
  target: Float64Array;
  /** Number of geos (geo data only; absent: national data). */
  G?: number;
  /** Lift tests calibrating the channels' saturation curves (model/liftTests.ts), scaled as the data. */
  liftTests?: ScaledLiftTest[];
  /** ROI priors (structure.roiPrior): the calibration period (model/roiCalibration.ts). */
  roiCalibration?: RoiCalibration;
}

/**
 * ROI priors' constants: mask[t] 1 on the calibration period's rows, else 0;
 * omega[c * G + g] = target scale of geo g / channel c's spend over the
 * period (all geos), so that ROI_c = sum_g omega coef[c, g] sum_t mask f.
 */
export interface RoiCalibration {
  mask: Float64Array;
  omega: Float64Array;
}
