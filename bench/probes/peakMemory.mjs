// Probe run in a fresh process: a default fit (4 chains, 1000 warm-up + 1000
// draws) on simulated data, then the process's peak resident memory, which
// includes the worker threads.
const { fitMMM, simulateDataset } = await import("../../dist/index.js");
const T = Number(process.argv[2] ?? 156);
const C = Number(process.argv[3] ?? 4);
const sim = simulateDataset({ seed: 1, T, channels: C, extras: 2 });
const fit = await fitMMM(sim.dataset, { sampler: { chains: 4, warmup: 1000, samples: 1000, seed: 1 } });
fit.summary();
fit.contributions();
const peakMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ T, C, peakMB, wallSeconds: fit.diagnostics().wall_seconds }) + "\n");
