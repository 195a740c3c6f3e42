// Scalers (MODEL.md "Preprocessing"): fitted on training rows, stored with
// the model, applied to any rows. Divide-by-mean is the default.

import { InputError } from "../errors.js";
import type { MediaDataset } from "./dataset.js";
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

/** The target is a KPI the model builds from a positive baseline plus media: divided by a negative mean, its sign would flip. */
function targetDivisor(d: MediaDataset, n: number, kind: ScalerKind): number {
  const what = `target column "${d.targetName}"`;
  const divisor = fitDivisor((i) => d.target[i], n, kind, what);
  if (kind === "mean" && divisor < 0) {
    throw new InputError(
      `${what}: its mean over the training rows is negative (${divisor.toPrecision(4)}); the model explains a positive KPI (sales, sign-ups) as a baseline plus media effects: give such a KPI, or shift this one to be positive`,
    );
  }
  return divisor;
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
  if (options.extra !== undefined) return [];
  const F = d.extraNames.length;
  return d.extraNames.flatMap((name, f) => {
    const note = extraScalerFor((i) => d.extra[i * F + f], trainRows).note;
    return note ? [`extra column "${name}" ${note}`] : [];
  });
}

/** Fits the scalers on rows [0, trainRows). */
export function fitScalers(d: MediaDataset, trainRows: number, options: ScalerOptions = {}): FittedScalers {
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const mediaKinds = perColumn(options.media, C, "media");
  const extraKinds: (ScalerKind | undefined)[] = options.extra === undefined ? new Array<undefined>(F).fill(undefined) : perColumn(options.extra, F, "extra");
  return {
    target: targetDivisor(d, trainRows, options.target ?? "mean"),
    media: d.channelNames.map((name, c) =>
      fitDivisor((i) => d.media[i * C + c], trainRows, mediaKinds[c], `media column "${name}"`),
    ),
    extra: d.extraNames.map((name, f) =>
      fitDivisor((i) => d.extra[i * F + f], trainRows, extraKinds[f] ?? extraScalerFor((i) => d.extra[i * F + f], trainRows).kind, `extra column "${name}"`),
    ),
  };
}

/** Scaled copy of rows [start, end). */
export function scaleRows(d: MediaDataset, s: FittedScalers, start = 0, end = d.T): ScaledData {
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const T = end - start;
  const media = new Float64Array(T * C);
  const extra = new Float64Array(T * F);
  const target = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    target[t] = d.target[start + t] / s.target;
    for (let c = 0; c < C; c++) media[t * C + c] = d.media[(start + t) * C + c] / s.media[c];
    for (let f = 0; f < F; f++) extra[t * F + f] = d.extra[(start + t) * F + f] / s.extra[f];
  }
  return { T, media, extra, target };
}
