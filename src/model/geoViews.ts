// Views of a geo dataset: one geo as a national dataset, the national rollup,
// each channel's spend split across geos, and the media prior from the costs.
// (The dataset type, its costs and total spend are in dataset.ts.)

import { InputError } from "../errors.js";
import { datasetCosts, totalSpend, type GeoMediaDataset, type MediaDataset } from "./dataset.js";
import { mediaPriorFromCosts } from "./structure.js";

/** A national dataset of the geo dataset's names and dates with the given series ([T], [T][C], [T][F]). */
function nationalDataset(
  d: GeoMediaDataset,
  series: { target: Float64Array; media: Float64Array; extra: Float64Array },
  source: string,
  sourceRows?: number[],
): MediaDataset {
  const out: MediaDataset = {
    T: d.T,
    targetName: d.targetName,
    channelNames: [...d.channelNames],
    extraNames: [...d.extraNames],
    target: series.target,
    media: series.media,
    extra: series.extra,
    dates: [...d.dates],
    warnings: [...d.warnings],
    source,
  };
  if (sourceRows !== undefined) out.sourceRows = sourceRows;
  if (d.frequency) out.frequency = d.frequency;
  if (d.dateColumn !== undefined) out.dateColumn = d.dateColumn;
  return out;
}

/**
 * One geo's series as a national dataset (arrays copied, not re-validated:
 * a channel may never spend in one geo), its source naming the geo, its
 * rows the geo's rows in the source (as messages number them): for per-geo checks and plots.
 */
export function geoAsNational(d: GeoMediaDataset, g: number): MediaDataset {
  if (!Number.isInteger(g) || g < 0 || g >= d.G) throw new InputError(`geo index must be a whole number from 0 to ${d.G - 1}, got ${g}`);
  const { T, G } = d;
  const series = sumOverGeos(d, [g]);
  return nationalDataset(d, series, `${d.source}, geo "${d.geoNames[g]}"`, Array.from({ length: T }, (_, t) => d.sourceRows[t * G + g]));
}

/**
 * The national totals: target and media summed over the geos for each date;
 * extra features per geo are averaged over the geos (a sum of prices means
 * nothing). No source rows: each value comes from G rows.
 */
export function nationalRollup(d: GeoMediaDataset): MediaDataset {
  const geos = Array.from({ length: d.G }, (_, g) => g);
  return nationalDataset(d, sumOverGeos(d, geos), `${d.source}, all ${d.G} geos`);
}

/** Target and media summed over the given geos, per-geo extras averaged over them (shared extras as they are). */
function sumOverGeos(d: GeoMediaDataset, geos: number[]): { target: Float64Array; media: Float64Array; extra: Float64Array } {
  const { T, G } = d;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const n = geos.length;
  const target = new Float64Array(T);
  const media = new Float64Array(T * C);
  const extra = new Float64Array(T * F);
  for (let t = 0; t < T; t++) {
    for (const g of geos) {
      target[t] += d.target[t * G + g];
      for (let c = 0; c < C; c++) media[t * C + c] += d.media[(t * C + c) * G + g];
      if (d.extraPerGeo) for (let f = 0; f < F; f++) extra[t * F + f] += d.extra[(t * F + f) * G + g] / n;
    }
    if (!d.extraPerGeo) for (let f = 0; f < F; f++) extra[t * F + f] = d.extra[t * F + f];
  }
  return { target, media, extra };
}

// ---------------------------------------------------------------------------
// Costs and spend ratios

/** Per-channel spend summed over every geo and the first `rows` dates: totalSpend under its old name for geo data. */
export const totalGeoSpend: (d: GeoMediaDataset, rows?: number) => number[] = totalSpend;

/**
 * Each channel's spend per geo as a share of its spend over all geos in the
 * first `rows` dates, [C][G] row-major (index c * G + g), each row summing
 * to 1: how a channel budget is split across geos (LightweightMMM's geo ratio).
 */
export function geoSpendRatios(d: GeoMediaDataset, rows = d.T): Float64Array {
  const { G } = d;
  const C = d.channelNames.length;
  const out = new Float64Array(C * G);
  for (let t = 0; t < rows; t++) for (let c = 0; c < C; c++) for (let g = 0; g < G; g++) out[c * G + g] += d.media[(t * C + c) * G + g];
  for (let c = 0; c < C; c++) {
    let total = 0;
    for (let g = 0; g < G; g++) total += out[c * G + g];
    if (!(total > 0)) {
      throw new InputError(`${d.source}: media column "${d.channelNames[c]}" spends nothing in the first ${rows} dates, so its split across geos is undefined`);
    }
    for (let g = 0; g < G; g++) out[c * G + g] /= total;
  }
  return out;
}

/** The costs behind the media prior: datasetCosts under its old name for geo data. */
export const geoCosts: (d: GeoMediaDataset, trainRows?: number, costs?: number[]) => number[] = datasetCosts;

/** Media prior scales (MODEL.md): mediaPriorScale * cost / mean(cost), costs over all geos. */
export function geoMediaPrior(d: MediaDataset, trainRows = d.T, costs?: number[], mediaPriorScale = 0.15): number[] {
  return mediaPriorFromCosts(datasetCosts(d, trainRows, costs), mediaPriorScale);
}
