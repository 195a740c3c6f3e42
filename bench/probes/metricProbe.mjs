// Probe: where a warm-up's fits on the benchmark data (T=156, C=4, F=2,
// simulated with seed 1) disagree. Per seed: the worst parameters by R-hat
// with each chain's mean, and per chain the step size, divergences (warm-up,
// sampling), mean log-density and leapfrog steps per draw.
// usage: node bench/probes/metricProbe.mjs ADAPTATION SEEDS... (env WARMUP, TARGET)
import { fitScalers, ParameterLayout, runChains, scaleRows, simulateDataset, diagnostics } from "../../dist/index.js";

const adaptation = process.argv[2] ?? "lowrank";
const seeds = process.argv.slice(3).map(Number);
const T = 156;
const sim = simulateDataset({ seed: 1, T, channels: 4, extras: 2 });
const layout = new ParameterLayout(sim.structure);
const names = layout.labels();
const data = scaleRows(sim.dataset, fitScalers(sim.dataset, T));
const dim = layout.dim;
const warmup = Number(process.env.WARMUP ?? 1000);
for (const seed of seeds.length ? seeds : [1]) {
  const run = await runChains({
    density: { kind: "mmm", structure: sim.structure, data },
    chains: 4,
    seed,
    threads: 2,
    initialPosition: () => layout.medianPoint(),
    chainOptions: { numWarmup: warmup, numDraws: 1000, adaptation, targetAccept: Number(process.env.TARGET ?? 0.85), initRadius: 0.5 },
  });
  const constrained = run.chains.map((c) => {
    const out = new Float64Array(c.numDraws * dim);
    for (let i = 0; i < c.numDraws; i++) layout.constrainFlat(c.draws.subarray(i * dim, (i + 1) * dim), out.subarray(i * dim, (i + 1) * dim));
    return out;
  });
  const rhat = diagnostics.rhatPerParameter(constrained, dim);
  const ess = diagnostics.essBulkPerParameter(constrained, dim);
  const order = Array.from(rhat).map((r, j) => [r, j]).sort((a, b) => b[0] - a[0]).slice(0, 4);
  const worst = order.map(([r, j]) => ({
    name: names[j],
    rhat: +r.toFixed(3),
    chainMeans: constrained.map((d) => {
      let s = 0;
      for (let i = 0; i < d.length / dim; i++) s += d[i * dim + j];
      return +(s / (d.length / dim)).toPrecision(4);
    }),
  }));
  const chains = run.chains.map((c) => ({
    chain: c.chainId,
    eps: +c.stepSize.toPrecision(3),
    div: [c.divergences.warmup, c.divergences.sampling],
    lp: +(c.stats.logp.reduce((a, b) => a + b, 0) / c.numDraws).toFixed(1),
    leapfrog: +(c.stats.nLeapfrog.reduce((a, b) => a + b, 0) / c.numDraws).toFixed(1),
  }));
  console.log(JSON.stringify({ adaptation, seed, maxRhat: +Math.max(...rhat).toFixed(4), minEss: Math.round(Math.min(...ess)), wall: run.wallSeconds, worst, chains }));
}
