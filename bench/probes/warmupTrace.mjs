// Probe: per-chain warm-up traces of default-like fits on the benchmark data
// (T=156, C=4, F=2, simulated with seed 1), for seeds given on the command
// line. Per chain and per slow window: divergences, mean step size, mean
// log-density, mean tree depth, and the metric the window produced (computed
// from the window's draws with Stan's regularisation, as the adapter does).
// usage: node bench/probes/warmupTrace.mjs [adaptation] [seeds...] > out.jsonl
import { fitScalers, ParameterLayout, runChains, scaleRows, simulateDataset, diagnostics } from "../../dist/index.js";

const adaptation = process.argv[2] ?? "stan-diag";
const seeds = process.argv.slice(3).map(Number);
const T = Number(process.env.T ?? 156);
const sim = simulateDataset({ seed: 1, T, channels: 4, extras: 2 });
const layout = new ParameterLayout(sim.structure);
const data = scaleRows(sim.dataset, fitScalers(sim.dataset, T));
const dim = layout.dim;
const windows = [[0, 74], [75, 99], [100, 149], [150, 249], [250, 449], [450, 949], [950, 999]];
for (const seed of seeds.length ? seeds : [1, 2, 3, 4, 5, 6, 7, 8]) {
  const run = await runChains({
    density: { kind: "mmm", structure: sim.structure, data },
    chains: 4,
    seed,
    initialPosition: () => layout.medianPoint(),
    chainOptions: { numWarmup: 1000, numDraws: 1000, adaptation, targetAccept: 0.85, initRadius: 0.5, keepWarmup: true },
  });
  const constrained = run.chains.map((c) => {
    const out = new Float64Array(c.numDraws * dim);
    for (let i = 0; i < c.numDraws; i++) layout.constrainFlat(c.draws.subarray(i * dim, (i + 1) * dim), out.subarray(i * dim, (i + 1) * dim));
    return out;
  });
  const rhat = diagnostics.rhatPerParameter(constrained, dim);
  const ess = diagnostics.essBulkPerParameter(constrained, dim);
  const chains = run.chains.map((c) => {
    const ws = c.warmupStats;
    const per = windows.map(([a, b]) => {
      let div = 0, eps = 0, lp = 0, depth = 0;
      const n = b - a + 1;
      const mean = new Float64Array(dim), m2 = new Float64Array(dim);
      for (let i = a; i <= b; i++) {
        div += ws.divergent[i]; eps += ws.stepSize[i]; lp += ws.logp[i]; depth += ws.treeDepth[i];
        for (let j = 0; j < dim; j++) { const x = c.warmupDraws[i * dim + j]; const d = x - mean[j]; mean[j] += d / (i - a + 1); m2[j] += d * (x - mean[j]); }
      }
      const metric = Array.from(m2, (v) => (n / (n + 5)) * (v / (n - 1)) + 1e-3 * (5 / (n + 5)));
      return { window: [a, b], div, eps: eps / n, lp: lp / n, depth: depth / n, epsEnd: ws.stepSize[b], metricMin: Math.min(...metric), metricMax: Math.max(...metric), metric: metric.map((v) => +v.toPrecision(3)) };
    });
    const lpS = c.stats.logp.reduce((a, b) => a + b, 0) / c.numDraws;
    return { chain: c.chainId, stepSize: c.stepSize, divWarmup: c.divergences.warmup, divSampling: c.divergences.sampling, lpSampling: lpS, leapfrog: c.stats.nLeapfrog.reduce((a, b) => a + b, 0) / c.numDraws, windows: per };
  });
  const worst = rhat.indexOf(Math.max(...rhat));
  console.log(JSON.stringify({ adaptation, T, seed, maxRhat: Math.max(...rhat), worst: layout.names?.[worst] ?? worst, minEss: Math.min(...ess), wall: run.wallSeconds, chains }));
}
