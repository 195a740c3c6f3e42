// Per-iteration traces of a lockstep run on the T=156 C=4 benchmark data (the
// fitMMM path: default priors and scalers, prior-median start jittered by 0.5):
// step size, trajectory length, steps, acceptance, divergences, the spread of
// the chains' log-densities and of a few parameters across chains.
// Run: npx esbuild bench/lockstep/trace.ts --bundle --platform=node --format=esm \
//   --loader:.wasm=binary --outfile=/tmp/trace.mjs && node /tmp/trace.mjs CHAINS WARMUP DRAWS OUT.json [method]
import { appendFileSync, writeFileSync } from "node:fs";
import { resolveConfig } from "../../src/fit/config.js";
import { totalSpend } from "../../src/model/dataset.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { fitScalers, scaleRows } from "../../src/model/scaling.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { structureFor } from "../../src/api/fitMMM.js";
import { createDensity } from "../../src/services/densitySpec.js";
import { cpuLockstepIntegrator } from "../../src/sampler/lockstep/cpuIntegrator.js";
import { sampleChees, type LockstepIterationTrace } from "../../src/sampler/lockstep/chees.js";

const [chains = 32, warmup = 300, draws = 100] = process.argv.slice(2, 5).map(Number);
const out = process.argv[5] ?? "/tmp/trace.json";
// Options as JSON, e.g. '{"burnIn":0,"robustMetric":false,"targetAccept":0.651}' for the original scheme's pieces.
const extra = JSON.parse(process.argv[6] ?? "{}");
const sim = simulateDataset({ seed: 1, T: 156, channels: 4, extras: 2 });
const config = resolveConfig({});
const structure = structureFor(config, totalSpend(sim.dataset), { nChannels: 4, nExtra: 2 });
const data = scaleRows(sim.dataset, fitScalers(sim.dataset, sim.dataset.T), 0, sim.dataset.T);
const layout = new ParameterLayout(structure);
const density = createDensity({ kind: "mmm", structure, data });
const integrator = cpuLockstepIntegrator(density, chains);
const watch = ["sigma", "coef_trend", "expo_trend", "intercept"].map((n) => ({ name: n, offset: layout.offsetOf(n) }));

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
};
const rows: Record<string, unknown>[] = [];
writeFileSync(`${out}l`, "");
const started = performance.now();
const result = await sampleChees(integrator, {
  seed: 1,
  warmup,
  draws,
  maxSteps: 1023,
  init: { kind: "jitter", position: layout.medianPoint(), radius: 0.5 },
  superchains: Math.min(16, chains),
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
    rows.push(row);
    appendFileSync(`${out}l`, JSON.stringify(row) + "\n");
  },
});
const seconds = (performance.now() - started) / 1000;
writeFileSync(out, JSON.stringify({ chains, warmup, draws, seconds, labels: layout.labels(), stepSize: result.stepSize, T: result.trajectoryLength, rows }) + "\n");
console.log(`done in ${seconds.toFixed(1)} s; eps ${result.stepSize}, T ${result.trajectoryLength}`);
