// Log-density + gradient time of this build against another on a loaded
// machine: short batches of evaluations (a few ms, so that many run without
// being preempted), the two builds alternating batch by batch in one process.
// Per build the fastest batch; and the median over the pairs of the ratio of
// neighbouring batches (both see about the same load). Usage:
//   node bench/compareLogp.mjs OTHER_DIST_INDEX_JS [--rounds N] [--label NAME]
//     [--models a,b,... (each in the three math modes)] [--out NAME]
// Writes bench/results/logp-compare.json and .md, or NAME.json and .md (this build = "after").
//   node bench/compareLogp.mjs --stan [--rounds N] [--datasets t156,example,geo] [--from-saved]
// times rstan's gradient and ours alternately instead (bench/compareLogpStan.mjs).
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { machineInfo } from "./machine.mjs";
import { machineLine } from "./report.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const rounds = Number(opt("--rounds", 300));
const label = opt("--label", "before");
if (args.includes("--stan")) {
  const { compareWithStan } = await import("./compareLogpStan.mjs");
  await compareWithStan({ rounds: Number(opt("--rounds", 60)), datasets: opt("--datasets", "t156,example,geo").split(","), fromSaved: args.includes("--from-saved") });
  process.exit(0);
}
const models = opt("--models", "hill_adstock,adstock,carryover").split(",");
const outName = opt("--out", "logp-compare");
const after = await import(new URL("../dist/index.js", import.meta.url));
const before = await import(pathToFileURL(resolve(args[0])).href);

function rng(lib, seed) {
  const r = new lib.sampler.PhiloxRng(seed, 0);
  return () => r.uniform();
}

// The same problems as bench/logp.mjs.
function density(lib, T, C, F, model, mathMode) {
  const r = rng(lib, T * 1000 + C);
  const media = Float64Array.from({ length: T * C }, () => (r() < 0.15 ? 0 : 2 * r()));
  const extra = Float64Array.from({ length: T * F }, () => 0.5 + r());
  const target = Float64Array.from({ length: T }, () => 0.6 + 0.8 * r());
  const layout = new lib.ParameterLayout(lib.makeStructure({ model, nChannels: C, nExtra: F, mediaPrior: Array(C).fill(0.15) }));
  const u = Float64Array.from({ length: layout.dim }, () => 2 * r() - 1);
  const d = new lib.MmmDensity(layout, { T, media, extra, target }, { mathMode });
  const g = new Float64Array(layout.dim);
  return () => d.logpGrad(u, g);
}

const MODES = ["accurate", "exact", "fast"];
const cases = [];
for (const model of models) for (const mode of [0, 1, 2]) cases.push({ model, T: 160, C: 5, F: 2, mode });
if (!args.includes("--models")) for (const [T, C] of [[52, 3], [520, 10], [156, 20]]) cases.push({ model: "hill_adstock", T, C, F: 2, mode: 0 });

/** ns per call of each batch, the two functions alternating (which goes first alternates too). */
function alternate(fa, fb, pairs) {
  for (let i = 0; i < 3000; i++) {
    fa();
    fb();
  }
  // About 2 ms a batch.
  let n = 1;
  for (let t0 = performance.now(); performance.now() - t0 < 2; n *= 2) for (let i = 0; i < n; i++) fa();
  const time = (f) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    return Number(process.hrtime.bigint() - t0) / n;
  };
  const a = [];
  const b = [];
  for (let k = 0; k < pairs; k++) {
    if (k % 2) {
      b.push(time(fb));
      a.push(time(fa));
    } else {
      a.push(time(fa));
      b.push(time(fb));
    }
  }
  return { a, b };
}

const median = (v) => {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

const rows = [];
for (const c of cases) {
  const fb = density(before, c.T, c.C, c.F, c.model, c.mode);
  const fa = density(after, c.T, c.C, c.F, c.model, c.mode);
  const { a, b } = alternate(fa, fb, rounds);
  rows.push({
    ...c,
    beforeNs: Math.min(...b),
    afterNs: Math.min(...a),
    beforeMedianNs: median(b),
    afterMedianNs: median(a),
    pairedRatio: median(a.map((x, i) => x / b[i])),
  });
  process.stderr.write(".");
}

const us = (ns) => (ns / 1000).toFixed(2);
const md = [
  `Log-density and gradient, µs per evaluation on one core, ${label} vs this build: ${rounds} pairs of ~2 ms batches alternating in one process; fastest batch of each, the median batch of each, and the median ratio of neighbouring batches; ${machineLine(machineInfo())}.`,
  "",
  `| model | math | T | C | F | ${label} | after | after / ${label} (fastest) | ${label}, median | after, median | after / ${label} (median pair) |`,
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ...rows.map(
    (r) =>
      `| ${r.model} | ${MODES[r.mode]} | ${r.T} | ${r.C} | ${r.F} | ${us(r.beforeNs)} | ${us(r.afterNs)} | ${(r.afterNs / r.beforeNs).toFixed(3)} | ${us(r.beforeMedianNs)} | ${us(r.afterMedianNs)} | ${r.pairedRatio.toFixed(3)} |`,
  ),
].join("\n");
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL(`./results/${outName}.json`, import.meta.url), JSON.stringify({ machine: machineInfo(), label, rounds, rows }, null, 2) + "\n");
writeFileSync(new URL(`./results/${outName}.md`, import.meta.url), md + "\n");
console.log(md);
