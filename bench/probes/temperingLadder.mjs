// Probe: parallel tempering on the bundled geo example, written outside the
// product before --tempering existed (services/temperedChains.ts is the
// product's). L independent ladders of K NUTS replicas on p(x)^beta, beta
// geometric from 1 down to BMIN: each replica first runs Stan's warm-up
// alone (WARM iterations), then the replicas draw DRAWS times, neighbours
// trying to swap after every draw (even pairs on even draws, odd on odd).
// Prints per ladder the step sizes, swap rates, leapfrog steps per draw and
// the beta = 1 replica's mean lag_weight[1] per 250 draws, then the max
// R-hat over the L cold chains.
// usage: K=6 BMIN=0.5 L=4 WARM=1000 DRAWS=1000 SEED=5 node bench/probes/temperingLadder.mjs
import { sampler, diagnostics, MmmDensity, ParameterLayout } from "../../dist/index.js";
import { shortFitInput } from "../stanChains.mjs";
import { DATASETS } from "../convergenceDatasets.mjs";
const K = Number(process.env.K ?? 6), BMIN = Number(process.env.BMIN ?? 0.2), L = Number(process.env.L ?? 2);
const WARM = Number(process.env.WARM ?? 1000), DRAWS = Number(process.env.DRAWS ?? 3000), SEED = Number(process.env.SEED ?? 1);
const { structure, scaled } = await shortFitInput(DATASETS.geo.load(), true);
const layout = new ParameterLayout(structure);
const base = new MmmDensity(layout, scaled);
const dim = layout.dim;
const betas = Array.from({ length: K }, (_, k) => Math.pow(BMIN, k / (K - 1)));
const tempered = (b) => ({ dim, logp: (q) => b * base.logp(q), logpGrad: (q, g) => { const lp = base.logpGrad(q, g); for (let i = 0; i < dim; i++) g[i] *= b; return b * lp; } });
const iLag = layout.labels().indexOf("lag_weight[1]");
const cold = [];
const t0 = Date.now();
for (let l = 0; l < L; l++) {
  const reps = [];
  for (let k = 0; k < K; k++) {
    const dens = tempered(betas[k]);
    const r = sampler.sampleChain(dens, { seed: SEED, chainId: l * K + k, initialPosition: layout.medianPoint(), initRadius: 0.5, numWarmup: WARM, numDraws: 1, adaptation: "stan-diag", targetAccept: 0.85, maxTreeDepth: 10 });
    const kernel = sampler.createNutsKernel(dens);
    reps.push({ b: betas[k], kernel, eps: r.stepSize, metric: new sampler.DiagonalMetric(r.metric.inverseMetric), state: kernel.init(r.draws.slice(0, dim)), rng: sampler.createRng(SEED, 1000 + l * K + k) });
  }
  const swapRng = sampler.createRng(SEED, 5000 + l);
  const acc = new Array(K - 1).fill(0), tries = new Array(K - 1).fill(0);
  const draws = new Float64Array(DRAWS * dim), con = new Float64Array(dim);
  let lf = 0;
  for (let it = 0; it < DRAWS; it++) {
    for (const r of reps) { const { state, info } = r.kernel.step(r.state, r.eps, r.metric, r.rng); r.state = state; lf += info.nLeapfrog; }
    // non-reversible (DEO) swaps: even pairs on even iterations, odd on odd
    for (let k = it % 2; k < K - 1; k += 2) {
      const a = reps[k], c = reps[k + 1];
      const La = a.state.logp / a.b, Lc = c.state.logp / c.b;
      const logr = (a.b - c.b) * (Lc - La);
      tries[k]++;
      if (Math.log(swapRng.uniform()) < logr) {
        acc[k]++;
        const sa = a.state, sc = c.state;
        a.state = { position: sc.position, logp: a.b * Lc, gradient: sc.gradient.map((x) => (x * a.b) / c.b) };
        c.state = { position: sa.position, logp: c.b * La, gradient: sa.gradient.map((x) => (x * c.b) / a.b) };
      }
    }
    draws.set(reps[0].state.position, it * dim);
  }
  const cons = new Float64Array(DRAWS * dim);
  for (let i = 0; i < DRAWS; i++) layout.constrainFlat(draws.subarray(i * dim, (i + 1) * dim), cons.subarray(i * dim, (i + 1) * dim));
  cold.push(cons);
  const blocks = [];
  for (let b = 0; b < DRAWS; b += 250) { let s = 0; for (let i = b; i < b + 250; i++) s += cons[i * dim + iLag]; blocks.push(+(s / 250).toFixed(3)); }
  console.log(JSON.stringify({ ladder: l, betas: betas.map((x) => +x.toFixed(3)), eps: reps.map((r) => +r.eps.toPrecision(3)), swapRate: acc.map((a, k) => +(a / tries[k]).toFixed(2)), lfPerIterPerReplica: +(lf / DRAWS / K).toFixed(0), lagBlocks250: blocks, s: (Date.now() - t0) / 1000 }));
}
if (L > 1) {
  const rh = diagnostics.rhatPerParameter(cold, dim);
  let m = 0, w = ""; const lab = layout.labels(); for (let i = 0; i < dim; i++) if (rh[i] > m) { m = rh[i]; w = lab[i]; }
  console.log(JSON.stringify({ maxRhat: m, worst: w }));
}
