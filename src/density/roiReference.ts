// The oracle for ROI priors' derived coefficients (docs/roi-priors.md),
// written from the definition: the coefficients that make the model's ROI of
// each channel over the calibration period equal its sampled roi.
import type { RoiCalibration } from "../model/scaledData.js";

/**
 * coef[c * G + g] = roi_c raw[c, g] / sum_h omega[c, h] raw[c, h] S[c, h],
 * S[c, h] = sum_t mask[t] transformed[c * G + h][t]; raw is 1 in the national model.
 */
export function roiCoefficientsReference(
  calibration: RoiCalibration,
  transformed: readonly (readonly number[])[],
  roi: (c: number) => number,
  raw: (c: number, g: number) => number,
  C: number,
  G: number,
): { coef: number[]; channel: number[] } {
  const coef: number[] = [];
  const channel: number[] = [];
  for (let c = 0; c < C; c++) {
    let q = 0;
    for (let g = 0; g < G; g++) {
      let sum = 0;
      transformed[c * G + g].forEach((f, t) => (sum += calibration.mask[t] * f));
      q += calibration.omega[c * G + g] * raw(c, g) * sum;
    }
    channel.push(roi(c) / q);
    for (let g = 0; g < G; g++) coef.push((roi(c) / q) * raw(c, g));
  }
  return { coef, channel };
}
