// Microseconds per log-density-and-gradient of the generated kernels for
// every adstock x saturation pair (T=160, C=5, F=2, as bench/logp.mjs's
// headline), in the three math modes, with the hill_adstock preset as the
// yardstick. Each figure is the median of many short batches (bench/batches.mjs),
// which a loaded machine disturbs far less than one long cycle. What lift tests add:
// bench/liftTerm.mjs. Writes bench/results/logp-composed.json and .md.
// usage: node bench/logpComposed.mjs [--quick]
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { ADSTOCK_NAMES, MmmDensity, SATURATION_NAMES, composedName } from "../dist/index.js";
import { medianBatchNs } from "./batches.mjs";
import { problem } from "./logp.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine } from "./report.mjs";

const quick = process.argv.includes("--quick");
const batches = quick ? 100 : 400;
const [T, C, F] = [160, 5, 2];
const loadBefore = loadavg()[0];
const rows = [];
for (const model of ["hill_adstock", ...ADSTOCK_NAMES.flatMap((a) => SATURATION_NAMES.map((s) => composedName(a, s)))]) {
  const { layout, data, u } = problem(T, C, F, model);
  const g = new Float64Array(layout.dim);
  const row = { model, dim: layout.dim };
  for (const [key, mathMode] of [["accurate", 0], ["exact", 1], ["fast", 2]]) {
    const d = new MmmDensity(layout, data, { mathMode });
    row[key] = medianBatchNs(() => d.logpGrad(u, g), batches) / 1000;
  }
  rows.push(row);
  console.log(JSON.stringify(row));
}
const load = [loadBefore, loadavg()[0]];
const result = { machine: machineInfo(), quick, T, C, F, load_average_1min: load, rows };
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/logp-composed.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
const us = (v) => v.toFixed(2);
const base = rows[0];
const md = [
  `Log-density and gradient of the generated kernels, microseconds per evaluation (one core, median of ${batches} batches of ~0.25 ms), T=${T}, C=${C}, F=${F}; ${machineLine(result.machine)}${quick ? " (quick run)" : ""}. The last column is accurate mode against the hill_adstock preset. Load average (1 min) ${load.map((v) => v.toFixed(1)).join(" -> ")} on ${result.machine.cores ?? 2} cores: neighbours' work inflates and scatters these figures; compare rows within one run.`,
  "",
  "| model | dim | accurate | exact | fast | accurate / hill_adstock |",
  "| --- | --- | --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r.model} | ${r.dim} | ${us(r.accurate)} | ${us(r.exact)} | ${us(r.fast)} | ${(r.accurate / base.accurate).toFixed(2)} |`),
].join("\n");
writeFileSync(new URL("./results/logp-composed.md", import.meta.url), md + "\n");
console.log(md);
