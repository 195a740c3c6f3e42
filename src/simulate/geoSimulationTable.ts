// A simulated geo dataset (simulateGeoDataset) as the long-format table a
// user would load: one row per (date, geo), weekly dates from 2022-01-03.

import type { GeoSimulation } from "./simulate.js";

/** Long-format columns: date, geo, target ("sales"), one per channel and extra feature. */
export function geoSimulationColumns(sim: GeoSimulation, extraNames?: string[]): Record<string, (number | string)[]> {
  const { T, G = 1 } = sim.data;
  const C = sim.channelNames.length;
  const F = sim.structure.nExtra;
  const names = extraNames ?? Array.from({ length: F }, (_, f) => `extra_${f + 1}`);
  const perGeoExtra = sim.structure.geoExtra === true;
  const cols: Record<string, (number | string)[]> = { date: [], geo: [], sales: [] };
  for (const c of sim.channelNames) cols[c] = [];
  for (const f of names) cols[f] = [];
  const start = Date.UTC(2022, 0, 3);
  for (let t = 0; t < T; t++) {
    const date = new Date(start + t * 7 * 86_400_000).toISOString().slice(0, 10);
    for (let g = 0; g < G; g++) {
      cols.date.push(date);
      cols.geo.push(sim.geoNames[g]);
      cols.sales.push(sim.raw.target[t * G + g]);
      sim.channelNames.forEach((c, ci) => cols[c].push(sim.raw.media[(t * C + ci) * G + g]));
      names.forEach((f, fi) => cols[f].push(perGeoExtra ? sim.raw.extra[(t * F + fi) * G + g] : sim.raw.extra[t * F + fi]));
    }
  }
  return cols;
}
