// Writes examples/geo_weekly.csv (long format: one row per week and region)
// and examples/geo_weekly.truth.json from simulateGeoDataset with a fixed
// seed: 8 regions, 104 weeks, 3 channels, one national control.
// Run after `npm run build`: node scripts/make-geo-example.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { geoSimulationColumns, simulateGeoDataset } from "../dist/index.js";

const sim = simulateGeoDataset({ seed: 2024, T: 104, channels: 3, geos: 8, extras: 1 });
const cols = geoSimulationColumns(sim, ["price_index"]);
const names = Object.keys(cols);
const n = cols.date.length;
const fmt = (v) => (typeof v === "number" ? String(Math.round(v * 1000) / 1000) : v);
const lines = [names.join(",")];
for (let i = 0; i < n; i++) lines.push(names.map((k) => fmt(cols[k][i])).join(","));
const dir = new URL("../examples/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL("geo_weekly.csv", dir), lines.join("\n") + "\n");
writeFileSync(
  new URL("geo_weekly.truth.json", dir),
  JSON.stringify({ seed: 2024, geos: sim.geoNames, channels: sim.channelNames, costs: sim.costs, note: "true parameters on the scaled data (each (column, geo) divided by its mean over all 104 weeks)", truth: sim.truth }, null, 2) + "\n",
);
console.log(`wrote examples/geo_weekly.csv (${n} rows) and examples/geo_weekly.truth.json`);
