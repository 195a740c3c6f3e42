// NUTS on the lockstep benchmark's datasets: posterior means and sds, cached
// in bench/results/lockstep-nuts.json (refreshed when the settings below
// change). 8 chains x (1000 + 2000) at otherwise default settings on the
// national datasets, so the reference's own Monte Carlo error is a small
// part of the 0.25 sd the lockstep fits are held to. Geo: 4 chains x
// (1000 + 1000) reach max R-hat 1.198, 8 chains x (1000 + 1000) 1.133 and
// 8 x (1000 + 3000) 1.044 (lag_weight[1]: its chains cross between the search
// channel's two regimes every few thousand draws), so its reference is 8
// chains x (1000 + 10000).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { DATASETS, moments } from "./datasets.mjs";
import { machineInfo } from "../machine.mjs";

const file = new URL("../results/lockstep-nuts.json", import.meta.url);
const SETTINGS = { geo: { chains: 8, warmup: 1000, samples: 10000, seed: 12 } };
const DEFAULT = { chains: 8, warmup: 1000, samples: 2000, seed: 11 };
const sameSettings = (a, b) => ["chains", "warmup", "samples", "seed"].every((k) => a[k] === b[k]);

export async function nutsReference(names = Object.keys(DATASETS), { refresh = false } = {}) {
  const cache = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  for (const name of names) {
    const settings = SETTINGS[name] ?? DEFAULT;
    if (cache[name] && sameSettings(cache[name], settings) && !refresh) continue;
    const { fit, dataset } = DATASETS[name]();
    const f = await fit(dataset, { sampler: { ...settings, backend: "cpu", method: "nuts" } });
    const d = f.diagnostics();
    const here = machineInfo();
    cache[name] = {
      ...settings,
      machine: `${here.cpu}, ${here.cores} cores`,
      wallSeconds: d.wall_seconds,
      maxRhat: d.max_r_hat,
      minEssBulk: d.min_ess_bulk,
      gradients: d.gradient_evaluations.total,
      divergences: d.divergences,
      date: new Date().toISOString(),
      moments: moments(f),
    };
    console.log(name, JSON.stringify({ ...cache[name], moments: undefined }));
    mkdirSync(new URL("../results/", import.meta.url), { recursive: true });
    writeFileSync(file, JSON.stringify(cache, null, 2) + "\n");
  }
  return cache;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // node bench/lockstep/nutsReference.mjs [example t156c4 geo] [--refresh]: --refresh refits (e.g. to time them on this machine).
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  await nutsReference(names.length ? names : undefined, { refresh: process.argv.includes("--refresh") });
  process.exit(0);
}
