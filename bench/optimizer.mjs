// Time to optimise a budget over 5, 10 and 20 channels with 1000 posterior
// draws: the whole call (planning window, per-draw setup, SQP to a KKT point,
// report with HDIs), for the posterior-mean and the CVaR objectives.
// The draws are synthetic: simulated data's true parameters jittered on the
// unconstrained scale (sd 0.15), not a fitted posterior; the optimizer only
// needs draws, and fitting 20 channels would dominate the run.
// Writes bench/results/optimizer.json and publishes a table.
import { mkdirSync, writeFileSync } from "node:fs";
import { fitScalers, optimizeBudget, ParameterLayout, resolveConfig, sampler, simulateDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

function rng(seed) {
  const r = new sampler.PhiloxRng(seed, 0);
  return () => r.uniform();
}

/** A fitted-model record with `draws` synthetic posterior draws (2 chains). */
export function syntheticFit({ C, draws = 1000, T = 104, seed = 1 }) {
  const sim = simulateDataset({ seed, T, channels: C, extras: 2 });
  const layout = new ParameterLayout(sim.structure);
  const centre = layout.unconstrainFlat(layout.readValues(sim.truth));
  const r = rng(seed * 7919 + C);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const half = draws / 2;
  const chains = [0, 1].map(() => {
    const d = new Float64Array(half * layout.dim);
    for (let i = 0; i < half; i++) for (let j = 0; j < layout.dim; j++) d[i * layout.dim + j] = centre[j] + 0.15 * normal();
    return { draws: d, numDraws: half };
  });
  return {
    config: resolveConfig({ sampler: { seed } }),
    structure: sim.structure,
    scalers: fitScalers(sim.dataset, T),
    dataset: sim.dataset,
    trainRows: T,
    costs: sim.costs,
    chains,
    timing: { wallSeconds: 0, warmupSeconds: 0, samplingSeconds: 0, chainSeconds: [], threads: 0 },
  };
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}

export async function benchOptimizer({ quick = false } = {}) {
  const repeats = quick ? 3 : 9;
  const periods = 13;
  const rows = [];
  for (const C of [5, 10, 20]) {
    const record = syntheticFit({ C });
    let hist = 0;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let t = 0; t < record.trainRows; t++) s += record.dataset.media[t * C + c];
      hist += (s / record.trainRows) * periods;
    }
    const budget = 1.1 * hist;
    for (const objective of ["mean", "cvar"]) {
      const options = { budget, periods, objective, boundsLowerPct: 0.5, boundsUpperPct: 0.5 };
      await optimizeBudget(record, options); // warm-up (JIT, mathjs-free path)
      const ms = [];
      let last;
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        last = await optimizeBudget(record, options);
        ms.push(performance.now() - t0);
      }
      const status = Object.values(last.channel_status);
      rows.push({
        channels: C,
        draws: last.draws,
        periods,
        objective,
        medianMs: median(ms),
        minMs: Math.min(...ms),
        iterations: last.iterations,
        evaluations: last.function_evaluations,
        converged: last.converged,
        stationarity: last.stationarity,
        free: status.filter((s) => s === "free").length,
        atBound: status.filter((s) => s === "lower" || s === "upper").length,
        upliftPct: (100 * last.uplift.mean) / last.kpi_before.mean,
      });
    }
  }
  const result = { machine: machineInfo(), quick, repeats, note: "synthetic posterior draws (true parameters jittered, sd 0.15 unconstrained); hill_adstock, T=104 stored weeks, 13-week plan, bounds +-50%", rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/optimizer.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  console.log("\nbudget optimizer, 1000 draws, milliseconds per call (median)");
  console.log(" C  objective  ms       iterations  evaluations  converged  free/at-bound");
  for (const r of rows) {
    console.log(
      `${String(r.channels).padStart(2)}  ${r.objective.padEnd(9)}  ${r.medianMs.toFixed(1).padStart(7)}  ${String(r.iterations).padStart(10)}  ${String(r.evaluations).padStart(11)}  ${String(r.converged).padStart(9)}  ${r.free}/${r.atBound}`,
    );
  }
  const md = [
    `Budget optimizer: one \`optimizeBudget\` call (setup, SQP to a KKT point, report), 1000 synthetic posterior draws, hill_adstock, 104 stored weeks, 13-week plan, bounds ±50%; median of ${repeats} runs${quick ? " (quick run)" : ""}; ${machineLine(result.machine)}.`,
    "",
    "| channels | objective | ms | SQP iterations | objective evaluations | converged | free / at a bound |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.channels} | ${r.objective === "cvar" ? "CVaR 10%" : "mean"} | ${r.medianMs.toFixed(1)} | ${r.iterations} | ${r.evaluations} | ${r.converged ? "yes" : "no"} | ${r.free} / ${r.atBound} |`),
  ].join("\n");
  publish("optimizer", md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchOptimizer({ quick: process.argv.includes("--quick") });
}
