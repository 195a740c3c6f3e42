// Probe: why geo fits do not converge. Fits the bundled geo example (default
// settings: 4 chains x 1000 + 1000) in the given coordinates at the given
// seeds and prints, per fit, the parameters with the largest R-hat with their
// per-chain means and sds on the unconstrained scale, and per chain the step
// size, divergences, mean tree depth and tree-depth hits, and the adapted
// inverse metric on those parameters (in the sampler's coordinates).
// usage: node bench/probes/geoTrace.mjs PARAMETERISATION [seeds...] > out.jsonl
import { readFileSync } from "node:fs";
import { fitGeoMMM, geoDatasetFromTable, parseCsv } from "../../dist/index.js";

const parameterisation = process.argv[2] ?? "model";
const seeds = process.argv.slice(3).map(Number);
const adaptation = process.env.ADAPTATION ?? "stan-diag";
const file = "examples/geo_weekly.csv";
const dataset = geoDatasetFromTable(parseCsv(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"), file), {
  target: "sales", media: ["tv", "search", "social"], extra: ["price_index"], geo: "geo", date: "date",
});
const r3 = (x) => +x.toPrecision(3);
const r4 = (x) => +x.toPrecision(4);
for (const seed of seeds.length ? seeds : [1]) {
  const fit = await fitGeoMMM(dataset, { sampler: { chains: 4, warmup: 1000, samples: 1000, targetAccept: 0.85, seed, adaptation, parameterisation } });
  const d = fit.diagnostics();
  const summary = fit.summary();
  const dim = fit.layout.dim;
  const worst = summary.map((s, i) => ({ i, name: s.name, rhat: s.r_hat, ess: s.ess_bulk })).sort((a, b) => b.rhat - a.rhat).slice(0, 10);
  const chains = fit.record.chains;
  const perParam = worst.map(({ i, name, rhat, ess }) => {
    const stats = chains.map((c) => {
      let m = 0, m2 = 0;
      for (let k = 0; k < c.numDraws; k++) { const x = c.draws[k * dim + i]; const dd = x - m; m += dd / (k + 1); m2 += dd * (x - m); }
      return { mean: r3(m), sd: r3(Math.sqrt(m2 / (c.numDraws - 1))), metric: c.metricKind === "diag" ? r3(c.inverseMetric[i]) : r3(c.inverseMetric[i * dim + i]) };
    });
    return { name, rhat: r4(rhat), ess: Math.round(ess), chains: stats };
  });
  const perChain = chains.map((c) => ({
    stepSize: r3(c.stepSize),
    div: c.divergences,
    depth: r3(c.stats.treeDepth.reduce((a, b) => a + b, 0) / c.numDraws),
    depthHits: c.stats.treeDepth.filter((t) => t >= 10).length,
    leapfrog: Math.round(c.stats.nLeapfrog.reduce((a, b) => a + b, 0) / c.numDraws),
    lp: r3(c.stats.logp.reduce((a, b) => a + b, 0) / c.numDraws),
  }));
  console.log(JSON.stringify({ parameterisation, adaptation, seed, maxRhat: r4(d.max_r_hat), minEss: Math.round(d.min_ess_bulk), wall: Math.round(d.wall_seconds), perChain, worst: perParam }));
}
