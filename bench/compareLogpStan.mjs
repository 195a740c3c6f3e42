// Log-density gradient time of this engine against rstan's on the same data,
// measured side by side: the two alternate in short batches (ours ~2 ms in
// this process, Stan's ~10 ms in one R process, bench/stan/grad_timer.R,
// asked batch by batch), so both see about the same load. Per dataset the
// fastest batch of each, and the median over the pairs of the ratio of
// neighbouring batches. Ours: the float64 core (MmmDensity, math "accurate",
// the sampler's default) in the model's own coordinates, as Stan's program;
// Stan's: its sampler's gradients from the same point (static HMC with a tiny
// step, timed by Stan's own clock; see bench/stan/grad_timer.R).
// Run by `node bench/compareLogp.mjs --stan [--rounds N] [--datasets t156,example,geo] [--from-saved]`;
// writes bench/results/logp-compare-stan.json and .md.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { MmmDensity, ParameterLayout } from "../dist/index.js";
import { collectSaved, summarise } from "./convergence.mjs";
import { DATASETS } from "./convergenceDatasets.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine } from "./report.mjs";
import { shortFitInput, stanModelFile } from "./stanChains.mjs";

const STAN_DIR = fileURLToPath(new URL("./stan/", import.meta.url));

/** Our named values in the Stan programs' shapes. */
function stanValues(values, structure) {
  const out = { ...values, gamma_seasonality: values.gamma_seasonality.flat() };
  if (structure.nGeos === undefined || structure.nGeos === 0) {
    for (const k of ["intercept", "sigma", "coef_trend"]) out[k] = values[k][0];
  } else if (!structure.geoExtra) {
    out.coef_extra_features = values.coef_extra_features.map((v) => [v]);
  }
  return out;
}

/** An R process answering "n" with Stan's ns per gradient over n gradients. */
async function stanTimer(model, data, point) {
  const work = mkdtempSync(join(tmpdir(), "mmm-stan-grad-"));
  writeFileSync(join(work, "data.json"), JSON.stringify(data));
  writeFileSync(join(work, "point.json"), JSON.stringify(point));
  const r = spawn("Rscript", [join(STAN_DIR, "grad_timer.R"), model, join(work, "data.json"), join(work, "point.json")], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  r.stderr.on("data", (d) => (stderr += d));
  const lines = createInterface({ input: r.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`grad_timer.R stopped:\n${stderr.slice(-2000)}`);
    return value.trim();
  };
  let first = await next();
  while (!first.startsWith("ready")) first = await next();
  const [, dim, lp] = first.split(/\s+/);
  return {
    dim: Number(dim),
    lp: Number(lp),
    batch: async (n) => {
      r.stdin.write(`${n}\n`);
      return Number(await next());
    },
    close: () => r.stdin.end(),
  };
}

const median = (v) => {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

async function compareOne(key, rounds) {
  const ds = DATASETS[key];
  const input = await shortFitInput(ds.load(), !ds.national);
  const layout = new ParameterLayout(input.structure);
  const density = new MmmDensity(layout, input.scaled, { mathMode: 0 });
  const draws = input.fit.constrainedDraws()[0];
  const u = layout.unconstrainFlat(draws.subarray(draws.length - layout.dim));
  const grad = new Float64Array(layout.dim);
  const ours = () => density.logpGrad(u, grad);
  const stan = await stanTimer(stanModelFile(input.stan), input.stan, stanValues(layout.constrain(u), input.structure));
  if (stan.dim !== layout.dim) throw new Error(`${key}: Stan has ${stan.dim} parameters, we have ${layout.dim}`);
  for (let i = 0; i < 2000; i++) ours();
  let n = 1;
  for (let t0 = performance.now(); performance.now() - t0 < 2; n *= 2) for (let i = 0; i < n; i++) ours();
  const probe = await stan.batch(200);
  const m = Math.max(10, Math.round(10e6 / probe));
  const a = [];
  const b = [];
  for (let k = 0; k < rounds; k++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) ours();
    a.push(Number(process.hrtime.bigint() - t0) / n);
    b.push(await stan.batch(m));
  }
  stan.close();
  return { dataset: ds.name, key, dim: layout.dim, oursNs: Math.min(...a), stanNs: Math.min(...b), oursMedianNs: median(a), stanMedianNs: median(b), pairedRatio: median(b.map((x, i) => x / a[i])), oursBatch: n, stanBatch: m };
}

/**
 * Load-independent ESS per second: each convergence row's median min bulk-ESS per 1000
 * gradients (bench/results/convergence*.json, Stan's from its cache) times the gradients
 * per second of its engine timed above (fastest batch; ours in the model's coordinates).
 */
async function essPerGradientSecond(timed) {
  let saved;
  try {
    saved = await collectSaved();
  } catch {
    return null;
  }
  const lines = [
    "Min bulk-ESS per second of gradient time (load-independent): median min bulk-ESS per 1000 gradients from bench/results/convergence*.json, times 1000 / (µs per gradient, fastest batch above) of the row's engine; the ratio to Stan's row of the same dataset.",
    "",
    "| dataset | warm-up | fits | min ESS per 1000 grads | µs per gradient | min ESS per gradient-second | / Stan |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const t of timed) {
    // Stan, our default (trend coordinates for national data) and the rows in the model's own coordinates.
    const shown = (o) => o.startsWith("Stan") || o === "stan-diag, trend" || o.startsWith("stan-diag, model");
    const rows = saved.rows.filter((r) => r.dataset === t.dataset && r.fits.length && shown(r.option));
    const stanRow = rows.find((r) => r.option.startsWith("Stan"));
    const stanRate = stanRow ? (summarise(stanRow.fits).essPer1000Gradients * 1e6) / t.stanNs : NaN;
    for (const r of rows) {
      const s = summarise(r.fits);
      const ns = r.option.startsWith("Stan") ? t.stanNs : t.oursNs;
      const rate = (s.essPer1000Gradients * 1e6) / ns;
      lines.push(`| ${t.dataset} | ${r.option} | ${s.fits} | ${s.essPer1000Gradients.toFixed(2)} | ${(ns / 1000).toFixed(1)} | ${rate.toFixed(0)} | ${Number.isFinite(stanRate) ? (rate / stanRate).toFixed(1) : "-"} |`);
    }
  }
  return lines.join("\n");
}

// fromSaved: the timings of the last run (results/logp-compare-stan.json), the ESS table redone
// from the convergence results as they are now.
export async function compareWithStan({ rounds = 60, datasets = ["t156", "example", "geo"], fromSaved = false } = {}) {
  const saved = new URL("./results/logp-compare-stan.json", import.meta.url);
  const before = fromSaved ? JSON.parse(readFileSync(saved, "utf8")) : null;
  const rows = before ? before.rows : [];
  if (before) rounds = before.rounds;
  const machine = before ? before.machine : machineInfo();
  for (const key of fromSaved ? [] : datasets) {
    rows.push(await compareOne(key, rounds));
    process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
  }
  const us = (ns) => (ns / 1000).toFixed(1);
  let md = [
    `Log-density gradient, µs per evaluation on one core, this engine (float64 core, "accurate" math, model's coordinates) and rstan (static HMC from the point with a tiny step, timed by Stan's clock; Stan's program in bench/stan/) at the same point of the same scaled data, alternating in ${rounds} pairs of batches (ours ~2 ms, Stan's ~10 ms); fastest batch of each, and the median ratio of neighbouring batches; ${machineLine(machine)}.`,
    "",
    "| dataset | parameters | ours (fastest) | Stan (fastest) | ours (median) | Stan (median) | Stan / ours (median pair) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.dataset} | ${r.dim} | ${us(r.oursNs)} | ${us(r.stanNs)} | ${us(r.oursMedianNs)} | ${us(r.stanMedianNs)} | ${r.pairedRatio.toFixed(1)} |`),
  ].join("\n");
  const perSecond = await essPerGradientSecond(rows);
  if (perSecond) md += `\n\n${perSecond}`;
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  if (!fromSaved) writeFileSync(saved, JSON.stringify({ machine, rounds, ran_at: new Date().toISOString(), rows }, null, 2) + "\n");
  writeFileSync(new URL("./results/logp-compare-stan.md", import.meta.url), md + "\n");
  console.log(md);
  return rows;
}
