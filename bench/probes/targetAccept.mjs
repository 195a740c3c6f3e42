// Probe: one warm-up option in one coordinate system at a target acceptance
// other than the default 0.85, on a dataset of bench/convergenceDatasets.mjs,
// 4 chains x (1000 + 1000) per seed. One JSON line per fit: max R-hat, min
// bulk-ESS, leapfrog steps per draw, gradients, min bulk-ESS per 1000
// gradients, wall seconds and divergences (the convergence table's figures).
// usage: node bench/probes/targetAccept.mjs DATASET ADAPTATION COORDINATES TARGET SEEDS >> out.jsonl
//   e.g. node bench/probes/targetAccept.mjs t156 pooled-dense trend 0.95 1,2,3,4,5,6,7,8
//   COORDINATES "-" keeps the dataset's default coordinates.
import { fitGeoMMM, fitMMM } from "../../dist/index.js";
import { DATASETS } from "../convergenceDatasets.mjs";

const [name, adaptation, coordinates, target, seeds] = process.argv.slice(2);
const ds = DATASETS[name];
if (!ds || !adaptation || !coordinates || !(Number(target) > 0) || !seeds) {
  console.error("usage: node bench/probes/targetAccept.mjs DATASET ADAPTATION COORDINATES TARGET SEEDS");
  process.exit(2);
}
const data = ds.load();
for (const seed of seeds.split(",").map(Number)) {
  const sampler = { chains: 4, warmup: 1000, samples: 1000, targetAccept: Number(target), seed, adaptation, ...(coordinates !== "-" ? { parameterisation: coordinates } : {}) };
  const fit = ds.national ? await fitMMM(data, { sampler }) : await fitGeoMMM(data, { sampler });
  const d = fit.diagnostics();
  const worst = fit.summary().reduce((a, b) => (b.r_hat > a.r_hat ? b : a));
  console.log(
    JSON.stringify({
      dataset: name, adaptation, coordinates, targetAccept: Number(target), seed,
      maxRhat: +d.max_r_hat.toFixed(4), worstParameter: worst.name, minEss: Math.round(d.min_ess_bulk),
      leapfrogPerDraw: +d.leapfrog_per_draw.toFixed(1), gradients: d.gradient_evaluations.total,
      essPer1000Gradients: +((1000 * d.min_ess_bulk) / d.gradient_evaluations.total).toFixed(3),
      seconds: +d.wall_seconds.toFixed(1), divergences: d.divergences,
    }),
  );
}
