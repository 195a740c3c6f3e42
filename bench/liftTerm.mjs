// What lift tests cost in the log-density and gradient (docs/transforms.md),
// measured so that a loaded machine does not drown it: the density without
// tests (A) and with them (B) timed in short batches (~0.25 ms, so that most run
// unpreempted on a loaded machine), alternating A B B A ... in one process; the figure is the
// median over the pairs of the ratio B / A of neighbouring batches, which see
// about the same load. With it a distribution-free 95% interval of that
// median (order statistics of the pairs) and an A/A control (two identical
// densities without tests) that shows the noise floor of the method.
// Writes bench/results/lift-term.json and .md, and the table in
// docs/transforms.md (bench:lift-term).
// usage: node bench/liftTerm.mjs [--quick] [--pairs N]
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { MmmDensity, SATURATION_NAMES, composedName } from "../dist/index.js";
import { batchSize, median, timeBatch } from "./batches.mjs";
import { geoProblem } from "./geo.mjs";
import { problem } from "./logp.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const [T, C, F] = [160, 5, 2];

/** n lift tests on the channels in turn (scaled units, as the core reads them). */
function tests(n, G = 0) {
  return Array.from({ length: n }, (_, i) => ({ channel: i % C, geo: G ? i % G : 0, x: 0.8 + 0.05 * (i % 7), deltaX: 0.5, deltaY: 0.02, sigma: 0.005 }));
}

/** Batch times (ns per call) of fa and fb alternating, which goes first alternating too. */
function alternate(fa, fb, pairs) {
  for (let i = 0; i < 3000; i++) fb();
  const n = batchSize(fa);
  const a = [];
  const b = [];
  for (let k = 0; k < pairs; k++) {
    if (k % 2) {
      b.push(timeBatch(fb, n));
      a.push(timeBatch(fa, n));
    } else {
      a.push(timeBatch(fa, n));
      b.push(timeBatch(fb, n));
    }
  }
  return { a, b };
}

const sorted = (v) => [...v].sort((x, y) => x - y);

/** The median of v and its distribution-free 95% interval (ranks n/2 -+ 1.96 sqrt(n)/2). */
function medianInterval(v) {
  const s = sorted(v);
  const h = Math.ceil((1.96 * Math.sqrt(s.length)) / 2);
  const mid = Math.floor(s.length / 2);
  return { median: s[mid], low: s[Math.max(mid - h, 0)], high: s[Math.min(mid + h, s.length - 1)] };
}

function measure(label, nTests, { layout, data, u }, G, pairs) {
  const g = new Float64Array(layout.dim);
  const without = new MmmDensity(layout, data);
  const other = nTests ? new MmmDensity(layout, { ...data, liftTests: tests(nTests, G) }) : new MmmDensity(layout, data);
  const { a, b } = alternate(() => without.logpGrad(u, g), () => other.logpGrad(u, g), pairs);
  const ratio = medianInterval(b.map((x, i) => x / a[i]));
  const withoutNs = median(a);
  return {
    case: label,
    model: layout.structure.model,
    geos: G,
    tests: nTests,
    pairs,
    without_us: withoutNs / 1000,
    with_us: median(b) / 1000,
    ratio: ratio.median,
    ratio_low: ratio.low,
    ratio_high: ratio.high,
    // The cost of one test, from the paired ratio and the batches without tests.
    ns_per_test: nTests ? ((ratio.median - 1) * withoutNs) / nTests : null,
  };
}

export async function benchLiftTerm({ quick = false, pairs = quick ? 300 : 3000 } = {}) {
  const loadBefore = loadavg()[0];
  const national = (model) => problem(T, C, F, model);
  const cases = [
    ["control: A/A, no tests", 0, national("geometric+logistic"), 0],
    ...SATURATION_NAMES.map((s) => [`5 tests`, 5, national(composedName("geometric", s)), 0]),
    ["5 tests", 5, national("weibull_pdf+hill"), 0],
    ["5 tests", 5, national("hill_adstock"), 0],
    ["1 test", 1, national("geometric+logistic"), 0],
    ["20 tests", 20, national("geometric+logistic"), 0],
    ["100 tests", 100, national("geometric+logistic"), 0],
    ["geo, 10 geos, 5 tests", 5, geoProblem(10, "geometric+hill"), 10],
  ];
  const rows = [];
  for (const [label, n, p, G] of cases) {
    const row = measure(label, n, p, G, pairs);
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const load = [loadBefore, loadavg()[0]];
  const result = { machine: machineInfo(), quick, T, C, F, load_average_1min: load, rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/lift-term.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const f = (v, n) => (v === null ? "–" : v.toFixed(n));
  const md = [
    `Lift tests in the log-density and gradient (accurate mode, one core), T=${T}, C=${C}, F=${F} (geo: T=104): ${pairs} pairs of ~0.25 ms batches without and with the tests, alternating in one process; µs per evaluation are median batches; the ratio is the median over the pairs of with / without, with its 95% interval; per test = (ratio - 1) x without / tests. The A/A row times two identical densities without tests: the method's noise floor. ${machineLine(result.machine)}${quick ? " (quick run)" : ""}; load average (1 min) ${load.map((v) => v.toFixed(1)).join(" -> ")}.`,
    "",
    "| model | case | without, µs | with, µs | with / without (95%) | per test, ns |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.model} | ${r.case} | ${f(r.without_us, 2)} | ${f(r.with_us, 2)} | ${f(r.ratio, 3)} (${f(r.ratio_low, 3)} to ${f(r.ratio_high, 3)}) | ${f(r.ns_per_test, 0)} |`),
  ].join("\n");
  writeFileSync(new URL("./results/lift-term.md", import.meta.url), md + "\n");
  publish("lift-term", md);
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const pairs = args.includes("--pairs") ? Number(args[args.indexOf("--pairs") + 1]) : undefined;
  await benchLiftTerm({ quick: args.includes("--quick"), ...(pairs ? { pairs } : {}) });
}
