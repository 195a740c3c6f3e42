// Probe: where Pathfinder starts the chains of a geo fit. For each seed, the
// bundled geo example's Pathfinder starts (a fit of 10 + 10 iterations; the
// starts depend on the seed alone) and each start's lag_weight[1] (the search
// channel's, whose two regimes split chains; docs/convergence.md), with what
// the paths did.
// usage: node bench/probes/pathfinderStarts.mjs [seeds...] > out.jsonl
import { readFileSync } from "node:fs";
import { fitGeoMMM, geoDatasetFromTable, parseCsv } from "../../dist/index.js";

const seeds = process.argv.slice(2).map(Number);
const file = "examples/geo_weekly.csv";
const dataset = geoDatasetFromTable(parseCsv(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"), file), {
  target: "sales", media: ["tv", "search", "social"], extra: ["price_index"], geo: "geo", date: "date",
});
for (const seed of seeds.length ? seeds : [1]) {
  const fit = await fitGeoMMM(dataset, { sampler: { chains: 4, warmup: 10, samples: 10, seed, init: "pathfinder" } });
  const i = fit.layout.labels().indexOf("lag_weight[1]");
  const out = new Float64Array(fit.layout.dim);
  const startLagWeight1 = fit.record.chains.map((c) => {
    fit.layout.constrainFlat(c.initialPosition, out);
    return +out[i].toPrecision(3);
  });
  const s = fit.record.sampling.start;
  console.log(JSON.stringify({ seed, startLagWeight1, paretoK: +s.paretoK.toPrecision(3), evaluations: s.gradientEvaluations, paths: s.used.map((p) => [p.iterations, p.bestIterate, +p.elbo.toFixed(1)]), dropped: s.dropped }));
}
