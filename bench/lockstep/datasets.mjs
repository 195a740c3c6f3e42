// The three datasets the lockstep benchmark checks against NUTS: the bundled
// example, simulated T=156 C=4 data (as bench/sampler.mjs makes it) and the
// bundled geo example. Each is returned with the fit function it needs.
import { readFileSync } from "node:fs";
import { datasetFromTable, fitGeoMMM, fitMMM, geoDatasetFromTable, parseCsv, simulateDataset } from "../../dist/index.js";

const root = new URL("../../", import.meta.url);
const csv = (path) => parseCsv(readFileSync(new URL(path, root), "utf8"), path);

export const DATASETS = {
  example: () => ({
    fit: fitMMM,
    dataset: datasetFromTable(csv("examples/weekly_sales.csv"), {
      target: "sales",
      media: ["tv", "search", "social", "radio", "display"],
      extra: ["price_index", "competitor_promo"],
      date: "week",
    }),
  }),
  t156c4: () => ({ fit: fitMMM, dataset: simulateDataset({ seed: 1, T: 156, channels: 4, extras: 2 }).dataset }),
  geo: () => ({
    fit: fitGeoMMM,
    dataset: geoDatasetFromTable(csv("examples/geo_weekly.csv"), {
      target: "sales",
      media: ["tv", "search", "social"],
      extra: ["price_index"],
      geo: "geo",
      date: "date",
    }),
  }),
};

/** Posterior mean and sd per summary entry (constrained parameters). */
export function moments(fit) {
  const out = {};
  for (const r of fit.summary()) out[r.name] = { mean: r.mean, sd: r.sd };
  return out;
}

/** Largest |mean - reference mean| / reference sd over parameters, and the parameter. */
export function maxDistance(fitMoments, reference) {
  let worst = { name: "", distance: 0 };
  for (const [name, ref] of Object.entries(reference)) {
    const m = fitMoments[name];
    if (!m || !(ref.sd > 0)) continue;
    const d = Math.abs(m.mean - ref.mean) / ref.sd;
    if (!(d <= worst.distance)) worst = { name, distance: d };
  }
  return worst;
}
