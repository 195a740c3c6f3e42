// ROI priors' calibration constants (scaledData.RoiCalibration): which rows
// the ROI is measured over and, per media series, the target scale over the
// channel's spend there, so that the model's ROI of channel c over the period,
//   sum_g sum_t target_scale[g] coef[c, g] f[t, c, g] / spend_c,
// is sum_g omega[c, g] coef[c, g] sum_t mask[t] f[t, c, g].
import { InputError } from "../errors.js";
import type { RoiCalibration, ScaledData } from "./scaledData.js";

export interface RoiCalibrationInput {
  /** Scaled data (media [T][C] or [T][C][G]). */
  data: ScaledData;
  nChannels: number;
  channelNames: readonly string[];
  /** Media scaler of series c * G + g (national: of channel c). */
  mediaScale(series: number): number;
  /** Target scaler of geo g (national: g = 0). */
  targetScale(geo: number): number;
  /** Rows [start, end) of the calibration period; default every row. */
  rows?: readonly [number, number];
}

export function roiCalibration(o: RoiCalibrationInput): RoiCalibration {
  const { data, nChannels: C } = o;
  const T = data.T;
  const G = Math.max(data.G ?? 0, 1);
  const [start, end] = o.rows ?? [0, T];
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= T && start < end)) {
    throw new InputError(`the ROI calibration period must be rows [start, end) within 0..${T}, got [${start}, ${end})`);
  }
  const mask = new Float64Array(T);
  for (let t = start; t < end; t++) mask[t] = 1;
  const omega = new Float64Array(C * G);
  for (let c = 0; c < C; c++) {
    let spend = 0;
    for (let g = 0; g < G; g++) {
      const series = c * G + g;
      let sum = 0;
      for (let t = start; t < end; t++) sum += data.media[t * C * G + series];
      spend += sum * o.mediaScale(series);
    }
    if (!(spend > 0)) {
      throw new InputError(`ROI prior: channel "${o.channelNames[c]}" has no spend in the calibration period (rows ${start}..${end - 1}), so it has no ROI there`);
    }
    for (let g = 0; g < G; g++) omega[c * G + g] = o.targetScale(g) / spend;
  }
  return { mask, omega };
}
