// 4-chain NUTS (default settings) on the lockstep benchmark's datasets:
// posterior means and sds, cached in bench/results/lockstep-nuts.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { DATASETS, moments } from "./datasets.mjs";

const file = new URL("../results/lockstep-nuts.json", import.meta.url);

export async function nutsReference(names = Object.keys(DATASETS), { refresh = false } = {}) {
  const cache = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  for (const name of names) {
    if (cache[name] && !refresh) continue;
    const { fit, dataset } = DATASETS[name]();
    const f = await fit(dataset, { sampler: { chains: 4, seed: 11, backend: "cpu", method: "nuts" } });
    const d = f.diagnostics();
    cache[name] = {
      wallSeconds: d.wall_seconds,
      maxRhat: d.max_r_hat,
      minEssBulk: d.min_ess_bulk,
      gradients: d.gradient_evaluations.total,
      divergences: d.divergences,
      moments: moments(f),
    };
    console.log(name, JSON.stringify({ ...cache[name], moments: undefined }));
    mkdirSync(new URL("../results/", import.meta.url), { recursive: true });
    writeFileSync(file, JSON.stringify(cache, null, 2) + "\n");
  }
  return cache;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await nutsReference(process.argv.slice(2).length ? process.argv.slice(2) : undefined, { refresh: false });
  process.exit(0);
}
