// End-to-end fits at several sizes: `fitMMM` with its defaults (4 chains,
// 1000 warm-up + 1000 draws, more while the chains disagree) on simulated
// hill_adstock data as T and C grow.
// Reports wall time, gradient evaluations per second, min bulk-ESS, min
// bulk-ESS per second and the cost of one effective draw (wall seconds and
// gradients per min-ESS draw), so users can read what a large model costs.
// Writes bench/results/fits.json and a plot, bench/results/fits.svg.
import { mkdirSync, writeFileSync } from "node:fs";
import { fitMMM, renderSvg, simulateDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

export async function benchFits({ quick = false } = {}) {
  // The product's defaults (draws included: 1000, more while the chains disagree); --quick: 200 + exactly 200.
  const sampler = { chains: 4, seed: 11, ...(quick ? { warmup: 200, samples: 200 } : {}) };
  const sizes = quick
    ? [
        { T: 52, C: 5 },
        { T: 260, C: 5 },
        { T: 156, C: 10 },
      ]
    : [
        { T: 52, C: 5 },
        { T: 104, C: 5 },
        { T: 260, C: 5 },
        { T: 520, C: 5 },
        { T: 1040, C: 5 },
        { T: 156, C: 1 },
        { T: 156, C: 10 },
        { T: 156, C: 20 },
      ];
  const rows = [];
  for (const { T, C } of sizes) {
    const sim = simulateDataset({ seed: 100 + T + C, T, channels: C, extras: 2 });
    const fit = await fitMMM(sim.dataset, { sampler });
    const d = fit.diagnostics();
    const grads = d.gradient_evaluations.total;
    const row = {
      T,
      C,
      F: 2,
      wallSeconds: d.wall_seconds,
      gradientEvaluations: grads,
      gradientsPerSecond: grads / d.wall_seconds,
      minEssBulk: d.min_ess_bulk,
      minEssPerSecond: d.min_ess_bulk_per_second,
      msPerEffectiveDraw: (1000 * d.wall_seconds) / d.min_ess_bulk,
      gradientsPerEffectiveDraw: grads / d.min_ess_bulk,
      maxRhat: d.max_r_hat,
      divergences: d.divergences,
      drawsPerChain: d.draws,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const result = { machine: machineInfo(), quick, sampler, rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/fits.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const panel = (title, values, x, xTitle) => ({
    title,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: x, type: "quantitative", title: xTitle },
      y: { field: "msPerEffectiveDraw", type: "quantitative", title: "ms per effective draw (wall / min bulk-ESS)" },
    },
    width: 260,
    height: 200,
  });
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Cost per effective draw, hill_adstock fits (${sampler.chains} chains, ${quick ? "200 + 200" : "defaults"})`,
    hconcat: [
      panel("over periods T (C=5)", rows.filter((r) => r.C === 5), "T", "periods T"),
      panel("over channels C (T=156)", rows.filter((r) => r.T === 156), "C", "channels C"),
    ],
  };
  writeFileSync(new URL("./results/fits.svg", import.meta.url), await renderSvg(spec));
  const f = (v, n = 1) => v.toFixed(n);
  const md = [
    `End-to-end fits (\`fitMMM\` defaults: ${sampler.chains} chains x (${quick ? "200 warm-up + 200 draws" : "1000 warm-up + 1000 draws, more while the chains disagree: draws per chain in the table"}), worker threads), hill_adstock, simulated data with F=2, on ${machineLine(result.machine)}${quick ? " (quick run)" : ""}; plot: bench/results/fits.svg.`,
    "",
    "| T | C | wall s | gradients/s | min bulk-ESS | min ESS/s | ms per effective draw | gradients per effective draw | max R-hat | divergences | draws per chain |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.T} | ${r.C} | ${f(r.wallSeconds)} | ${Math.round(r.gradientsPerSecond)} | ${f(r.minEssBulk, 0)} | ${f(r.minEssPerSecond)} | ${f(r.msPerEffectiveDraw, 2)} | ${Math.round(r.gradientsPerEffectiveDraw)} | ${f(r.maxRhat, 3)} | ${r.divergences} | ${r.drawsPerChain} |`,
    ),
  ].join("\n");
  publish("fits", md);
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchFits({ quick: process.argv.includes("--quick") });
}
