// Rows of media and extra values in a geo model's layout ([T][C][G]) for the
// posterior evaluator: the stored dataset's, new rows from long-format
// records (checked), and two joined.

import { InputError } from "../errors.js";
import type { GeoFitRecord } from "../fit/geoFitRecord.js";
import type { GeoRows } from "./geoPosteriorEvaluator.js";

/** Extra values per period: F per geo-wide row (national extras) or F x G. */
function extraWidth(record: GeoFitRecord): number {
  const d = record.dataset;
  return d.extraNames.length * (d.extraPerGeo ? d.G : 1);
}

/** Dates [start, end) of the stored geo dataset, every geo. */
export function geoDatasetRows(record: GeoFitRecord, start = 0, end = record.dataset.T): GeoRows {
  const d = record.dataset;
  const CG = d.channelNames.length * d.G;
  const fw = extraWidth(record);
  return { T: end - start, media: d.media.slice(start * CG, end * CG), extra: d.extra.slice(start * fw, end * fw) };
}

export function concatGeoRows(a: GeoRows, b: GeoRows): GeoRows {
  const media = new Float64Array(a.media.length + b.media.length);
  media.set(a.media);
  media.set(b.media, a.media.length);
  const extra = new Float64Array(a.extra.length + b.extra.length);
  extra.set(a.extra);
  extra.set(b.extra, a.extra.length);
  return { T: a.T + b.T, media, extra };
}

/** [T][C][G] media and extra rows from long-format records (one per date and geo), checked. */
export function geoRowsFromLong(
  record: GeoFitRecord,
  long: { date?: string; geo: string; media: Record<string, number>; extra?: Record<string, number> }[],
  what = "new rows",
): GeoRows {
  const d = record.dataset;
  const { G } = d;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const geoIndex = new Map(d.geoNames.map((g, i) => [g, i]));
  const perGeo = d.geoNames.map(() => [] as typeof long);
  long.forEach((r, i) => {
    const g = geoIndex.get(String(r.geo));
    if (g === undefined) throw new InputError(`${what}, row ${i + 1}: geo "${r.geo}" is not one of the fitted geos (${d.geoNames.join(", ")})`);
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
