// A small geo dataset for API and CLI tests: each geo's series is simulated
// from the national model (its own seed and size), so the data behave like
// marketing data; the geo recovery test uses simulateGeoDataset instead.

import { simulateDataset } from "../../src/simulate/simulate.js";
import { type GeoMediaDataset } from "../../src/model/dataset.js";
import { geoDatasetFromColumns } from "../../src/io/datasetTable.js";

export interface GeoTestData {
  dataset: GeoMediaDataset;
  /** Long-format columns (date, geo, target, media, extra), e.g. for a CSV. */
  columns: Record<string, (number | string)[]>;
}

export function weeklyDates(T: number, start = Date.UTC(2022, 0, 3)): string[] {
  return Array.from({ length: T }, (_, t) => new Date(start + t * 7 * 86_400_000).toISOString().slice(0, 10));
}

export function makeGeoTestData(o: { G: number; T: number; C: number; extras?: number; seed?: number }): GeoTestData {
  const sims = Array.from({ length: o.G }, (_, g) => simulateDataset({ seed: (o.seed ?? 1) * 100 + g, T: o.T, channels: o.C, extras: o.extras ?? 0 }));
  const first = sims[0].dataset;
  const dates = weeklyDates(o.T);
  const columns: Record<string, (number | string)[]> = { date: [], geo: [], sales: [] };
  for (const c of first.channelNames) columns[c] = [];
  for (const f of first.extraNames) columns[f] = [];
  sims.forEach((sim, g) => {
    const d = sim.dataset;
    const size = 1 + g; // geos of different sizes
    for (let t = 0; t < o.T; t++) {
      columns.date.push(dates[t]);
      columns.geo.push(`geo${g}`);
      columns.sales.push(d.target[t] * size);
      first.channelNames.forEach((c, ci) => columns[c].push(d.media[t * first.channelNames.length + ci] * size));
      first.extraNames.forEach((f, fi) => columns[f].push(sims[0].dataset.extra[t * first.extraNames.length + fi]));
    }
  });
  const dataset = geoDatasetFromColumns(columns, { target: "sales", media: first.channelNames, extra: first.extraNames, geo: "geo", date: "date" });
  return { dataset, columns };
}
