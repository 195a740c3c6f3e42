// Lockstep sampling against 4-chain NUTS on the bundled example, the T=156
// C=4 benchmark data and the bundled geo example: for each dataset, backend
// (CPU lockstep, WebGPU) and chain count, a whole fit at the given warm-up and
// draws (default: the fit defaults, 1000 + 1000), then nested R-hat, max
// R-hat, the largest distance of a posterior mean from NUTS's in NUTS
// posterior sds, min bulk-ESS per second and gradients per second. A fit that
// does not converge (NotConvergedError) is measured all the same, from the
// fit the error carries. Rows accumulate in bench/results/lockstep.json (keyed
// by dataset, backend, adapter, chains, warm-up, draws), each written as soon
// as its fit ends (a run cut short keeps what finished), so sizes can run
// separately; the table is published as "lockstep". Sizes run smallest chain
// count first over all datasets, so a time limit cuts the largest.
//   node bench/lockstep.mjs [--datasets example,t156c4,geo] [--chains 64,256]
//     [--backends cpu,webgpu] [--warmup N] [--samples N] [--seed N] [--gpu-lanes N]
//     [--results FILE]   rows to FILE instead (e.g. on a lent GPU machine, under $OUT)
//   node bench/lockstep.mjs --merge FILE   adds FILE's rows (another machine's) and republishes
//   node bench/lockstep.mjs --publish      republishes the table only
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
// Software WebGPU adapters (isSoftwareAdapter) run the shaders on the CPU: their speed says nothing of a GPU's.
import { NotConvergedError, diagnostics, gpu, isSoftwareAdapter } from "../dist/index.js";
import { DATASETS, maxDistance, moments } from "./lockstep/datasets.mjs";
import { nutsReference } from "./lockstep/nutsReference.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const defaultFile = fileURLToPath(new URL("./results/lockstep.json", import.meta.url));
const referenceFile = new URL("./results/lockstep-nuts.json", import.meta.url);

/**
 * The commit the sampler ran at (rows from before a change to the method say so): git's, else
 * MMM_BENCH_COMMIT (bench/gpu/session.sh sets it on a lent machine, whose copy may have no git), else null.
 */
function commitOf() {
  try {
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "src"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() + (dirty ? "+" : "");
  } catch {
    return process.env.MMM_BENCH_COMMIT ?? null;
  }
}

/** Rows are the same measurement when dataset, backend, adapter, chains, warm-up and draws agree. */
const sameKey = (a, b) =>
  a.dataset === b.dataset &&
  a.backend === b.backend &&
  (a.adapter ?? null) === (b.adapter ?? null) &&
  a.chains === b.chains &&
  a.warmup === b.warmup &&
  a.samples === b.samples &&
  (a.lanes ?? 1) === (b.lanes ?? 1);

function readRows(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).rows : [];
}

/** Adds or replaces rows in FILE, written whole (temp file + rename). */
function storeRows(file, added) {
  let rows = readRows(file);
  for (const row of added) rows = [...rows.filter((r) => !sameKey(r, row)), row];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify({ rows }, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  return { rows };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

export async function benchLockstep({ datasets, chains, backends, warmup, samples, seed = 1, gpuLanes = 1, results = defaultFile }) {
  const probe = await gpu.probeWebGpu();
  const reference = await nutsReference(datasets);
  const machine = machineInfo();
  for (const n of chains) {
    for (const name of datasets) {
      for (const backend of backends) {
        if (backend === "webgpu" && !probe.available) {
          console.log(`no WebGPU adapter (${probe.reason}): skipping ${name} on WebGPU`);
          continue;
        }
        const row = await measure({ name, backend, n, warmup, samples, seed, gpuLanes, probe, reference, machine });
        if (!row) continue;
        console.log(JSON.stringify({ ...row, moments: undefined }));
        storeRows(results, [row]);
      }
    }
  }
  const store = { rows: readRows(results) };
  if (results === defaultFile) publishTable(store, reference);
  return store;
}

/** One lockstep fit, measured against the NUTS reference; null if it failed for another reason than disagreement. */
async function measure({ name, backend, n, warmup, samples, seed, gpuLanes, probe, reference, machine }) {
  const { fit, dataset } = DATASETS[name]();
  // GPU invocations sharing each chain (WebGPU only; the CPU ignores them).
  const lanes = backend === "webgpu" && gpuLanes > 1 ? { gpuLanes } : {};
  const sampler = { chains: n, seed, backend, method: "chees", ...lanes, ...(warmup !== undefined ? { warmup } : {}), ...(samples !== undefined ? { samples } : {}) };
  let result;
  let converged = true;
  const began = Date.now();
  // The commit (and date) the run starts at: a SwiftShader row takes hours, and the tree may move on meanwhile.
  const startedAt = { date: new Date(began).toISOString(), commit: commitOf() };
  try {
    // Every tenth of the first total: the total grows when the chains go on, the stride does not.
    let shown = -1;
    let stride = 0;
    const onProgress = (p) => {
      stride ||= Math.max(1, Math.round(p.total / 10));
      const tenth = Math.floor(p.iteration / stride);
      if (tenth > shown) {
        shown = tenth;
        process.stderr.write(`${name} ${backend} ${n}: ${p.iteration}/${p.total} (${p.phase}), ${((Date.now() - began) / 1000).toFixed(0)} s, ${new Date().toISOString().slice(11, 19)}\n`);
      }
    };
    result = await fit(dataset, { sampler }, { onProgress });
  } catch (e) {
    if (!(e instanceof NotConvergedError)) {
      console.log(`${name} ${backend} ${n}: ${e.message}`);
      return null;
    }
    result = e.fit;
    converged = false;
  }
  const d = result.diagnostics();
  const fitted = moments(result);
  const worst = maxDistance(fitted, reference[name].moments);
  return {
    dataset: name,
    backend,
    adapter: backend === "webgpu" ? (result.record.sampling?.adapter ?? probe.adapter) : null,
    ...(lanes.gpuLanes ? { lanes: lanes.gpuLanes } : {}),
    machine: `${machine.cpu}, ${machine.cores} cores`,
    chains: n,
    warmup: d.warmup,
    // The draws asked for (the row's key) and those each chain made: more where the chains went on while they disagreed.
    samples: result.record.config.sampler.samples,
    draws: d.draws,
    converged,
    nestedRhat: d.nested_r_hat ?? null,
    maxRhat: d.max_r_hat,
    maxDistance: worst.distance,
    worstParameter: worst.name,
    minEssBulk: d.min_ess_bulk,
    minEssPerSecond: d.min_ess_bulk_per_second,
    gradientsPerSecond: d.gradient_evaluations.total / d.wall_seconds,
    leapfrogStepsPerChain: d.gradient_evaluations.total / n,
    // Wall time per leapfrog step of all chains together: on WebGPU one dispatch (plus its share of the per-iteration readback).
    microsecondsPerStep: (1e6 * d.wall_seconds * n) / d.gradient_evaluations.total,
    wallSeconds: d.wall_seconds,
    divergences: d.divergences,
    // Each check of the chains that went on: draws per chain, nested R-hat, max R-hat.
    extension: d.extension?.nested_r_hat ? d.extension.r_hat.map((r, i) => [Math.min(d.extension.asked * (i + 1), d.draws), d.extension.nested_r_hat[i], r]) : null,
    ...startedAt,
    // Which parameters lag: the five largest R-hats with their bulk ESS.
    worstRhat: result
      .summary()
      .sort((a, b) => b.r_hat - a.r_hat)
      .slice(0, 5)
      .map((r) => [r.name, Number(r.r_hat.toFixed(4)), Math.round(r.ess_bulk)]),
    // Kept so that distances can be recomputed against a better reference later.
    moments: fitted,
  };
}

/** A figure for the tables, "-" where there is none. */
const f = (v, n = 1) => (v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(n));

/** The draws of a row: those asked for, and those each chain went on to where more. */
const drawsOf = (r) => (r.draws !== undefined && r.draws !== r.samples ? `${r.samples} (went on to ${r.draws})` : `${r.samples}`);

/** The fit's own acceptance rule (diagnostics/agreement.ts), for rows that have nested R-hat. */
const agrees = (r) => r.nestedRhat !== null && diagnostics.lockstepChainsAgree(r.nestedRhat, r.maxRhat);

function publishTable(store, reference) {
  const order = Object.keys(DATASETS);
  // Distances against the reference as it is now (rows keep their posterior moments for this).
  const rows = [...store.rows]
    .map((r) => {
      const ref = reference[r.dataset]?.moments;
      if (!r.moments || !ref) return r;
      const worst = maxDistance(r.moments, ref);
      return { ...r, maxDistance: worst.distance, worstParameter: worst.name };
    })
    .sort((a, b) => order.indexOf(a.dataset) - order.indexOf(b.dataset) || a.backend.localeCompare(b.backend) || a.chains - b.chains);
  const here = machineInfo();
  // Rows and references run on another machine than this one's name it.
  const elsewhere = (m) => (m && m !== `${here.cpu}, ${here.cores} cores` ? `, ${m}` : "");
  const hardware = [...new Set(rows.filter((r) => r.backend === "webgpu" && !isSoftwareAdapter(r.adapter)).map((r) => `${r.adapter} (host: ${r.machine ?? "?"})`))];
  const md = [
    `Lockstep sampling against NUTS (reference settings under the table) on ${machineLine(machineInfo())} unless a row names another machine. ` +
      "Distance: the largest |lockstep mean - NUTS mean| / NUTS sd over all parameters. " +
      "WebGPU rows name their adapter; a software adapter (SwiftShader) runs the shaders on the CPU, so its speed says nothing of a GPU's. " +
      (hardware.length ? `GPU rows (marked **GPU**) ran on ${hardware.join("; ")}.` : "No real GPU was available for these runs."),
    "",
    "| dataset | backend | chains | warm-up + draws | run (commit, machine) | agreed (nested R-hat < 1.01, R-hat < 1.05) | nested R-hat | max R-hat | max distance (NUTS sd) | min bulk-ESS/s | gradients/s | wall s | divergences |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.dataset} | ${r.backend === "webgpu" ? `${isSoftwareAdapter(r.adapter) ? "" : "**GPU** "}WebGPU (${r.adapter ?? "?"}${(r.lanes ?? 1) > 1 ? `, ${r.lanes} lanes a chain` : ""})` : "CPU lockstep"} | ${r.chains} | ${r.warmup} + ${drawsOf(r)} | ${(r.date ?? store.date ?? "").slice(0, 10) || "-"} (${r.commit ?? "-"}${elsewhere(r.machine)}) | ${agrees(r) ? "yes" : "**no**"} | ${f(r.nestedRhat, 3)} | ${f(r.maxRhat, 3)} | ${f(r.maxDistance, 2)} (${r.worstParameter}) | ${f(r.minEssPerSecond)} | ${Math.round(r.gradientsPerSecond)} | ${f(r.wallSeconds)} | ${r.divergences} |`,
    ),
    "",
    "NUTS references (CPU workers, 1000 + 1000 unless named): " +
      Object.entries(reference)
        .filter(([k]) => rows.some((r) => r.dataset === k))
        .map(([k, v]) => `${k}: ${v.chains ?? 4} chains${v.warmup ? ` x (${v.warmup} + ${v.samples})` : ""}${v.machine ? ` on ${v.machine}` : ""}, max R-hat ${f(v.maxRhat, 3)}, min bulk-ESS ${f(v.minEssBulk, 0)}, ${f(v.minEssBulk / v.wallSeconds)}/s, ${Math.round(v.gradients / v.wallSeconds)} gradients/s, ${v.divergences} divergences`)
        .join("; ") +
      ".",
  ].join("\n");
  publish("lockstep", md);
  publish("lockstep-summary", summaryTable(rows, reference));
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

/** The issue's sizes: default settings (1000 + 1000) at these chain counts, on each dataset and backend. */
const TARGET_CHAINS = [64, 256];
const BACKEND_NAMES = { cpu: "CPU", webgpu: "WebGPU" };
/** The datasets as the README's other tables name them. */
const DATASET_NAMES = { example: "bundled example (T=156, C=5)", t156c4: "benchmark data (T=156, C=4)", geo: "bundled geo example (G=8, T=104, C=3)" };
const datasetName = (d) => DATASET_NAMES[d] ?? d;

/**
 * The README's summary: per dataset and backend, the rows at default settings (1000 warm-up + 1000
 * draws), whether the chains agreed, how far the means are from NUTS's and the speed against NUTS; and,
 * in words, every dataset, backend and target size with no such row yet, so a gap is never silent.
 */
export function summaryTable(rows, reference) {
  const atDefaults = rows.filter((r) => r.warmup === 1000 && r.samples === 1000);
  const device = (r) => (r.backend === "webgpu" ? (isSoftwareAdapter(r.adapter) ? "WebGPU (SwiftShader, on the CPU)" : `**GPU** WebGPU (${r.adapter})`) : "CPU");
  const nutsPerSecond = (d) => (reference[d] ? reference[d].minEssBulk / reference[d].wallSeconds : null);
  const missing = [];
  for (const d of Object.keys(DATASETS)) {
    for (const b of Object.keys(BACKEND_NAMES)) {
      const absent = TARGET_CHAINS.filter((c) => !atDefaults.some((r) => r.dataset === d && r.backend === b && r.chains === c));
      if (absent.length) missing.push(`${datasetName(d)} on ${BACKEND_NAMES[b]} at ${absent.join(" and ")} chains`);
    }
  }
  return [
    `Many chains in lockstep (\`--method chees\`) at default settings (1000 warm-up + 1000 draws, more while the chains disagree) against 4-chain NUTS, from \`node bench/lockstep.mjs\` (every row, the NUTS references and the machines in [docs/lockstep.md](docs/lockstep.md)). Chains agree when nested R-hat < 1.01 and R-hat < 1.05; a lockstep fit whose chains do not is refused (exit code 3), not returned.`,
    "",
    "| dataset | where | chains | draws per chain | chains agreed (nested R-hat, R-hat) | largest mean distance (NUTS sd) | min ESS/s, lockstep against NUTS | wall s |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...atDefaults.map(
      (r) =>
        `| ${datasetName(r.dataset)} | ${device(r)} | ${r.chains} | ${r.draws ?? r.samples} | ${agrees(r) ? "yes" : "**no**"} (${f(r.nestedRhat, 3)}, ${f(r.maxRhat, 3)}) | ${f(r.maxDistance, 2)} | ${f(r.minEssPerSecond)} against ${f(nutsPerSecond(r.dataset))} | ${f(r.wallSeconds, 0)} |`,
    ),
    "",
    missing.length ? `Not run at default settings yet: ${missing.join("; ")} ([why](docs/lockstep.md#against-the-issues-targets)).` : "Every dataset, backend and size has a row.",
  ].join("\n");
}

const main = import.meta.url === `file://${process.argv[1]}`;
if (main && (process.argv.includes("--publish") || process.argv.includes("--merge"))) {
  // --merge FILE: another machine's rows (a lent GPU's) into ours; then (or with --publish alone) rewrite the table.
  const from = arg("merge");
  if (from) storeRows(defaultFile, readRows(from));
  publishTable({ rows: readRows(defaultFile) }, JSON.parse(readFileSync(referenceFile, "utf8")));
  process.exit(0);
}

if (main) {
  const list = (s) => s.split(",").filter(Boolean);
  const num = (s) => (s === undefined ? undefined : Number(s));
  await benchLockstep({
    datasets: list(arg("datasets", "example,t156c4,geo")),
    chains: list(arg("chains", "64,256")).map(Number),
    backends: list(arg("backends", "cpu,webgpu")),
    warmup: num(arg("warmup")),
    samples: num(arg("samples")),
    seed: num(arg("seed", "1")),
    gpuLanes: num(arg("gpu-lanes", "1")),
    results: arg("results", defaultFile),
  });
  process.exit(0);
}
