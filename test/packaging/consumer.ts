// A consumer of the published package, type-checked under strict with
// skipLibCheck false by test/packaging/package.test.ts and then run: fit the
// bundled example with few draws, read ROI, optimise a budget.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  datasetFromTable,
  fitMMM,
  parseCsv,
  EXAMPLE_COLUMNS,
  type BudgetOptimization,
  type ChannelRoi,
  type FittedMMM,
} from "mmm-wasm";

const require = createRequire(import.meta.url);
const root = dirname(require.resolve("mmm-wasm/package.json"));
const table = parseCsv(readFileSync(join(root, "examples", "weekly_sales.csv"), "utf8"), "weekly_sales.csv");
const dataset = datasetFromTable(table, {
  target: EXAMPLE_COLUMNS.target,
  media: [...EXAMPLE_COLUMNS.media],
  extra: [...EXAMPLE_COLUMNS.extra],
  date: EXAMPLE_COLUMNS.date,
});
const fit: FittedMMM = await fitMMM(dataset, { sampler: { chains: 2, warmup: 60, samples: 40, seed: 3 } });
const roi: ChannelRoi[] = fit.roi();
// A quarter at the historical weekly spend.
const quarter = (roi.reduce((s, r) => s + r.spend, 0) / dataset.T) * 13;
const plan: BudgetOptimization = await fit.optimizeBudget({ budget: quarter, periods: 13 });
const planned = plan.channels.reduce((s, c) => s + plan.spend_after[c], 0);
process.stdout.write(JSON.stringify({ channels: roi.map((r) => r.channel), roi: roi.map((r) => r.mean), budget: quarter, planned }) + "\n");
