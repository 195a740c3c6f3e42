// Scalers for geo data (MODEL.md "Geo (hierarchical) model"): each (column,
// geo) series is divided by its own divisor, fitted on the training dates
// only (its mean by default; max, none or a fixed divisor per column as for
// national data, scaling.ts), stored with the model and applied to any rows.
// Geo is the last axis of every array here, so one divisor per geo is
// applied by position (index mod G).

import { InputError } from "../errors.js";
import type { GeoMediaDataset } from "./dataset.js";
import type { LiftScales } from "./liftTests.js";
import type { ScaledData } from "./scaledData.js";
import { extraScalerFor, fitDivisor, type FittedScalers, type ScalerKind, type ScalerOptions } from "./scaling.js";

/** One divisor per series: scaled = value / divisor. */
export interface FittedGeoScalers {
  /** Target divisor per geo, [G]. */
  target: number[];
  /** Media divisor per channel and geo, [C][G]. */
  media: number[][];
  /** Extra divisor per feature: [F][G] for extra features per geo, [F][1] for national ones. */
  extra: number[][];
  /** Whether the extra features are per geo ([T][F][G]) or national ([T][F]). */
  extraPerGeo: boolean;
}

/** A national model's scalers as those of one geo (G = 1), so one code path serves both. */
export function asGeoScalers(s: FittedScalers): FittedGeoScalers {
  return { target: [s.target], media: s.media.map((v) => [v]), extra: s.extra.map((v) => [v]), extraPerGeo: false };
}

function perColumn(spec: ScalerKind | ScalerKind[] | undefined, n: number, what: string): ScalerKind[] {
  if (Array.isArray(spec)) {
    if (spec.length !== n) throw new InputError(`${what} scalers: ${spec.length} given for ${n} columns`);
    return spec;
  }
  return new Array<ScalerKind>(n).fill(spec ?? "mean");
}

/**
 * Fits the scalers on dates [0, trainRows) of every geo. A channel that
 * never spends in a geo cannot be divided by its mean or max there: give
 * that column a fixed divisor (then its scaled series is 0 in that geo).
 */
export function fitGeoScalers(d: GeoMediaDataset, trainRows: number, options: ScalerOptions = {}): FittedGeoScalers {
  if (!Number.isInteger(trainRows) || trainRows < 1 || trainRows > d.T) {
    throw new InputError(`train dates must be an integer between 1 and ${d.T}, got ${trainRows}`);
  }
  const { G } = d;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const mediaKinds = perColumn(options.media, C, "media");
  const extraKinds = perColumn(options.extra, F, "extra");
  const geo = (g: number) => `geo "${d.geoNames[g]}"`;
  const target = d.geoNames.map((_, g) =>
    fitDivisor((t) => d.target[t * G + g], trainRows, options.target ?? "mean", `target column "${d.targetName}", ${geo(g)}`),
  );
  const media = d.channelNames.map((name, c) =>
    d.geoNames.map((_, g) => {
      const at = (t: number) => d.media[(t * C + c) * G + g];
      const kind = mediaKinds[c];
      if (typeof kind !== "object" && kind !== "none") {
        let any = false;
        for (let t = 0; t < trainRows && !any; t++) any = at(t) !== 0;
        if (!any) {
          throw new InputError(
            `${d.source}: media column "${name}", ${geo(g)}: every training row is 0, so it cannot be scaled by its ${kind}; ` +
              `give the column a fixed divisor (a number) as its scaler, or leave the geo out`,
          );
        }
      }
      return fitDivisor(at, trainRows, kind, `media column "${name}", ${geo(g)}`);
    }),
  );
  // Without a given scaler, a centred extra column is divided by its largest absolute value (see extraScalerFor).
  const extraKind = (f: number, at: (t: number) => number): ScalerKind => (options.extra === undefined ? extraScalerFor(at, trainRows).kind : extraKinds[f]);
  const extra = d.extraNames.map((name, f) =>
    d.extraPerGeo
      ? d.geoNames.map((_, g) => {
          const at = (t: number) => d.extra[(t * F + f) * G + g];
          return fitDivisor(at, trainRows, extraKind(f, at), `extra column "${name}", ${geo(g)}`);
        })
      : [fitDivisor((t) => d.extra[t * F + f], trainRows, extraKind(f, (t) => d.extra[t * F + f]), `extra column "${name}"`)],
  );
  return { target, media, extra, extraPerGeo: d.extraPerGeo };
}

/** Media [T][C][G] divided by the fitted divisors (new rows, e.g. for predictions or budgets). */
export function scaleGeoMedia(media: ArrayLike<number>, s: FittedGeoScalers): Float64Array {
  return divideByColumn(media, s.media, s.target.length, "media", "[T][C][G]");
}

/** Extra features ([T][F][G] per geo, [T][F] national, as fitted) divided by the fitted divisors. */
export function scaleGeoExtra(extra: ArrayLike<number>, s: FittedGeoScalers): Float64Array {
  return divideByColumn(extra, s.extra, s.extraPerGeo ? s.target.length : 1, "extra", s.extraPerGeo ? "[T][F][G]" : "[T][F]");
}

/** values [T][J][W] divided by divisors[j][w] (W = 1: [T][J]). */
function divideByColumn(values: ArrayLike<number>, divisors: number[][], W: number, what: string, shape: string): Float64Array {
  const J = divisors.length;
  checkLength(values.length, J * W, what, shape);
  const out = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = values[k] / divisors[Math.floor(k / W) % J][k % W];
  return out;
}

function checkLength(n: number, row: number, what: string, shape: string): void {
  if (row === 0 ? n !== 0 : n % row !== 0) {
    throw new InputError(`${what}: ${n} values do not fill whole periods of ${row} (${shape})`);
  }
}

/** Scaled copy of dates [start, end) of every geo, in the layout the geo density reads. */
export function scaleGeoRows(d: GeoMediaDataset, s: FittedGeoScalers, start = 0, end = d.T): ScaledData {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > d.T || start >= end) {
    throw new InputError(`cannot take dates ${start} to ${end} of a geo dataset of ${d.T} dates (need 0 <= start < end <= ${d.T})`);
  }
  const { G } = d;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const fW = d.extraPerGeo ? F * G : F;
  return {
    T: end - start,
    G,
    media: scaleGeoMedia(d.media.subarray(start * C * G, end * C * G), s),
    extra: scaleGeoExtra(d.extra.subarray(start * fW, end * fW), s),
    target: scaleGeoTarget(d.target.subarray(start * G, end * G), s),
  };
}

/** Target values with geo as the last axis ([T][G]) divided by each geo's divisor. */
export function scaleGeoTarget(values: ArrayLike<number>, s: FittedGeoScalers): Float64Array {
  const G = s.target.length;
  checkLength(values.length, G, "target", "[...][G]");
  const out = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = values[k] / s.target[k % G];
  return out;
}

/**
 * Back to the target's units: values on the scaled target scale with geo as
 * the last axis (predictions [T][G], contributions [T][C][G], per draw or
 * not) times each geo's divisor. Pass `out` = values to convert in place
 * (no copy of a large draw array).
 */
export function unscaleGeoTarget(
  values: ArrayLike<number>,
  s: FittedGeoScalers,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const G = s.target.length;
  checkLength(values.length, G, "values", "[...][G]");
  if (out.length !== values.length) throw new InputError(`output has ${out.length} values for ${values.length} inputs`);
  for (let k = 0; k < values.length; k++) out[k] = values[k] * s.target[k % G];
  return out;
}

/** National roll-up: sums over the last (geo) axis, [...][G] -> [...]. */
export function sumOverGeos(values: ArrayLike<number>, G: number): Float64Array {
  checkLength(values.length, G, "values", "[...][G]");
  const out = new Float64Array(values.length / G);
  for (let k = 0; k < out.length; k++) {
    let acc = 0;
    for (let g = 0; g < G; g++) acc += values[k * G + g];
    out[k] = acc;
  }
  return out;
}

/** The divisors lift tests are scaled by: the (channel, geo) media scaler and the geo's target scaler (a national model: asGeoScalers, geo 0). */
export function geoLiftScales(scalers: FittedGeoScalers): LiftScales {
  return { media: (c, g) => scalers.media[c]![g]!, target: (g) => scalers.target[g]! };
}
