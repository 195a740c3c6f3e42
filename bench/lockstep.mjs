// Lockstep sampling against 4-chain NUTS on the bundled example, the T=156
// C=4 benchmark data and the bundled geo example: for each dataset, backend
// (CPU lockstep, WebGPU) and chain count, a whole fit at the given warm-up and
// draws (default: the fit defaults, 1000 + 1000), then nested R-hat, max
// R-hat, the largest distance of a posterior mean from NUTS's in NUTS
// posterior sds, min bulk-ESS per second and gradients per second. A fit that
// does not converge (NotConvergedError) is measured all the same, from the
// fit the error carries. Rows accumulate in bench/results/lockstep.json (keyed
// by dataset, backend, chains, warm-up, draws), so sizes can run separately;
// the table is published as "lockstep".
//   node bench/lockstep.mjs [--datasets example,t156c4,geo] [--chains 64,256]
//     [--backends cpu,webgpu] [--warmup N] [--samples N] [--seed N]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { NotConvergedError, gpu } from "../dist/index.js";
import { DATASETS, maxDistance, moments } from "./lockstep/datasets.mjs";
import { nutsReference } from "./lockstep/nutsReference.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const file = new URL("./results/lockstep.json", import.meta.url);

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

export async function benchLockstep({ datasets, chains, backends, warmup, samples, seed = 1 }) {
  const probe = await gpu.probeWebGpu();
  const reference = await nutsReference(datasets);
  const store = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : { rows: [] };
  for (const name of datasets) {
    for (const backend of backends) {
      if (backend === "webgpu" && !probe.available) {
        console.log(`no WebGPU adapter (${probe.reason}): skipping ${name} on WebGPU`);
        continue;
      }
      for (const n of chains) {
        const { fit, dataset } = DATASETS[name]();
        const sampler = { chains: n, seed, backend, method: "chees", ...(warmup !== undefined ? { warmup } : {}), ...(samples !== undefined ? { samples } : {}) };
        let result;
        let converged = true;
        try {
          let shown = -1;
          const onProgress = (p) => {
            const tenth = Math.floor((10 * p.iteration) / p.total);
            if (tenth > shown) {
              shown = tenth;
              process.stderr.write(`${name} ${backend} ${n}: ${p.iteration}/${p.total} (${p.phase}), ${new Date().toISOString().slice(11, 19)}\n`);
            }
          };
          result = await fit(dataset, { sampler }, { onProgress });
        } catch (e) {
          if (!(e instanceof NotConvergedError)) {
            console.log(`${name} ${backend} ${n}: ${e.message}`);
            continue;
          }
          result = e.fit;
          converged = false;
        }
        const d = result.diagnostics();
        const worst = maxDistance(moments(result), reference[name].moments);
        const row = {
          dataset: name,
          backend,
          adapter: backend === "webgpu" ? (result.record.sampling?.adapter ?? probe.adapter) : null,
          chains: n,
          warmup: d.warmup,
          samples: d.draws,
          converged,
          nestedRhat: d.nested_r_hat ?? null,
          maxRhat: d.max_r_hat,
          maxDistance: worst.distance,
          worstParameter: worst.name,
          minEssBulk: d.min_ess_bulk,
          minEssPerSecond: d.min_ess_bulk_per_second,
          gradientsPerSecond: d.gradient_evaluations.total / d.wall_seconds,
          wallSeconds: d.wall_seconds,
          divergences: d.divergences,
        };
        console.log(JSON.stringify(row));
        // Re-read: runs of other sizes may write the same file meanwhile.
        if (existsSync(file)) store.rows = JSON.parse(readFileSync(file, "utf8")).rows;
        store.rows = store.rows.filter((r) => !(r.dataset === name && r.backend === backend && r.chains === n && r.warmup === row.warmup && r.samples === row.samples));
        store.rows.push(row);
        store.machine = machineInfo();
        mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
        writeFileSync(file, JSON.stringify(store, null, 2) + "\n");
      }
    }
  }
  publishTable(store, reference);
  return store;
}

/** The fit's own acceptance rule (src/api/lockstepAgreement.ts): nested R-hat < 1.01 and R-hat < 1.05. */
const agrees = (r) => r.nestedRhat !== null && r.nestedRhat < 1.01 && r.maxRhat < 1.05;

function publishTable(store, reference) {
  const f = (v, n = 1) => (v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(n));
  const order = Object.keys(DATASETS);
  const rows = [...store.rows].sort((a, b) => order.indexOf(a.dataset) - order.indexOf(b.dataset) || a.backend.localeCompare(b.backend) || a.chains - b.chains);
  const md = [
    `Lockstep sampling against 4-chain NUTS (1000 + 1000, default settings) on ${machineLine(store.machine)}. ` +
      "Distance: the largest |lockstep mean - NUTS mean| / NUTS sd over all parameters. " +
      "WebGPU rows name their adapter; a software adapter (SwiftShader) runs the shaders on the CPU, so its speed says nothing of a GPU's. " +
      "No real GPU was available for these runs.",
    "",
    "| dataset | backend | chains | warm-up + draws | agreed (nested R-hat < 1.01, R-hat < 1.05) | nested R-hat | max R-hat | max distance (NUTS sd) | min bulk-ESS/s | gradients/s | wall s | divergences |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.dataset} | ${r.backend === "webgpu" ? `WebGPU (${r.adapter ?? "?"})` : "CPU lockstep"} | ${r.chains} | ${r.warmup} + ${r.samples} | ${agrees(r) ? "yes" : "**no**"} | ${f(r.nestedRhat, 3)} | ${f(r.maxRhat, 3)} | ${f(r.maxDistance, 2)} (${r.worstParameter}) | ${f(r.minEssPerSecond)} | ${Math.round(r.gradientsPerSecond)} | ${f(r.wallSeconds)} | ${r.divergences} |`,
    ),
    "",
    "NUTS references (4 chains, CPU workers): " +
      Object.entries(reference)
        .filter(([k]) => rows.some((r) => r.dataset === k))
        .map(([k, v]) => `${k}: max R-hat ${f(v.maxRhat, 3)}, min bulk-ESS ${f(v.minEssBulk, 0)}, ${f(v.minEssBulk / v.wallSeconds)}/s, ${Math.round(v.gradients / v.wallSeconds)} gradients/s, ${v.divergences} divergences`)
        .join("; ") +
      ".",
  ].join("\n");
  publish("lockstep", md);
  // The docs page carries the same table between the same markers.
  const docs = new URL("../docs/lockstep.md", import.meta.url);
  if (existsSync(docs)) {
    const text = readFileSync(docs, "utf8");
    const start = "<!-- bench:lockstep:start -->";
    const end = "<!-- bench:lockstep:end -->";
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i >= 0 && j > i) writeFileSync(docs, text.slice(0, i + start.length) + "\n" + md + "\n" + text.slice(j));
  }
  console.log(md);
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes("--publish")) {
  // Only rewrite the table from bench/results/lockstep.json (no runs).
  const store = JSON.parse(readFileSync(file, "utf8"));
  publishTable(store, JSON.parse(readFileSync(new URL("./results/lockstep-nuts.json", import.meta.url), "utf8")));
  process.exit(0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const list = (s) => s.split(",").filter(Boolean);
  const num = (s) => (s === undefined ? undefined : Number(s));
  await benchLockstep({
    datasets: list(arg("datasets", "example,t156c4,geo")),
    chains: list(arg("chains", "64,256")).map(Number),
    backends: list(arg("backends", "cpu,webgpu")),
    warmup: num(arg("warmup")),
    samples: num(arg("samples")),
    seed: num(arg("seed", "1")),
  });
  process.exit(0);
}
