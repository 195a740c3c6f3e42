// The datasets of bench/convergence.mjs (and of Stan's runs of them in
// bench/stanChains.mjs): the bundled example, the T=156 C=4 benchmark data and
// the bundled geo example, loaded as `mmm fit` loads them; and, asked for by
// name, one year of weekly simulated data (t52).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { datasetFromTable, EXAMPLE_COLUMNS, geoDatasetFromTable, parseCsv, simulateDataset } from "../dist/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function readCsv(rel) {
  return parseCsv(readFileSync(ROOT + rel, "utf8"), rel);
}

export const DATASETS = {
  example: {
    name: "bundled example (T=156, C=5)",
    national: true,
    // The columns src/model/example.ts maps for `mmm fit --example`.
    load: () => datasetFromTable(readCsv(EXAMPLE_COLUMNS.file), EXAMPLE_COLUMNS),
  },
  t156: {
    name: "benchmark data (T=156, C=4)",
    national: true,
    load: () => simulateDataset({ seed: 1, T: 156, channels: 4, extras: 2 }).dataset,
  },
  // One year of weekly data: bench/fits.mjs's T=52 size (its data seed 100 + T + C), where the baseline
  // coordinates left 4-5 of 20 fits unconverged at 1000 draws (docs/convergence.md). Not in the default run.
  t52: {
    name: "fits benchmark data (T=52, C=5)",
    national: true,
    load: () => simulateDataset({ seed: 157, T: 52, channels: 5, extras: 2 }).dataset,
  },
  geo: {
    name: "bundled geo example (G=8, T=104, C=3)",
    national: false,
    load: () => geoDatasetFromTable(readCsv("examples/geo_weekly.csv"), { target: "sales", media: ["tv", "search", "social"], extra: ["price_index"], geo: "geo", date: "date" }),
  },
};
