// Throughput against chain count, for the two ways chains run: NUTS in worker
// threads (1 to 16 chains) and ChEES-HMC in lockstep, on the CPU and on
// WebGPU (16 to 16384 chains; on a software adapter one short run of 16
// chains, since SwiftShader evaluates ~5-10k gradients per second). Each run is a whole
// `fitMMM` (hill_adstock, simulated T=104, C=5, F=2): gradient evaluations
// per second and min bulk-ESS per second, start-up included.
// Writes bench/results/chains.json and publishes a table ("chains").
// `--quick`: a few small runs. `--max-gpu-chains N` overrides the GPU cap.
import { mkdirSync, writeFileSync } from "node:fs";
import { NotConvergedError, fitMMM, gpu, simulateDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

export async function benchChains({ quick = false, maxGpuChains } = {}) {
  const sim = simulateDataset({ seed: 31, T: 104, channels: 5, extras: 2 });
  const probe = await gpu.probeWebGpu();
  const software = probe.available && /swiftshader|llvmpipe|lavapipe/i.test(probe.adapter ?? "");
  const gpuCap = maxGpuChains ?? (software ? 16 : 16384);
  const nuts = { warmup: quick ? 200 : 1000, samples: quick ? 100 : 1000, maxTreeDepth: 10 };
  const lockstep = { warmup: quick ? 100 : 400, samples: quick ? 25 : 100, maxTreeDepth: 10 };
  // A software adapter evaluates ~5-10k gradients per second: its runs are
  // kept short (steps per iteration capped at 63) to show the path works.
  const gpuRuns = software ? (quick ? { warmup: 100, samples: 25, maxTreeDepth: 6 } : { warmup: 200, samples: 50, maxTreeDepth: 8 }) : lockstep;
  const plans = [
    ...(quick ? [1, 2] : [1, 2, 4, 8, 16]).map((chains) => ({ path: "workers (NUTS)", backend: "cpu", method: "nuts", chains, ...nuts })),
    ...(quick ? [16] : [16, 64]).map((chains) => ({ path: "CPU lockstep (ChEES)", backend: "cpu", method: "chees", chains, ...lockstep })),
    ...(probe.available
      ? (quick ? [16] : [16, 64, 256, 1024, 4096, 16384]).filter((c) => c <= gpuCap).map((chains) => ({ path: "WebGPU (ChEES)", backend: "webgpu", method: "chees", chains, ...gpuRuns }))
      : []),
  ];
  if (!probe.available) console.log(`no WebGPU adapter (${probe.reason}): the WebGPU rows are skipped`);
  const rows = [];
  for (const p of plans) {
    // A lockstep fit whose chains disagree throws NotConvergedError; it is measured all the same, from the fit it carries.
    const fit = await fitMMM(sim.dataset, { sampler: { chains: p.chains, warmup: p.warmup, samples: p.samples, maxTreeDepth: p.maxTreeDepth, seed: 3, backend: p.backend, method: p.method } }).catch(
      (e) => {
        if (e instanceof NotConvergedError) return e.fit;
        throw e;
      },
    );
    const d = fit.diagnostics();
    const row = {
      path: p.path,
      chains: p.chains,
      warmup: p.warmup,
      samples: p.samples,
      maxSteps: 2 ** p.maxTreeDepth - 1,
      wallSeconds: d.wall_seconds,
      gradientsPerSecond: d.gradient_evaluations.total / d.wall_seconds,
      minEssBulk: d.min_ess_bulk,
      minEssPerSecond: d.min_ess_bulk_per_second,
      maxRhat: d.max_r_hat,
      nestedRhat: d.nested_r_hat ?? null,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const result = { machine: machineInfo(), quick, adapter: probe.available ? probe.adapter : null, software, rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/chains.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const f = (v, n = 1) => (v === null || v === undefined ? "-" : v.toFixed(n));
  const md = [
    `Chains against throughput: whole \`fitMMM\` runs, hill_adstock, simulated T=104, C=5, F=2, on ${machineLine(result.machine)}; GPU adapter: ${probe.available ? `${probe.adapter}${software ? " (a software adapter on the CPU: these rows show the path works, not what a GPU does)" : ""}` : `none (${probe.reason})`}${quick ? " (quick run)" : ""}.`,
    "",
    "| path | chains | warm-up + draws per chain | max steps | wall s | gradients/s | min bulk-ESS | min ESS/s | max R-hat | nested R-hat |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.path} | ${r.chains} | ${r.warmup} + ${r.samples} | ${r.maxSteps} | ${f(r.wallSeconds)} | ${Math.round(r.gradientsPerSecond)} | ${f(r.minEssBulk, 0)} | ${f(r.minEssPerSecond)} | ${f(r.maxRhat, 3)} | ${f(r.nestedRhat, 3)} |`,
    ),
  ].join("\n");
  publish("chains", md);
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--max-gpu-chains");
  await benchChains({ quick: process.argv.includes("--quick"), maxGpuChains: i > 0 ? Number(process.argv[i + 1]) : undefined });
  process.exit(0);
}
