// Scalers (MODEL.md "Preprocessing"; geo data: "Geo (hierarchical) model"):
// each (column, geo) series is divided by its own divisor, fitted on the
// training periods only (its mean by default; max, none or a fixed divisor
// per column), stored with the model and applied to any rows. National data
// is one geo: its scalers (FittedScalers, one number per column) are the
// panel scalers of G = 1 (asGeoScalers), fitted by the same code. Geo is the
// last axis of every array here, so one divisor per geo is applied by
// position (index mod G).

import { InputError } from "../errors.js";
import { isGeoDataset, requireOneGeo, type MediaDataset } from "./dataset.js";
import type { LiftScales } from "./liftTests.js";
import type { ScaledData } from "./scaledData.js";

/** How a column is scaled: divided by its training mean, its max, nothing, or a given divisor. */
export type ScalerKind = "mean" | "max" | "none" | { divisor: number };

export interface ScalerOptions {
  target?: ScalerKind;
  media?: ScalerKind | ScalerKind[];
  extra?: ScalerKind | ScalerKind[];
}

/** One divisor per column: scaled = value / divisor. */
export interface FittedScalers {
  target: number;
  media: number[];
  extra: number[];
}

/** The divisor of one series (values(0..n-1)) for a scaler kind; `what` names the series in messages. */
export function fitDivisor(values: (i: number) => number, n: number, kind: ScalerKind, what: string): number {
  if (kind === "none") return 1;
  if (typeof kind === "object") {
    if (!(Number.isFinite(kind.divisor) && kind.divisor !== 0)) {
      throw new InputError(`${what}: custom scaler divisor must be a finite non-zero number, got ${kind.divisor}`);
    }
    return kind.divisor;
  }
  let acc = kind === "max" ? -Infinity : 0;
  for (let i = 0; i < n; i++) {
    const v = values(i);
    if (kind === "max") acc = Math.max(acc, Math.abs(v));
    else acc += v;
  }
  const d = kind === "max" ? acc : acc / n;
  if (!Number.isFinite(d)) throw new InputError(`${what}: its values are too large to scale (their ${kind === "max" ? "largest value" : "sum"} overflows); express it in larger units`);
  if (!(Math.abs(d) > 0)) {
    throw new InputError(
      `${what}: its ${kind === "max" ? "largest absolute value" : "mean"} over the training rows is 0, so it cannot be scaled by ${kind === "max" ? "its max" : "its mean"} (an all-zero column?)`,
    );
  }
  return d;
}

function perColumn(spec: ScalerKind | ScalerKind[] | undefined, n: number, what: string): ScalerKind[] {
  if (Array.isArray(spec)) {
    if (spec.length !== n) throw new InputError(`${what} scalers: ${spec.length} given for ${n} columns`);
    return spec;
  }
  return new Array<ScalerKind>(n).fill(spec ?? "mean");
}

/**
 * The default scaler of an extra (control) column. Divide-by-mean suits
 * positive columns (prices, indices); a centred column (negative values, or a
 * mean near zero against its spread, as many controls are) would be blown up
 * by orders of magnitude, so it is divided by its largest absolute value.
 */
export function extraScalerFor(values: (i: number) => number, n: number): { kind: "mean" | "max"; note?: string } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values(i);
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values(i) - mean) ** 2;
  const sd = Math.sqrt(ss / Math.max(1, n - 1));
  const centred = min < 0 || Math.abs(mean) < 0.1 * sd;
  if (!centred || !(Math.max(Math.abs(min), Math.abs(max)) > 0)) return { kind: "mean" };
  const fmt = (v: number) => Number(v.toPrecision(3)).toString();
  return {
    kind: "max",
    note: `is centred (mean ${fmt(mean)}, values from ${fmt(min)} to ${fmt(max)}): scaled by its largest absolute value, not by its mean${Math.abs(mean) > 0 ? `, which would have multiplied it by ${fmt(1 / Math.abs(mean))}` : ""}`,
  };
}

/** Warnings about scalers chosen for the user (centred extra columns), one per column. */
export function scalerNotes(d: MediaDataset, trainRows: number, options: ScalerOptions = {}): string[] {
  requireOneGeo(d, "scalerNotes");
  if (options.extra !== undefined) return [];
  const F = d.extraNames.length;
  return d.extraNames.flatMap((name, f) => {
    const note = extraScalerFor((i) => d.extra[i * F + f], trainRows).note;
    return note ? [`extra column "${name}" ${note}`] : [];
  });
}

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

/** The target is a KPI the model builds from a positive baseline plus media: divided by a negative mean, its sign would flip. */
function targetDivisor(values: (t: number) => number, n: number, kind: ScalerKind, what: string): number {
  const divisor = fitDivisor(values, n, kind, what);
  if (kind === "mean" && divisor < 0) {
    throw new InputError(
      `${what}: its mean over the training rows is negative (${divisor.toPrecision(4)}); the model explains a positive KPI (sales, sign-ups) as a baseline plus media effects: give such a KPI, or shift this one to be positive`,
    );
  }
  return divisor;
}

/**
 * Fits the scalers on periods [0, trainRows) of every geo (national data: one
 * geo). A channel that never spends in a geo cannot be divided by its mean or
 * max there: give that column a fixed divisor (then its scaled series is 0 in
 * that geo).
 */
export function fitPanelScalers(d: MediaDataset, trainRows: number, options: ScalerOptions = {}): FittedGeoScalers {
  const geoData = isGeoDataset(d);
  if (!Number.isInteger(trainRows) || trainRows < 1 || trainRows > d.T) {
    throw new InputError(`train ${geoData ? "dates" : "rows"} must be an integer between 1 and ${d.T}, got ${trainRows}`);
  }
  const G = d.G ?? 1;
  const geoIndex = Array.from({ length: G }, (_, g) => g);
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const mediaKinds = perColumn(options.media, C, "media");
  const extraKinds = perColumn(options.extra, F, "extra");
  const geo = (g: number) => (geoData ? `, geo "${d.geoNames[g]}"` : "");
  const target = geoIndex.map((g) => targetDivisor((t) => d.target[t * G + g], trainRows, options.target ?? "mean", `target column "${d.targetName}"${geo(g)}`));
  const media = d.channelNames.map((name, c) =>
    geoIndex.map((g) => {
      const at = (t: number) => d.media[(t * C + c) * G + g];
      const kind = mediaKinds[c];
      if (geoData && typeof kind !== "object" && kind !== "none") {
        let any = false;
        for (let t = 0; t < trainRows && !any; t++) any = at(t) !== 0;
        if (!any) {
          throw new InputError(
            `${d.source}: media column "${name}"${geo(g)}: every training row is 0, so it cannot be scaled by its ${kind}; ` +
              `give the column a fixed divisor (a number) as its scaler, or leave the geo out`,
          );
        }
      }
      return fitDivisor(at, trainRows, kind, `media column "${name}"${geo(g)}`);
    }),
  );
  // Without a given scaler, a centred extra column is divided by its largest absolute value (see extraScalerFor).
  const extraKind = (f: number, at: (t: number) => number): ScalerKind => (options.extra === undefined ? extraScalerFor(at, trainRows).kind : extraKinds[f]);
  const W = d.extraPerGeo ? G : 1;
  const extra = d.extraNames.map((name, f) =>
    geoIndex.slice(0, W).map((w) => {
      const at = (t: number) => d.extra[(t * F + f) * W + w];
      return fitDivisor(at, trainRows, extraKind(f, at), `extra column "${name}"${d.extraPerGeo ? geo(w) : ""}`);
    }),
  );
  return { target, media, extra, extraPerGeo: d.extraPerGeo === true };
}

/** fitPanelScalers of geo data under its old name. */
export const fitGeoScalers: (d: MediaDataset, trainRows: number, options?: ScalerOptions) => FittedGeoScalers = fitPanelScalers;

/** Fits a national model's scalers (one divisor per column): the panel scalers of its one geo. */
export function fitScalers(d: MediaDataset, trainRows: number, options: ScalerOptions = {}): FittedScalers {
  requireOneGeo(d, "fitScalers (geo data: fitPanelScalers)");
  const s = fitPanelScalers(d, trainRows, options);
  return { target: s.target[0], media: s.media.map((m) => m[0]), extra: s.extra.map((e) => e[0]) };
}

/** Scaled copy of rows [start, end) of a national dataset, with its scalers. */
export function scaleRows(d: MediaDataset, s: FittedScalers, start = 0, end = d.T): ScaledData {
  requireOneGeo(d, "scaleRows (geo data: scaleGeoRows)");
  const { G: _g, ...national } = scaleGeoRows(d, asGeoScalers(s), start, end);
  return national;
}

/** Scaled copy of periods [start, end) of every geo, in the layout the density reads ([T][C][G]; G = 1 national). */
export function scaleGeoRows(d: MediaDataset, s: FittedGeoScalers, start = 0, end = d.T): ScaledData {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > d.T || start >= end) {
    const [unit, kind] = isGeoDataset(d) ? ["dates", "geo dataset"] : ["rows", "dataset"];
    throw new InputError(`cannot take ${unit} ${start} to ${end} of a ${kind} of ${d.T} ${unit} (need 0 <= start < end <= ${d.T})`);
  }
  const G = d.G ?? 1;
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
