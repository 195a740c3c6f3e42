// Probe run in a fresh process: time to the first draw of 4 chains in
// workers (wasm compile + worker start + density setup + one iteration).
const t0 = performance.now();
const { fitScalers, ParameterLayout, runChains, scaleRows, simulateDataset } = await import("../../dist/index.js");
const tImport = performance.now();
const sim = simulateDataset({ seed: 1, T: 156, channels: 4, extras: 2 });
const data = scaleRows(sim.dataset, fitScalers(sim.dataset, 156));
const layout = new ParameterLayout(sim.structure);
const tData = performance.now();
const run = await runChains({
  density: { kind: "mmm", structure: sim.structure, data },
  chains: 4,
  seed: 1,
  initialPosition: () => layout.medianPoint(),
  chainOptions: { numWarmup: 0, numDraws: 1, initialStepSize: 0.01 },
});
const tDone = performance.now();
process.stdout.write(
  JSON.stringify({ importMs: tImport - t0, firstDrawMs: tDone - tData, threads: run.threads, draws: run.chains.length }) + "\n",
);
