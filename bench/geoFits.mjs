// End-to-end geo fits: fitGeoMMM (4 chains) on simulated data for G = 1, 10,
// 50, 100 at T=104, C=5, then the posterior post-processing (contributions
// and ROI for every draw, geo, week and channel, streamed). Reports wall
// time, min bulk-ESS, cost per effective draw and peak memory (maxRSS, and
// heap + array buffers sampled around the post-processing). --quick: short
// chains, G = 1 and 10. Writes bench/results/geoFits.json, publishes "geo-fits".
import { mkdirSync, writeFileSync } from "node:fs";
import { fitGeoMMM, geoDatasetFromColumns, geoSimulationColumns, simulateGeoDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const mib = (b) => b / 1048576;
const heapNow = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

export async function benchGeoFits({ quick = false } = {}) {
  // 500 + 500 per chain in the full run: at G = 100 a gradient costs ~0.45 ms,
  // so 1000 + 1000 would take most of an hour on 2 cores.
  const sampler = { chains: 4, warmup: quick ? 150 : 500, samples: quick ? 150 : 500, seed: 7 };
  const geos = quick ? [1, 10] : [1, 10, 50, 100];
  const rows = [];
  for (const G of geos) {
    const sim = simulateGeoDataset({ seed: 500 + G, T: 104, channels: 5, geos: G, extras: 1 });
    const dataset = geoDatasetFromColumns(geoSimulationColumns(sim), { target: "sales", media: sim.channelNames, extra: ["extra_1"], geo: "geo", date: "date" });
    const fit = await fitGeoMMM(dataset, { sampler });
    const d = fit.diagnostics();
    const before = heapNow();
    const t0 = performance.now();
    const c = fit.contributions();
    fit.roi();
    fit.metrics();
    const postSeconds = (performance.now() - t0) / 1000;
    const postHeapMiB = mib(Math.max(0, heapNow() - before));
    const grads = d.gradient_evaluations.total;
    const row = {
      G,
      T: 104,
      C: 5,
      parameters: fit.layout.dim,
      wallSeconds: d.wall_seconds,
      gradientEvaluations: grads,
      minEssBulk: d.min_ess_bulk,
      msPerEffectiveDraw: (1000 * d.wall_seconds) / d.min_ess_bulk,
      gradientsPerEffectiveDraw: grads / d.min_ess_bulk,
      maxRhat: d.max_r_hat,
      divergences: d.divergences,
      postProcessingSeconds: postSeconds,
      postProcessingHeapMiB: postHeapMiB,
      naiveContributionsMiB: mib(8 * d.chains * d.draws * 104 * 5 * G),
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      nationalContributionCheck: c.national.totals.prediction.mean,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const result = { machine: machineInfo(), quick, sampler, rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/geoFits.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const md = [
    `End-to-end geo fits (\`fitGeoMMM\`, 4 chains x (${sampler.warmup} warm-up + ${sampler.samples} draws), worker threads), hill_adstock, T=104, C=5, one national extra, on ${machineLine(result.machine)}${quick ? " (quick run, under load)" : ""}. Post-processing: contributions, ROI and metrics over every draw, geo, week and channel, streamed draw by draw; "all draws at once" is what holding draws x T x C x G contributions in float64 would take.`,
    "",
    "| G | parameters | wall s | min bulk-ESS | ms per effective draw | gradients per effective draw | max R-hat | divergences | post-processing s | post-processing heap MiB | all draws at once MiB | peak RSS MiB |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) =>
      `| ${r.G} | ${r.parameters} | ${r.wallSeconds.toFixed(1)} | ${r.minEssBulk.toFixed(0)} | ${r.msPerEffectiveDraw.toFixed(1)} | ${r.gradientsPerEffectiveDraw.toFixed(0)} | ${r.maxRhat.toFixed(3)} | ${r.divergences} | ${r.postProcessingSeconds.toFixed(2)} | ${r.postProcessingHeapMiB.toFixed(1)} | ${r.naiveContributionsMiB.toFixed(0)} | ${r.maxRssMiB.toFixed(0)} |`,
    ),
  ].join("\n");
  publish("geo-fits", md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchGeoFits({ quick: process.argv.includes("--quick") });
