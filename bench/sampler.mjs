// The sampler on the hill_adstock model with simulated data (T=156, C=4,
// F=2; 4 chains, 1000 warm-up + exactly 1000 draws by default) for each
// warm-up option, everything else at fitMMM's defaults (DEFAULT_SAMPLER's
// coordinates and target acceptance, the jittered prior-median start, worker threads): wall time,
// gradient evaluations, leapfrog steps per draw, min bulk-ESS, and min
// bulk-ESS per second and per 1000 gradients. Writes bench/results/sampler.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { DEFAULT_SAMPLER, fitMMM, simulateDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

export async function benchSampler({ quick = false, T = 156, C = 4, F = 2, seed = 1 } = {}) {
  const sim = simulateDataset({ seed, T, channels: C, extras: F });
  const numWarmup = quick ? 300 : 1000;
  const numDraws = quick ? 300 : 1000;
  const rows = [];
  let threads = 0;
  const variants = [
    { adaptation: "stan-diag", math: "accurate" },
    { adaptation: "pooled-diag", math: "accurate" },
    { adaptation: "nutpie-diag", math: "accurate" },
    { adaptation: "dense", math: "accurate" },
    { adaptation: "lowrank", math: "accurate" },
    { adaptation: "stan-diag", math: "fast" },
    { adaptation: "nutpie-diag", math: "fast" },
  ];
  for (const { adaptation, math } of variants) {
    const fit = await fitMMM(sim.dataset, { sampler: { chains: 4, seed: 7, warmup: numWarmup, samples: numDraws, adaptation, math } });
    const d = fit.diagnostics();
    threads = fit.record.timing?.threads ?? threads;
    const row = {
      adaptation,
      math,
      wallSeconds: d.wall_seconds,
      gradientEvaluations: d.gradient_evaluations.total,
      leapfrogPerDraw: d.leapfrog_per_draw,
      minEssBulk: d.min_ess_bulk,
      maxRhat: d.max_r_hat,
      divergences: d.divergences,
      minEssPerSecond: d.min_ess_bulk / d.wall_seconds,
      minEssPer1000Gradients: (1000 * d.min_ess_bulk) / d.gradient_evaluations.total,
      stepSizes: d.step_sizes,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const parameterisation = DEFAULT_SAMPLER.parameterisation;
  const result = { machine: machineInfo(), quick, T, C, F, chains: 4, threads, numWarmup, numDraws, parameterisation, rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/sampler.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const f = (v, d = 1) => v.toFixed(d);
  const md = [
    `NUTS on hill_adstock, simulated data T=${T}, C=${C}, F=${F}; 4 chains x (${numWarmup} warm-up + ${numDraws} draws), fitMMM's defaults but the warm-up and math (\`${parameterisation}\` coordinates, target accept ${DEFAULT_SAMPLER.targetAccept}, seed 7), ${threads} worker threads on ${machineLine(result.machine)}${quick ? " (quick run)" : ""}.`,
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
