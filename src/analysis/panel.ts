// A fit record of either kind seen as a panel: every series with geo as the
// last axis ([T][G] target, [T][C][G] media), G = 1 for a national model.
// A national dataset's arrays already are that layout with G = 1, so the
// view copies nothing; every analysis reads a panel and so serves both.

import { InputError } from "../errors.js";
import type { AnyFitRecord, GeoFitRecord } from "../fit/record.js";
import { asGeoScalers, type FittedGeoScalers } from "../model/scaling.js";

/**
 * Rows in the user's units, geo the last axis: media [T][C][G]; extra
 * [T][F][G] (extras per geo) or [T][F]. For a national model G = 1, so
 * media is [T][C] and extra [T][F].
 */
export interface Rows {
  T: number;
  media: Float64Array;
  extra: Float64Array;
}

export type { AnyFitRecord };

export interface Panel {
  T: number;
  C: number;
  G: number;
  F: number;
  channelNames: string[];
  extraNames: string[];
  /** Geo labels; empty for a national model (its one geo has no name). */
  geoNames: string[];
  dates?: string[];
  /** [T][G]. */
  target: Float64Array;
  /** [T][C][G]. */
  media: Float64Array;
  /** [T][F][G] when extraPerGeo, else [T][F]. */
  extra: Float64Array;
  extraPerGeo: boolean;
  /** Periods fitted (the first trainRows). */
  trainRows: number;
  /** The divisors, per (column, geo): a national model's as one geo. */
  scalers: FittedGeoScalers;
}

const panels = new WeakMap<AnyFitRecord, Panel>();

export function panelOf(record: AnyFitRecord): Panel {
  let p = panels.get(record);
  if (p) return p;
  const d = record.dataset;
  const base = { C: d.channelNames.length, F: d.extraNames.length, channelNames: d.channelNames, extraNames: d.extraNames, trainRows: record.trainRows };
  if (record.kind === "geo") {
    const { T, G, geoNames, dates, target, media, extra, extraPerGeo } = record.dataset;
    p = { ...base, T, G, geoNames, dates, target, media, extra, extraPerGeo, scalers: record.scalers };
  } else {
    const { T, dates, target, media, extra } = record.dataset;
    p = { ...base, T, G: 1, geoNames: [], dates, target, media, extra, extraPerGeo: false, scalers: asGeoScalers(record.scalers) };
  }
  panels.set(record, p);
  return p;
}

/** Extra values per period: F x G for extras per geo, else F. */
export function extraWidth(p: Panel): number {
  return p.F * (p.extraPerGeo ? p.G : 1);
}

/** Periods [start, end) of the stored data, every geo. */
export function datasetRows(record: AnyFitRecord, start = 0, end = record.dataset.T): Rows {
  const p = panelOf(record);
  const CG = p.C * p.G;
  const fw = extraWidth(p);
  return { T: end - start, media: p.media.slice(start * CG, end * CG), extra: p.extra.slice(start * fw, end * fw) };
}

export function concatRows(a: Rows, b: Rows): Rows {
  const media = new Float64Array(a.media.length + b.media.length);
  media.set(a.media);
  media.set(b.media, a.media.length);
  const extra = new Float64Array(a.extra.length + b.extra.length);
  extra.set(a.extra);
  extra.set(b.extra, a.extra.length);
  return { T: a.T + b.T, media, extra };
}

/** The rows with channel c's spend times `factor` in every period and geo. */
export function scaleChannel(p: Panel, rows: Rows, c: number, factor: number): Rows {
  const media = Float64Array.from(rows.media);
  for (let t = 0; t < rows.T; t++) for (let g = 0; g < p.G; g++) media[(t * p.C + c) * p.G + g] *= factor;
  return { ...rows, media };
}

/** Spend per channel and geo over the training periods, [C][G]. */
export function trainingSpend(p: Panel): Float64Array {
  const CG = p.C * p.G;
  const out = new Float64Array(CG);
  for (let t = 0; t < p.trainRows; t++) for (let j = 0; j < CG; j++) out[j] += p.media[t * CG + j];
  return out;
}

/** Channel c's spend summed over geos, from trainingSpend's [C][G]. */
export function channelTotal(spend: Float64Array, G: number, c: number): number {
  let total = 0;
  for (let g = 0; g < G; g++) total += spend[c * G + g];
  return total;
}

/**
 * [T][C][G] media and extra rows from long-format records (one per date and geo), checked.
 * Messages name record i as rowOf(i): its index for records given in memory, a file's own
 * row number where they were read from one.
 */
export function geoRowsFromLong(
  record: GeoFitRecord,
  long: { date?: string; geo: string; media: Record<string, number>; extra?: Record<string, number> }[],
  what = "new rows",
  rowOf: (i: number) => number = (i) => i,
): Rows {
  const d = record.dataset;
  const { G } = d;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const geoIndex = new Map(d.geoNames.map((g, i) => [g, i]));
  const perGeo = d.geoNames.map(() => [] as typeof long);
  long.forEach((r, i) => {
    const g = geoIndex.get(String(r.geo));
    if (g === undefined) throw new InputError(`${what}, row ${rowOf(i)}: geo "${r.geo}" is not one of the fitted geos (${d.geoNames.join(", ")})`);
    perGeo[g].push(r);
  });
  const T = perGeo[0].length;
  d.geoNames.forEach((geo, g) => {
    if (perGeo[g].length !== T) {
      throw new InputError(`${what}: geo "${geo}" has ${perGeo[g].length} rows but geo "${d.geoNames[0]}" has ${T}; every geo needs a row for every new period`);
    }
  });
  if (T === 0) throw new InputError(`${what}: no rows`);
  const media = new Float64Array(T * C * G);
  const extra = new Float64Array(T * F * (d.extraPerGeo ? G : 1));
  const num = (v: unknown, where: string, nonNegative: boolean) => {
    if (typeof v !== "number" || !Number.isFinite(v) || (nonNegative && v < 0)) {
      throw new InputError(`${what}: ${where} must be a finite${nonNegative ? " non-negative" : ""} number, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  for (let g = 0; g < G; g++) {
    for (let t = 0; t < T; t++) {
      const r = perGeo[g][t];
      d.channelNames.forEach((name, c) => (media[(t * C + c) * G + g] = num(r.media[name], `geo "${d.geoNames[g]}", period ${t + 1}, media "${name}"`, true)));
      d.extraNames.forEach((name, f) => {
        const v = num(r.extra?.[name], `geo "${d.geoNames[g]}", period ${t + 1}, extra "${name}"`, false);
        if (d.extraPerGeo) extra[(t * F + f) * G + g] = v;
        else if (g === 0) extra[t * F + f] = v;
        else if (extra[t * F + f] !== v) {
          throw new InputError(`${what}: extra "${name}" is national in this model but differs between geos in period ${t + 1}`);
        }
      });
    }
  }
  return { T, media, extra };
}
