// The sampler on the hill_adstock model with simulated data (T=156, C=4,
// F=2; 4 chains, 1000 warm-up + 1000 draws by default) for each warm-up
// option: wall time, gradient evaluations, leapfrog steps per draw, min
// bulk-ESS, and min bulk-ESS per second and per 1000 gradients.
// Writes bench/results/sampler.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { diagnostics, fitScalers, ParameterLayout, runChains, scaleRows, simulateDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

export async function benchSampler({ quick = false, T = 156, C = 4, F = 2, seed = 1 } = {}) {
  const sim = simulateDataset({ seed, T, channels: C, extras: F });
  const layout = new ParameterLayout(sim.structure);
  const data = scaleRows(sim.dataset, fitScalers(sim.dataset, T));
  const density = { kind: "mmm", structure: sim.structure, data };
  const numWarmup = quick ? 300 : 1000;
  const numDraws = quick ? 300 : 1000;
  const rows = [];
  let threads = 0;
  const variants = [
    { adaptation: "stan-diag", math: 0 },
    { adaptation: "pooled-diag", math: 0 },
    { adaptation: "nutpie-diag", math: 0 },
    { adaptation: "dense", math: 0 },
    { adaptation: "stan-diag", math: 2 },
    { adaptation: "nutpie-diag", math: 2 },
  ];
  for (const { adaptation, math } of variants) {
    const run = await runChains({
      density: { ...density, mathMode: math },
      chains: 4,
      seed: 7,
      initialPosition: () => layout.medianPoint(),
      chainOptions: { numWarmup, numDraws, adaptation, targetAccept: 0.85, initRadius: 0.1 },
    });
    const chains = run.chains;
    threads = run.threads;
    const dim = layout.dim;
    const constrained = chains.map((c) => {
      const out = new Float64Array(c.numDraws * dim);
      for (let i = 0; i < c.numDraws; i++) layout.constrainFlat(c.draws.subarray(i * dim, (i + 1) * dim), out.subarray(i * dim, (i + 1) * dim));
      return out;
    });
    const ess = diagnostics.essBulkPerParameter(constrained, dim);
    const rhat = diagnostics.rhatPerParameter(constrained, dim);
    const minEss = Math.min(...ess);
    const grads = chains.reduce((s, c) => s + c.gradientEvaluations.warmup + c.gradientEvaluations.sampling, 0);
    const samplingLeapfrog = chains.reduce((s, c) => s + c.stats.nLeapfrog.reduce((a, b) => a + b, 0), 0);
    const row = {
      adaptation,
      math: math === 2 ? "fast" : "accurate",
      wallSeconds: run.wallSeconds,
      gradientEvaluations: grads,
      leapfrogPerDraw: samplingLeapfrog / (4 * numDraws),
      minEssBulk: minEss,
      maxRhat: Math.max(...rhat),
      divergences: chains.reduce((s, c) => s + c.divergences.sampling, 0),
      minEssPerSecond: minEss / run.wallSeconds,
      minEssPer1000Gradients: (1000 * minEss) / grads,
      stepSizes: chains.map((c) => c.stepSize),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const result = { machine: machineInfo(), quick, T, C, F, chains: 4, threads, numWarmup, numDraws, rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/sampler.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const f = (v, d = 1) => v.toFixed(d);
  const md = [
    `NUTS on hill_adstock, simulated data T=${T}, C=${C}, F=${F}; 4 chains x (${numWarmup} warm-up + ${numDraws} draws), ${threads} worker threads on ${machineLine(result.machine)}${quick ? " (quick run)" : ""}.`,
    "",
    "| warm-up | math | wall s | gradients | leapfrog/draw | min bulk-ESS | max R-hat | divergences | min ESS/s | min ESS per 1000 grads |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.adaptation} | ${r.math} | ${f(r.wallSeconds)} | ${r.gradientEvaluations} | ${f(r.leapfrogPerDraw)} | ${f(r.minEssBulk, 0)} | ${f(r.maxRhat, 3)} | ${r.divergences} | ${f(r.minEssPerSecond)} | ${f(r.minEssPer1000Gradients, 2)} |`),
  ].join("\n");
  publish("sampler", md);
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchSampler({ quick: process.argv.includes("--quick") });
}
