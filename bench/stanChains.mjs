// Stan's diagonal warm-up on the national model with per-chain detail
// (bench/stan/run_stan_chains.R), cached as bench/stan.mjs caches: under a key
// of the data, the model, the script, the arguments, rstan's version and the
// CPU. Used by bench/convergence.mjs; run alone it fills the cache:
//   nice -n 10 node bench/stanChains.mjs 1 2 3 ...   (seeds; T=156, C=4 data)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
  const args = [String(chains), String(warmup), String(draws), String(seed), String(targetAccept)];
  const script = join(HERE, "stan", "run_stan_chains.R");
  const key = createHash("sha256")
    .update(readFileSync(dataPath))
    .update(readFileSync(join(HERE, "stan", "hill_adstock.stan")))
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const { fitScalers, scaleRows, simulateDataset } = await import("../dist/index.js");
  const T = Number(process.env.T ?? 156);
  const sim = simulateDataset({ seed: 1, T, channels: 4, extras: 2 });
  const data = stanData(sim.structure, scaleRows(sim.dataset, fitScalers(sim.dataset, T)), T);
  for (const seed of process.argv.slice(2).map(Number)) {
    const began = Date.now();
    const out = stanFit(data, { seed });
    const rhat = Math.max(...out.parameters.map((p) => p.rhat).filter(Number.isFinite));
    const ess = Math.min(...out.parameters.map((p) => p.ess_bulk).filter(Number.isFinite));
    console.log(JSON.stringify({ seed, cached: !!out.cached, seconds: (Date.now() - began) / 1000, maxRhat: rhat, minEss: ess, divergences: out.divergences, leapfrog: out.leapfrog_per_draw, chains: out.chains.map((c) => ({ eps: c.stepSize, divW: c.divWarmup, divS: c.divSampling, lp: c.lpSampling })) }));
  }
}
