// What ROI priors cost per log-density-and-gradient (docs/roi-priors.md):
// the same problem (T=160, C=5, F=2, as bench/logp.mjs) with priors on the
// coefficients and on the ROI over every row, accurate mode, for a few
// models. The two are timed in alternation, fastest cycle of each round;
// the ratio is the figure to read. Writes bench/results/roi-prior.json, .md.
// usage: node bench/roiPrior.mjs [--quick]
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { MmmDensity, ParameterLayout } from "../dist/index.js";
import { problem, timeNs } from "./logp.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine } from "./report.mjs";

const quick = process.argv.includes("--quick");
const maxTime = quick ? 0.1 : 0.3;
const rounds = quick ? 2 : 5;
const [T, C, F] = [160, 5, 2];
const loadBefore = loadavg()[0];
const rows = [];
for (const model of ["hill_adstock", "carryover", "geometric+logistic", "weibull_pdf+michaelis_menten"]) {
  const { layout, data, u } = problem(T, C, F, model);
  const roiLayout = new ParameterLayout({ ...layout.structure, roiPrior: true });
  const omega = Float64Array.from({ length: C }, (_, c) => {
    let s = 0;
    for (let t = 0; t < T; t++) s += data.media[t * C + c];
    return 1 / s;
  });
  const roiData = { ...data, roiCalibration: { mask: new Float64Array(T).fill(1), omega } };
  const g = new Float64Array(layout.dim);
  const plain = new MmmDensity(layout, data);
  const roi = new MmmDensity(roiLayout, roiData);
  let best = [Infinity, Infinity];
  for (let k = 0; k < rounds; k++) {
    best = [Math.min(best[0], await timeNs(() => plain.logpGrad(u, g), maxTime)), Math.min(best[1], await timeNs(() => roi.logpGrad(u, g), maxTime))];
  }
  const row = { model, coefficientPrior: best[0] / 1000, roiPrior: best[1] / 1000, ratio: best[1] / best[0] };
  rows.push(row);
  console.log(JSON.stringify(row));
}
const load = [loadBefore, loadavg()[0]];
const result = { machine: machineInfo(), quick, T, C, F, load_average_1min: load, rows };
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/roi-prior.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
const md = [
  `Log-density and gradient with priors on the coefficients and with ROI priors, microseconds per evaluation (accurate mode, one core, fastest cycle of ${rounds} alternating rounds), T=${T}, C=${C}, F=${F}; ${machineLine(result.machine)}${quick ? " (quick run)" : ""}. Load average (1 min) ${load.map((v) => v.toFixed(1)).join(" -> ")} on ${result.machine.cores ?? 2} cores: read the ratio.`,
  "",
  "| model | coefficient priors | ROI priors | ratio |",
  "| --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r.model} | ${r.coefficientPrior.toFixed(2)} | ${r.roiPrior.toFixed(2)} | ${r.ratio.toFixed(3)} |`),
].join("\n");
writeFileSync(new URL("./results/roi-prior.md", import.meta.url), md + "\n");
console.log(md);
