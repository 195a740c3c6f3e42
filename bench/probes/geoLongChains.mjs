// Probe: do long chains on the bundled geo example move between the search
// channel's regimes? Fits the example with CHAINS chains (default 2) x
// (1000 warm-up + SAMPLES draws) at SEED and prints the fit's max R-hat, min
// bulk-ESS, divergences and step sizes, then for the search channel's
// lag_weight, slope, half-saturation and channel coefficient, and the shared
// expo_trend, each chain's mean over consecutive blocks of 500 draws: a
// chain that changes regime shows as a run of blocks away from its others.
// usage: CHAINS=4 node bench/probes/geoLongChains.mjs SEED SAMPLES [ADAPTATION]
import { fitGeoMMM } from "../../dist/index.js";
import { DATASETS } from "../convergenceDatasets.mjs";

const data = DATASETS.geo.load();
const [seed, samples, adaptation] = [Number(process.argv[2] ?? 1), Number(process.argv[3] ?? 10000), process.argv[4] ?? "stan-diag"];
const fit = await fitGeoMMM(data, { sampler: { chains: Number(process.env.CHAINS ?? 2), warmup: 1000, samples, seed, adaptation } });
const dim = fit.layout.dim;
const labels = fit.layout.labels();
const names = ["lag_weight[1]", "slope[1]", "half_max_effective_concentration[1]", "channel_coef_media[1]", "expo_trend"];
const d = fit.diagnostics();
console.log(JSON.stringify({ seed, maxRhat: d.max_r_hat, minEss: d.min_ess_bulk, div: d.divergences, steps: d.step_sizes }));
const BLOCK = 500;
for (const name of names) {
  const i = labels.indexOf(name);
  const perChain = fit.constrainedDraws().map((rows) => {
    const n = rows.length / dim;
    const means = [];
    for (let b = 0; b < n; b += BLOCK) {
      let s = 0;
      let c = 0;
      for (let k = b; k < Math.min(n, b + BLOCK); k++, c++) s += rows[k * dim + i];
      means.push(+(s / c).toPrecision(3));
    }
    return means;
  });
  console.log(name, JSON.stringify(perChain));
}
