// The datasets of bench/convergence.mjs (and of Stan's runs of them in
// bench/stanChains.mjs): the bundled example, the T=156 C=4 benchmark data and
// the bundled geo example, loaded as `mmm fit` loads them; and, asked for by
// name, one year of weekly simulated data (t52) and weekly data with a
// near-constant control column from a generator outside the project (flat).
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
  // bench/data/make_flat_control.py (seed 101): a price column with a coefficient of variation of 0.35%, almost a
  // second intercept; the default of 2026-12-06 (trend) left one fit in three there stuck after 10,000 draws.
  flat: {
    name: "flat-control data (T=156, C=4)",
    national: true,
    load: () =>
      datasetFromTable(readCsv("bench/data/flat_control_weekly.csv"), { target: "sales", media: ["ch0", "ch1", "ch2", "ch3"], extra: ["price"], date: "week" }),
  },
  geo: {
    name: "bundled geo example (G=8, T=104, C=3)",
    national: false,
    load: () => geoDatasetFromTable(readCsv("examples/geo_weekly.csv"), { target: "sales", media: ["tv", "search", "social"], extra: ["price_index"], geo: "geo", date: "date" }),
  },
};
