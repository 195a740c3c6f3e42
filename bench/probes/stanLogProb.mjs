// Checks bench/stan/hill_adstock_geo.stan against the engine's float64 geo
// reference density (src/density/geoReference.ts) on the bundled geo example:
// rstan's log_prob (unconstrained scale, with the Jacobian) and ours at the
// same points, compared as differences from the first point (the constants
// Stan's `~` drops cancel). Points: draws of a short fit and points scattered
// around them on the unconstrained scale.
//   node bench/probes/stanLogProb.mjs   (needs rstan; a minute or two)
// Writes bench/results/stan-geo-logprob.json.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fitGeoMMM, referenceLogDensity, scaleGeoRows, ParameterLayout, sampler } from "../../dist/index.js";
import { DATASETS } from "../convergenceDatasets.mjs";
import { stanGeoData } from "../stanChains.mjs";

const STAN_DIR = fileURLToPath(new URL("../stan/", import.meta.url));

/** Our named values in the Stan program's shapes (gamma_seasonality flat, coef_extra_features [F, 1 or G]). */
function stanValues(values, structure) {
  const out = { ...values };
  out.gamma_seasonality = values.gamma_seasonality.flat();
  const f = values.coef_extra_features;
  out.coef_extra_features = structure.geoExtra ? f : f.map((v) => [v]);
  return out;
}

const dataset = DATASETS.geo.load();
const fit = await fitGeoMMM(dataset, { sampler: { chains: 1, warmup: 200, samples: 3, seed: 1 } });
const r = fit.record;
const layout = new ParameterLayout(r.structure);
const scaled = scaleGeoRows(r.dataset, r.scalers, 0, r.trainRows);
const draws = fit.constrainedDraws()[0];
// The scattered points from the engine's own seeded generator.
const rng = sampler.createRng(7);
const rand = () => rng.uniform();
const us = [];
for (let k = 0; k < 3; k++) us.push(layout.unconstrainFlat(draws.subarray(k * layout.dim, (k + 1) * layout.dim)));
for (let k = 0; k < 4; k++) us.push(us[k % 3].map((v) => v + (rand() - 0.5) * (k < 2 ? 0.2 : 1)));
const ours = us.map((u) => referenceLogDensity(layout, scaled, u).lpJacobian);
const points = us.map((u) => stanValues(layout.constrain(u), r.structure));

const work = mkdtempSync(join(tmpdir(), "mmm-stan-lp-"));
writeFileSync(join(work, "data.json"), JSON.stringify(stanGeoData(r.structure, scaled, r.trainRows)));
writeFileSync(join(work, "points.json"), JSON.stringify(points));
const run = spawnSync("Rscript", [join(STAN_DIR, "log_prob.R"), "hill_adstock_geo.stan", join(work, "data.json"), join(work, "points.json"), join(work, "out.json")], { encoding: "utf8" });
if (run.status !== 0) throw new Error(`log_prob.R failed:\n${run.stderr.slice(-2000)}`);
const stan = JSON.parse(readFileSync(join(work, "out.json"), "utf8")).lp;
let worst = 0;
const rows = [];
for (let k = 1; k < us.length; k++) {
  const a = ours[k] - ours[0];
  const b = stan[k] - stan[0];
  const rel = Math.abs(a - b) / Math.max(1, Math.abs(a));
  worst = Math.max(worst, rel);
  rows.push({ point: k, ours: ours[k], stan: stan[k], oursDiff: a, stanDiff: b, relative: rel });
  console.log(JSON.stringify({ point: k, ours: ours[k], stan: stan[k], oursDiff: a, stanDiff: b, relative: rel }));
}
console.log(`constant offset (ours - Stan) at point 0: ${ours[0] - stan[0]}; worst relative difference of differences: ${worst.toExponential(2)} (${worst < 1e-8 ? "agrees" : "DISAGREES"} to 1e-8)`);
mkdirSync(new URL("../results/", import.meta.url), { recursive: true });
writeFileSync(new URL("../results/stan-geo-logprob.json", import.meta.url), JSON.stringify({ ran_at: new Date().toISOString(), offsetAtPoint0: ours[0] - stan[0], worstRelative: worst, rows }, null, 2) + "\n");
process.exit(worst < 1e-8 ? 0 : 1);
