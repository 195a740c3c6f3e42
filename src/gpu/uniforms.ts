// The one uniform block every MMM kernel reads: sizes, block offsets of the
// unconstrained vector, where each array sits in the packed dataset record,
// and the leapfrog step size. One field list generates both the WGSL struct
// and the bytes written from the host, so the two cannot drift apart.

/** u32 fields, in order. */
export const UNIFORM_U32_FIELDS = [
  "B", // positions in this dispatch
  "T",
  "C",
  "nLin", // design columns: seasonality sin/cos, extra features
  "dim",
  "lags", // carryover window
  "normalise", // adstock output times (1 - lag)
  "dataStride", // f32s from one dataset record to the next
  "offIntercept",
  "offSigma",
  "offTrend",
  "offExpo",
  "offMedia",
  "offT1", // transform parameter blocks, in TRANSFORM_PARAMETERS order
  "offT2",
  "offT3",
  "offT4",
  "offLinear", // gamma_seasonality then coef_extra_features (contiguous)
  "offWeekday",
  // Offsets inside a dataset record.
  "famOff",
  "aOff",
  "bOff",
  "cOff",
  "targetOff",
  "mediaOff",
  "designOff",
  "maskOff", // ROI priors: the calibration period's mask [T] and omega [C] (wgsl/roi.ts); 0 otherwise
  "omegaOff",
  "trendOff", // how the trend coordinates move coef_trend (0, 1 scaled, 2 shifted; datasetPack.ts)
  // 1: positions hold the trend coordinates (level at the last period in coef_trend's place, wgsl/program.ts); 0: the model's.
  "trendCoordinates",
  // Geo model (wgsl/geo.ts; national: G = 1, the rest 0).
  "G", // geos: media [T][C][G], target [T][G], coef_media [C][G]
  "nExtra", // extra features, packed apart from the seasonal design
  "offExtra", // coef_extra_features: [F], or [F][G] with per-geo extras
  "offCoefSeason", // coef_seasonality [G]
  "extraOff", // extra features [T][F] (or [T][F][G]) in the record
  "rows", // scratch floats per position when lanes share it (wgsl/program.ts laneScratchRows; 0 otherwise)
  "parentOff", // per element: 0 for a fixed prior, k + 1 when element k scales it (coef_media[c, g] by channel_coef_media[c])
] as const;

export type UniformName = (typeof UNIFORM_U32_FIELDS)[number];
export type UniformValues = Record<UniformName, number>;

/** u32 fields, then stepSize (f32), padded to a multiple of 16 bytes. */
export const UNIFORM_WORDS = (UNIFORM_U32_FIELDS.length + 1 + 3) & ~3;
export const UNIFORM_BYTES = UNIFORM_WORDS * 4;

export function uniformStructWgsl(): string {
  const fields = UNIFORM_U32_FIELDS.map((n) => `  ${n}: u32,`);
  fields.push("  stepSize: f32,");
  for (let i = UNIFORM_U32_FIELDS.length + 1; i < UNIFORM_WORDS; i++) fields.push(`  pad${i}: u32,`);
  return `struct Uniforms {\n${fields.join("\n")}\n}`;
}

/** The uniform block's bytes. */
export function packUniforms(values: UniformValues, stepSize: number, out = new ArrayBuffer(UNIFORM_BYTES)): ArrayBuffer {
  const u32 = new Uint32Array(out);
  const f32 = new Float32Array(out);
  UNIFORM_U32_FIELDS.forEach((name, i) => {
    const v = values[name];
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uniform ${name} = ${v} is not a u32`);
    u32[i] = v;
  });
  f32[UNIFORM_U32_FIELDS.length] = stepSize;
  return out;
}
