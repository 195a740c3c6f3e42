// Stan's diagonal warm-up on the national model with per-chain detail
// (bench/stan/run_stan_chains.R), cached as bench/stan.mjs caches: under a key
// of the data, the model, the script, the arguments, rstan's version and the
// CPU. Used by bench/convergence.mjs; run alone it fills the cache:
//   nice -n 10 node bench/stanChains.mjs 1 2 3 ...   (seeds; T=156, C=4 data)
//   DATASET=example|geo nice -n 10 node bench/stanChains.mjs 1 3   (the bundled examples)
// The geo example runs bench/stan/hill_adstock_geo.stan.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./machine.mjs";
import { rstanAvailable } from "./stan.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const CACHE = join(HERE, "stan", "cache");

/** The Stan model's data from the engine's scaled data (national model, one geo). */
export function stanData(structure, scaled, T) {
  const C = structure.nChannels ?? scaled.media.length / T;
  const F = structure.nExtra ?? scaled.extra.length / T;
  return {
    T,
    C,
    F,
    D: structure.degreesSeasonality,
    frequency: structure.seasonalityFrequency,
    media: Array.from({ length: T }, (_, t) => Array.from(scaled.media.subarray(t * C, (t + 1) * C))),
    extra: Array.from({ length: T }, (_, t) => Array.from(scaled.extra.subarray(t * F, (t + 1) * F))),
    y: Array.from(scaled.target.subarray(0, T)),
    media_prior: structure.mediaPrior,
  };
}

/** The geo Stan model's data (bench/stan/hill_adstock_geo.stan) from the engine's scaled geo data. */
export function stanGeoData(structure, scaled, T) {
  const C = structure.nChannels;
  const F = structure.nExtra;
  const G = structure.nGeos;
  const geoExtra = !!structure.geoExtra;
  const extraAt = (t, f, g) => (geoExtra ? scaled.extra[(t * F + f) * G + g] : scaled.extra[t * F + f]);
  return {
    T,
    C,
    G,
    F,
    geo_extra: geoExtra ? 1 : 0,
    D: structure.degreesSeasonality,
    frequency: structure.seasonalityFrequency,
    media: Array.from({ length: G }, (_, g) => Array.from({ length: T }, (_, t) => Array.from({ length: C }, (_, c) => scaled.media[(t * C + c) * G + g]))),
    extra: Array.from({ length: G }, (_, g) => Array.from({ length: T }, (_, t) => Array.from({ length: F }, (_, f) => extraAt(t, f, g)))),
    y: Array.from({ length: T }, (_, t) => Array.from({ length: G }, (_, g) => scaled.target[t * G + g])),
    media_prior: structure.mediaPrior,
  };
}

/** The Stan model file for a data object (geo data carry G). */
export function stanModelFile(data) {
  return data.G === undefined ? "hill_adstock.stan" : "hill_adstock_geo.stan";
}

/**
 * One Stan fit (4 chains unless told), from the cache when there; null when
 * rstan is missing or `cachedOnly` and nothing is cached.
 */
export function stanFit(data, { chains = 4, warmup = 1000, draws = 1000, seed = 1, targetAccept = 0.85, cachedOnly = false, rstan = rstanAvailable() } = {}) {
  if (!rstan) return null;
  const work = mkdtempSync(join(tmpdir(), "mmm-stan-"));
  const dataPath = join(work, "data.json");
  const outPath = join(work, "out.json");
  writeFileSync(dataPath, JSON.stringify(data));
  const model = stanModelFile(data);
  const args = [String(chains), String(warmup), String(draws), String(seed), String(targetAccept), model];
  const script = join(HERE, "stan", "run_stan_chains.R");
  const key = createHash("sha256")
    .update(readFileSync(dataPath))
    .update(readFileSync(join(HERE, "stan", model)))
    .update(readFileSync(script))
    .update(JSON.stringify([rstan, args, machineInfo().cpu]))
    .digest("hex")
    .slice(0, 16);
  const cached = join(CACHE, `chains-${key}.json`);
  if (existsSync(cached)) return { ...JSON.parse(readFileSync(cached, "utf8")), cached: true };
  if (cachedOnly) return null;
  const r = spawnSync("Rscript", [script, dataPath, outPath, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) throw new Error(`Stan run failed (seed ${seed}):\n${r.stderr.slice(-2000)}`);
  const out = { ...JSON.parse(readFileSync(outPath, "utf8")), ran_at: new Date().toISOString() };
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cached, JSON.stringify(out));
  return out;
}

/** Stan's 1-based parameter name in our 0-based labels: coef_media[2,3] -> coef_media[1, 2]. */
function zeroBased(name) {
  return name.replace(/\[([\d,\s]+)\]/, (_, idx) => `[${idx.split(",").map((i) => Number(i) - 1).join(", ")}]`);
}

/** A Stan fit as a row of bench/convergence.mjs's results. */
export function stanRow(out, seed, geo = false) {
  const finite = (v) => typeof v === "number" && Number.isFinite(v);
  const worst = out.parameters.filter((p) => finite(p.rhat)).reduce((a, b) => (b.rhat > a.rhat ? b : a), { rhat: -Infinity });
  // Stan counts from 1 (the search channel's lag_weight is Stan's lag_weight[2]); our labels from 0.
  const lagWeight1 = geo ? out.chains?.map((c) => c.chainMeans?.["lag_weight[2]"]) : undefined;
  return {
    seed,
    ...(worst.name ? { worstParameter: zeroBased(worst.name) } : {}),
    maxRhat: Math.max(...out.parameters.map((p) => p.rhat).filter(finite)),
    minEss: Math.min(...out.parameters.map((p) => p.ess_bulk).filter(finite)),
    leapfrogPerDraw: out.leapfrog_per_draw,
    gradients: out.gradient_evaluations,
    seconds: out.wall_seconds,
    divergences: out.divergences,
    stepSizes: out.chains?.map((c) => c.stepSize),
    // Each chain's regime on the geo example, as our fits keep it.
    ...(lagWeight1?.every(finite) ? { lagWeight1: lagWeight1.map((v) => +v.toPrecision(3)) } : {}),
  };
}

/**
 * Keeps a Stan fit in bench/results/convergence-stan.json (a part that `bench/convergence.mjs
 * --table` merges), so that fits made here reach the table without the cache, which is not
 * kept in git. Written whole (temporary file, then rename).
 */
export function recordStanFit(datasetName, seed, out, sampler, geo = false) {
  const dir = join(HERE, "results");
  const path = join(dir, "convergence-stan.json");
  const saved = existsSync(path)
    ? JSON.parse(readFileSync(path, "utf8"))
    : { machine: machineInfo(), quick: false, rstan: out.engine, sampler, seeds: [], rows: [] };
  let row = saved.rows.find((r) => r.dataset === datasetName);
  if (!row) saved.rows.push((row = { dataset: datasetName, option: "Stan (diag)", fits: [] }));
  row.fits = row.fits.filter((f) => f.seed !== seed).concat([{ ...stanRow(out, seed, geo), ranAt: out.ran_at, cores: out.cores }]).sort((a, b) => a.seed - b.seed);
  saved.seeds = [...new Set([...saved.seeds, seed])].sort((a, b) => a - b);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(saved, null, 2) + "\n");
  renameSync(`${path}.tmp`, path);
}

/**
 * A short fit's record of one of bench/convergence.mjs's datasets: its structure, the data
 * scaled exactly as a default fit scales them, and Stan's data made from them.
 */
export async function shortFitInput(dataset, geo) {
  const { fitGeoMMM, fitMMM, scaleGeoRows, scaleRows } = await import("../dist/index.js");
  const options = { sampler: { chains: 1, warmup: 10, samples: 10, seed: 1 } };
  const fit = geo ? await fitGeoMMM(dataset, options) : await fitMMM(dataset, options);
  const r = fit.record;
  const scaled = geo ? scaleGeoRows(r.dataset, r.scalers, 0, r.trainRows) : scaleRows(r.dataset, r.scalers, 0, r.trainRows);
  const stan = geo ? stanGeoData(r.structure, scaled, r.trainRows) : stanData(r.structure, scaled, r.trainRows);
  return { fit, structure: r.structure, scaled, stan };
}

/** Stan's data for one of bench/convergence.mjs's datasets, scaled as a default fit scales it. */
export async function stanInputFromFit(dataset, geo) {
  return (await shortFitInput(dataset, geo)).stan;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { fitScalers, scaleRows, simulateDataset } = await import("../dist/index.js");
  const which = process.env.DATASET ?? "t156";
  const { DATASETS } = await import("./convergenceDatasets.mjs");
  if (!DATASETS[which]) throw new Error(`DATASET=${which}: expected t156, example or geo`);
  let data;
  if (which === "t156") {
    const T = Number(process.env.T ?? 156);
    const sim = simulateDataset({ seed: 1, T, channels: 4, extras: 2 });
    data = stanData(sim.structure, scaleRows(sim.dataset, fitScalers(sim.dataset, T)), T);
  } else {
    data = await stanInputFromFit(DATASETS[which].load(), !DATASETS[which].national);
  }
  for (const seed of process.argv.slice(2).map(Number)) {
    const began = Date.now();
    const out = stanFit(data, { seed });
    // Other lengths of the simulated data (T=...) are not a dataset of the table.
    if (which !== "t156" || Number(process.env.T ?? 156) === 156) {
      recordStanFit(DATASETS[which].name, seed, out, { chains: 4, warmup: 1000, samples: 1000, targetAccept: 0.85 }, data.G !== undefined);
    }
    const rhat = Math.max(...out.parameters.map((p) => p.rhat).filter(Number.isFinite));
    const ess = Math.min(...out.parameters.map((p) => p.ess_bulk).filter(Number.isFinite));
    console.log(JSON.stringify({ seed, cached: !!out.cached, seconds: (Date.now() - began) / 1000, maxRhat: rhat, minEss: ess, divergences: out.divergences, leapfrog: out.leapfrog_per_draw, chains: out.chains.map((c) => ({ eps: c.stepSize, divW: c.divWarmup, divS: c.divSampling, lp: c.lpSampling, ...(data.G ? { lagWeight1: c.chainMeans?.["lag_weight[2]"] } : {}) })) }));
  }
}
