// Side by side with Stan for composed models (docs/transforms.md): the same
// model, the same scaled data, the same chains and draws. Cases:
// geometric+logistic; weibull_pdf+michaelis_menten; geometric+logistic with
// two lift tests (correct ones, computed from the simulation's truth). Each
// parameter's posterior mean must lie within 0.25 of Stan's sd of Stan's.
// Writes bench/results/stan-composed.json and .md (one run per sampler
// setting, the quick and the default side by side). Stan runs take minutes:
// results are cached under bench/stan/cache as bench/stan.mjs does.
// usage: node bench/stanComposed.mjs [--quick] [--fresh-stan] [--stan-adapt-delta X --case I]
// (--stan-adapt-delta reruns Stan alone at a higher target acceptance, ours
// unchanged, on case I (0, 1 or 2): a check of Stan's side where it diverges.)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fitMMM, fitScalers, scaleLiftTests, scaleRows, simulateDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine } from "./report.mjs";
import { rstanAvailable } from "./stan.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const CACHE = join(HERE, "stan", "cache");
const quick = process.argv.includes("--quick");
const argValue = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const stanAdaptDelta = argValue("--stan-adapt-delta") === undefined ? undefined : Number(argValue("--stan-adapt-delta"));
const onlyCase = argValue("--case") === undefined ? undefined : Number(argValue("--case"));
const freshStan = process.argv.includes("--fresh-stan");
const sampler = { chains: 4, warmup: quick ? 300 : 1000, samples: quick ? 300 : 1000, seed: 1, targetAccept: 0.85 };
const CASES = [
  { name: "geometric+logistic", model: "geometric+logistic", stan: "geometric_logistic.stan", seed: 5 },
  { name: "weibull_pdf+michaelis_menten", model: "weibull_pdf+michaelis_menten", stan: "weibull_pdf_michaelis_menten.stan", seed: 6 },
  { name: "geometric+logistic, 2 lift tests", model: "geometric+logistic", stan: "geometric_logistic.stan", seed: 5, lift: true },
];
const T = 104;
const C = 3;
const F = 1;

/** Stan's label to ours (Stan is 1-based; scalars of ours are one-element arrays). */
function ourLabel(stanName) {
  const m = /^(\w+)\[(\d+)\]$/.exec(stanName);
  if (!m) return ["intercept", "sigma", "coef_trend"].includes(stanName) ? `${stanName}[0]` : stanName;
  const i = Number(m[2]) - 1;
  if (m[1] === "gamma_seasonality") return `gamma_seasonality[${Math.floor(i / 2)}, ${i % 2}]`;
  return `${m[1]}[${i}]`;
}

/** Correct lift tests on channels 0 and 1: spend from its mean to 1.5 times, the true lift, a 10% standard error. */
function trueLiftTests(sim, scalers) {
  const truth = sim.truth;
  const f = (lam, v) => Math.tanh((lam * v) / 2);
  return [0, 1].map((c) => {
    const lift = truth.coef_media[c] * (f(truth.logistic_rate[c], 1.5) - f(truth.logistic_rate[c], 1));
    return {
      channel: sim.dataset.channelNames[c],
      x: scalers.media[c],
      deltaX: 0.5 * scalers.media[c],
      deltaY: lift * scalers.target,
      sigma: 0.1 * lift * scalers.target,
    };
  });
}

function runStan(dataPath, outPath, stanFile, rstan) {
  const args = [String(sampler.chains), String(sampler.warmup), String(sampler.samples), String(sampler.seed), String(stanAdaptDelta ?? sampler.targetAccept), stanFile];
  const key = createHash("sha256")
    .update(readFileSync(dataPath))
    .update(readFileSync(join(HERE, "stan", stanFile)))
    .update(readFileSync(join(HERE, "stan", "run_stan.R")))
    .update(JSON.stringify([rstan, args, machineInfo().cpu]))
    .digest("hex")
    .slice(0, 16);
  const cached = join(CACHE, `${key}.json`);
  if (!freshStan && existsSync(cached)) return { ...JSON.parse(readFileSync(cached, "utf8")), cached: true };
  const r = spawnSync("Rscript", [join(HERE, "stan", "run_stan.R"), dataPath, outPath, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) throw new Error(`Stan run failed:\n${r.stderr.slice(-2000)}`);
  const out = { ...JSON.parse(readFileSync(outPath, "utf8")), ran_at: new Date().toISOString() };
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cached, JSON.stringify(out));
  return out;
}

const rstan = rstanAvailable();
if (!rstan) {
  console.log("rstan is not installed: nothing to compare (see bench/stan.mjs for the install steps)");
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), "mmm-stan-composed-"));
const rows = [];
// Cheapest Stan fit first, so an interrupted run still leaves the most cases in the cache.
const RUN_ORDER = [2, 0, 1];
for (const k of RUN_ORDER.filter((i) => onlyCase === undefined || i === onlyCase).map((i) => CASES[i])) {
  const sim = simulateDataset({ seed: k.seed, T, channels: C, extras: F, model: k.model });
  const scalers = fitScalers(sim.dataset, T);
  const scaled = scaleRows(sim.dataset, scalers);
  const liftTests = k.lift ? trueLiftTests(sim, scalers) : undefined;
  const fit = await fitMMM(sim.dataset, { model: k.model, sampler, ...(liftTests ? { liftTests } : {}) });
  const d = fit.diagnostics();
  const data = {
    T,
    C,
    F,
    D: sim.structure.degreesSeasonality,
    frequency: sim.structure.seasonalityFrequency,
    media: Array.from({ length: T }, (_, t) => Array.from(scaled.media.subarray(t * C, (t + 1) * C))),
    extra: Array.from({ length: T }, (_, t) => Array.from(scaled.extra.subarray(t * F, (t + 1) * F))),
    y: Array.from(scaled.target),
    media_prior: sim.structure.mediaPrior,
    L: sim.structure.carryoverLags,
  };
  const lift = liftTests ? scaleLiftTests(liftTests, sim.dataset.channelNames, undefined, { media: (c) => scalers.media[c], target: () => scalers.target }) : [];
  Object.assign(data, {
    N_lift: lift.length,
    lift_channel: lift.map((t) => t.channel + 1),
    lift_x: lift.map((t) => t.x),
    lift_dx: lift.map((t) => t.deltaX),
    lift_dy: lift.map((t) => t.deltaY),
    lift_sigma: lift.map((t) => t.sigma),
  });
  const dataPath = join(work, `data-${CASES.indexOf(k)}.json`);
  writeFileSync(dataPath, JSON.stringify(data));
  const stan = runStan(dataPath, join(work, `stan-${CASES.indexOf(k)}.json`), k.stan, rstan);
  const summary = new Map(fit.summary().map((s) => [s.name, s]));
  const compared = [];
  for (const p of stan.parameters) {
    const mine = summary.get(ourLabel(p.name));
    if (!mine) continue;
    // Monte Carlo error alone makes the means differ by about
    // sqrt(MCSE_ours^2 + MCSE_Stan^2), MCSE = sd / sqrt(bulk-ESS); in Stan sd units:
    const mc = Math.sqrt(mine.sd ** 2 / mine.ess_bulk + p.sd ** 2 / p.ess_bulk) / p.sd;
    const z = Math.abs(mine.mean - p.mean) / p.sd;
    compared.push({ parameter: ourLabel(p.name), ours: mine.mean, stan: p.mean, stan_sd: p.sd, z, mc_sd: mc, z_in_mc_sd: z / mc });
  }
  const row = {
    order: CASES.indexOf(k),
    case: k.name,
    ours: { wall_seconds: d.wall_seconds, min_ess_bulk: d.min_ess_bulk, max_rhat: d.max_r_hat, divergences: d.divergences },
    stan: { engine: stan.engine, wall_seconds: stan.wall_seconds, divergences: stan.divergences, ran_at: stan.ran_at, cached: !!stan.cached,
      min_ess_bulk: Math.min(...stan.parameters.map((p) => p.ess_bulk).filter(Number.isFinite)),
      max_rhat: Math.max(...stan.parameters.map((p) => p.rhat).filter(Number.isFinite)) },
    parameters_compared: compared.length,
    max_z: Math.max(...compared.map((x) => x.z)),
    max_mc_sd: Math.max(...compared.map((x) => x.mc_sd)),
    max_z_in_mc_sd: Math.max(...compared.map((x) => x.z_in_mc_sd)),
    compared,
    disagreements: compared.filter((x) => !(x.z <= 0.25)),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
rows.sort((a, b) => a.order - b.order);
for (const r of rows) delete r.order;
// One run per sampler setting: the quick one (--quick) and the default one
// (the settings users get) both stay in the results, keyed by their settings.
const settingsKey = (sp, stanDelta) => `${sp.chains} chains x (${sp.warmup} + ${sp.samples})${stanDelta === undefined ? "" : `, Stan's adapt_delta ${stanDelta}`}`;
const resultsJson = join(HERE, "results", "stan-composed.json");
const previous = existsSync(resultsJson) ? JSON.parse(readFileSync(resultsJson, "utf8")) : {};
// Results written before runs were keyed held one run at the top level.
const runs = previous.runs ?? (previous.sampler ? { [settingsKey(previous.sampler)]: previous } : {});
runs[settingsKey(sampler, stanAdaptDelta)] = { machine: machineInfo(), quick, rstan, sampler, ...(stanAdaptDelta !== undefined ? { stan_adapt_delta: stanAdaptDelta } : {}), T, C, F, rows };
mkdirSync(join(HERE, "results"), { recursive: true });
writeFileSync(resultsJson, JSON.stringify({ runs }, null, 2) + "\n");
const f = (v, n = 1) => (v === undefined || v === null || !Number.isFinite(v) ? "-" : v.toFixed(n));
const table = (run) => [
  `${run.quick ? "Quick run" : run.stan_adapt_delta !== undefined ? `Stan rerun at adapt_delta ${run.stan_adapt_delta} (ours as in the default run)` : "Default settings"}: simulated data (T=${run.T}, C=${run.C}, F=${run.F}), ${settingsKey(run.sampler)}, target accept ${run.sampler.targetAccept}${run.stan_adapt_delta !== undefined ? ` (Stan ${run.stan_adapt_delta})` : ""}, ${machineLine(run.machine)}; rstan ${run.rstan}.`,
  "",
  "| case | parameters | max \\|mean difference\\| / Stan sd | agree (all <= 0.25) | Monte Carlo sd of the difference / Stan sd (largest) | largest difference in those Monte Carlo sds | ours: wall s, min bulk-ESS, max R-hat, divergences | Stan: wall s, min bulk-ESS, max R-hat, divergences |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...run.rows.map((r) => `| ${r.case} | ${r.parameters_compared} | ${f(r.max_z, 3)} | ${r.disagreements.length ? `NO (${r.disagreements.map((x) => x.parameter).join(", ")})` : "yes"} | ${f(r.max_mc_sd, 3)} | ${f(r.max_z_in_mc_sd, 2)} | ${f(r.ours.wall_seconds)}, ${f(r.ours.min_ess_bulk, 0)}, ${f(r.ours.max_rhat, 3)}, ${r.ours.divergences} | ${f(r.stan.wall_seconds)}, ${f(r.stan.min_ess_bulk, 0)}, ${f(r.stan.max_rhat, 3)}, ${r.stan.divergences} |`),
];
// The default settings first: they are what users get.
const rank = (run) => (run.quick ? 2 : run.stan_adapt_delta !== undefined ? 1 : 0);
const ordered = Object.values(runs).sort((a, b) => rank(a) - rank(b));
const md = [
  "Composed models against Stan (`node bench/stanComposed.mjs`, `--quick` for the short run): each parameter's posterior mean against Stan's, in Stan's posterior sd; the Monte Carlo columns say how far apart the means would be from Monte Carlo error alone (sqrt of the two squared MCSEs, MCSE = sd / sqrt(bulk-ESS)).",
  ...ordered.flatMap((run) => ["", ...table(run)]),
].join("\n");
writeFileSync(join(HERE, "results", "stan-composed.md"), md + "\n");
console.log(md);
