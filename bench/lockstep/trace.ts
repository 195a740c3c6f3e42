// Per-iteration traces of a lockstep run on the T=156 C=4 benchmark data, or
// with DATASET=geo on the bundled geo example (the fitMMM / fitGeoMMM path:
// default priors and scalers, prior-median start jittered by 0.5):
// step size, trajectory length, steps, acceptance, divergences, the spread of
// the chains' log-densities and of a few parameters across chains.
// Run: npx esbuild bench/lockstep/trace.ts --bundle --platform=node --target=node20 --format=esm \
//   --loader:.wasm=binary --outfile=/tmp/trace.mjs && [DATASET=geo] node /tmp/trace.mjs CHAINS WARMUP DRAWS OUT.json [options]
// Every 10th row also carries, per unconstrained coordinate, the cross-chain
// range and the spread of superchain means (which parameters lag).
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { parseCsv } from "../../src/io/csv.js";
import { geoDatasetFromTable } from "../../src/io/datasetTable.js";
import { geoCosts } from "../../src/model/geoViews.js";
import { fitGeoScalers, fitScalers, scaleGeoRows, scaleRows } from "../../src/model/scaling.js";
import { resolveConfig } from "../../src/fit/config.js";
import { totalSpend } from "../../src/model/dataset.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { structureFor } from "../../src/api/fitMMM.js";
import { createDensity } from "../../src/services/densitySpec.js";
import { cpuLockstepIntegrator } from "../../src/sampler/lockstep/cpuIntegrator.js";
import { sampleChees, type LockstepIterationTrace } from "../../src/services/lockstepChains.js";
import { nestedRhatPerParameter } from "../../src/diagnostics/nestedRhat.js";
import { lockstepNutsStart } from "../../src/services/lockstepNutsStart.js";

const [chains = 32, warmup = 300, draws = 100] = process.argv.slice(2, 5).map(Number);
const out = process.argv[5] ?? "/tmp/trace.json";
// Options as JSON, e.g. '{"burnIn":0,"robustMetric":false,"targetAccept":0.651}' for the original scheme's pieces.
const extra = JSON.parse(process.argv[6] ?? "{}");
const config = resolveConfig({});
function national() {
  const sim = simulateDataset({ seed: 1, T: 156, channels: 4, extras: 2 });
  const structure = structureFor(config, totalSpend(sim.dataset), { nChannels: 4, nExtra: 2 });
  return { structure, data: scaleRows(sim.dataset, fitScalers(sim.dataset, sim.dataset.T), 0, sim.dataset.T) };
}
function geo() {
  const path = process.env.GEO_CSV ?? "examples/geo_weekly.csv"; // relative to the repository root (the bundle runs from /tmp)
  const d = geoDatasetFromTable(parseCsv(readFileSync(path, "utf8"), "geo_weekly.csv"), {
    target: "sales",
    media: ["tv", "search", "social"],
    extra: ["price_index"],
    geo: "geo",
    date: "date",
  });
  const structure = structureFor(config, geoCosts(d, d.T), { nChannels: 3, nExtra: 1, nGeos: d.G, geoExtra: d.extraPerGeo });
  return { structure, data: scaleGeoRows(d, fitGeoScalers(d, d.T), 0, d.T) };
}
const { structure, data } = process.env.DATASET === "geo" ? geo() : national();
const layout = new ParameterLayout(structure);
const density = createDensity({ kind: "mmm", structure, data });
const integrator = cpuLockstepIntegrator(density, chains);
const watch = ["sigma", "coef_trend", "expo_trend", "intercept"].map((n) => ({ name: n, offset: layout.offsetOf(n) }));
const labels = layout.labels();
const superchains = Math.min(16, chains);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
};
const rows: Record<string, unknown>[] = [];
writeFileSync(`${out}l`, "");
const started = performance.now();
// NUTS_START=W: each superchain's leader runs W NUTS warm-up iterations first (services/lockstepNutsStart.ts);
// the chains start where it ended, with the leaders' median metric and step size, and no burn-in.
const nutsWarmup = Number(process.env.NUTS_START ?? 0);
let nutsGradients = 0;
if (nutsWarmup > 0) {
  const start = lockstepNutsStart(density, { chains, superchains, seed: 1, warmup: nutsWarmup, initialPosition: layout.medianPoint(), initRadius: 0.5 });
  nutsGradients = start.gradientEvaluations;
  Object.assign(extra, { initialPositions: start.initialPositions, initialInverseMetric: start.initialInverseMetric, initialStepSize: start.initialStepSize, burnIn: 0 });
  console.log(`NUTS start: ${nutsWarmup} iterations x ${superchains} leaders, ${nutsGradients} gradients, ${((performance.now() - started) / 1000).toFixed(1)} s, step size ${start.initialStepSize}`);
}
const result = await sampleChees(integrator, {
  seed: 1,
  warmup,
  draws,
  maxSteps: 1023,
  init: { kind: "jitter", position: layout.medianPoint(), radius: 0.5 },
  superchains,
  ...extra,
  onIteration(t: LockstepIterationTrace) {
    const lp = Array.from(t.logps);
    const acc = Array.from(t.acceptProb);
    const row: Record<string, unknown> = {
      phase: t.phase,
      it: t.iteration,
      eps: t.stepSize,
      T: t.trajectoryLength,
      steps: t.steps,
      hmAccept: t.harmonicMeanAccept,
      meanAccept: t.meanAccept,
      stuck: acc.filter((a) => a < 0.05).length,
      div: t.divergences,
      epsMin: Math.min(...t.stepSizes),
      epsMax: Math.max(...t.stepSizes),
      lpMin: Math.min(...lp),
      lpMed: quantile(lp, 0.5),
      lpMax: Math.max(...lp),
    };
    for (const w of watch) {
      const v = Array.from({ length: chains }, (_, c) => t.positions[c * layout.dim + w.offset]!);
      row[`${w.name}_lo`] = Math.min(...v);
      row[`${w.name}_hi`] = Math.max(...v);
      row[`${w.name}_im`] = t.inverseMetric[w.offset];
    }
    if (t.phase === "sampling") {
      // Per chain, for which chains stick: acceptance and log-density.
      row.acc = acc.map((a) => Math.round(a * 1000) / 1000);
      row.lp = lp.map((v) => Math.round(v * 10) / 10);
    }
    if (t.iteration % 10 === 0) {
      // Per coordinate: cross-chain range, and the sd of superchain means over the median within-superchain sd.
      const per = chains / superchains;
      const spread: Record<string, number[]> = {};
      for (let i = 0; i < layout.dim; i++) {
        const v = Array.from({ length: chains }, (_, c) => t.positions[c * layout.dim + i]!);
        const means = Array.from({ length: superchains }, (_, k) => v.slice(k * per, (k + 1) * per).reduce((a, b) => a + b, 0) / per);
        const m = means.reduce((a, b) => a + b, 0) / superchains;
        const between = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, superchains - 1));
        const sds = Array.from({ length: superchains }, (_, k) => {
          const w = v.slice(k * per, (k + 1) * per);
          const wm = w.reduce((a, b) => a + b, 0) / per;
          return Math.sqrt(w.reduce((a, b) => a + (b - wm) ** 2, 0) / Math.max(1, per - 1));
        });
        spread[labels[i]!] = [Math.min(...v), Math.max(...v), between / Math.max(1e-300, quantile(sds, 0.5)), t.inverseMetric[i]!];
      }
      row.spread = spread;
      row.epsQ = [0.1, 0.5, 0.9].map((q) => quantile(Array.from(t.stepSizes), q));
    }
    rows.push(row);
    appendFileSync(`${out}l`, JSON.stringify(row) + "\n");
  },
});
const seconds = (performance.now() - started) / 1000;
// Verdict on the constrained draws: nested R-hat per parameter, and the distance of each mean from the
// NUTS reference (bench/results/lockstep-nuts.json, REFERENCE=path to use another file of that shape).
const constrained = result.draws.map((d) => {
  const out = new Float64Array(d.length);
  for (let k = 0; k < d.length / layout.dim; k++) out.set(layout.constrainFlat(d.subarray(k * layout.dim, (k + 1) * layout.dim)), k * layout.dim);
  return out;
});
const nested = nestedRhatPerParameter(constrained, layout.dim, superchains);
const refFile = process.env.REFERENCE ?? "bench/results/lockstep-nuts.json";
const refAll = JSON.parse(readFileSync(refFile, "utf8"));
const ref = (refAll[process.env.DATASET === "geo" ? "geo" : "t156c4"] ?? refAll).moments as Record<string, { mean: number; sd: number }>;
const verdict = labels.map((name, i) => {
  let sum = 0;
  let n = 0;
  for (const d of constrained) for (let k = i; k < d.length; k += layout.dim) (sum += d[k]!), n++;
  const r = ref[name];
  return { name, nested: nested[i]!, distance: r && r.sd > 0 ? Math.abs(sum / n - r.mean) / r.sd : NaN };
});
const worstNested = [...verdict].sort((a, b) => b.nested - a.nested).slice(0, 6);
const worstDistance = [...verdict].sort((a, b) => (b.distance || 0) - (a.distance || 0)).slice(0, 6);
const gradients = { nutsStart: nutsGradients, warmup: result.gradientEvaluations.warmup, sampling: result.gradientEvaluations.sampling };
console.log(JSON.stringify({ maxNested: worstNested[0], worstNested, worstDistance, divergences: result.divergences.sampling.reduce((a, b) => a + b, 0), gradients }));
writeFileSync(out, JSON.stringify({ chains, warmup, draws, seconds, labels, stepSize: result.stepSize, T: result.trajectoryLength, verdict, rows }) + "\n");
console.log(`done in ${seconds.toFixed(1)} s; eps ${result.stepSize}, T ${result.trajectoryLength}`);
