// Cost per log-density-and-gradient of the geo (hierarchical) model as the
// number of geos grows (G = 1, 10, 50, 100 at T = 104, C = 5, two national
// extra features, seasonality of degree 2), in the core's accurate (default)
// and fast math modes, beside the national model of the same T and C.
// Writes bench/results/geo.json and prints a table. `--quick`: shorter timing.
import { mkdirSync, writeFileSync } from "node:fs";
import { MmmDensity, ParameterLayout, makeStructure, sampler } from "../dist/index.js";
import { timeNs } from "./logp.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const T = 104;
const C = 5;
const F = 2;

/** Random scaled geo data: media [T][C][G] with zero weeks, target [T][G], national extras [T][F]. */
export function geoProblem(G, model = "hill_adstock") {
  const r = new sampler.PhiloxRng(G * 7919 + 11, 0);
  const u = () => r.uniform();
  const media = Float64Array.from({ length: T * C * G }, () => (u() < 0.15 ? 0 : 2 * u()));
  const extra = Float64Array.from({ length: T * F }, () => 0.5 + u());
  const target = Float64Array.from({ length: T * G }, () => 0.6 + 0.8 * u());
  const layout = new ParameterLayout(
    makeStructure({ model, nChannels: C, nExtra: F, mediaPrior: Array(C).fill(0.15), nGeos: G }),
  );
  const x = Float64Array.from({ length: layout.dim }, () => 2 * u() - 1);
  return { layout, data: { T, media, extra, target, G }, u: x };
}

function nationalProblem(model = "hill_adstock") {
  const r = new sampler.PhiloxRng(5, 0);
  const u = () => r.uniform();
  const media = Float64Array.from({ length: T * C }, () => (u() < 0.15 ? 0 : 2 * u()));
  const extra = Float64Array.from({ length: T * F }, () => 0.5 + u());
  const target = Float64Array.from({ length: T }, () => 0.6 + 0.8 * u());
  const layout = new ParameterLayout(makeStructure({ model, nChannels: C, nExtra: F, mediaPrior: Array(C).fill(0.15) }));
  const x = Float64Array.from({ length: layout.dim }, () => 2 * u() - 1);
  return { layout, data: { T, media, extra, target }, u: x };
}

export async function benchGeo({ quick = false } = {}) {
  const maxTime = quick ? 0.15 : 0.6;
  const measure = async ({ layout, data, u }) => {
    const g = new Float64Array(layout.dim);
    const accurate = new MmmDensity(layout, data);
    const fast = new MmmDensity(layout, data, { mathMode: 2 });
    return {
      dim: layout.dim,
      accurateNs: await timeNs(() => accurate.logpGrad(u, g), maxTime),
      fastNs: await timeNs(() => fast.logpGrad(u, g), maxTime),
    };
  };
  const national = { model: "hill_adstock", T, C, F, G: 0, ...(await measure(nationalProblem())) };
  const rows = [];
  for (const G of [1, 10, 50, 100]) {
    const row = { model: "hill_adstock", T, C, F, G, ...(await measure(geoProblem(G))) };
    row.accurateNsPerGeo = row.accurateNs / G;
    rows.push(row);
  }
  const result = { machine: machineInfo(), quick, national, geo: rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/geo.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const us = (ns) => (ns / 1000).toFixed(1);
  console.log(`\ngeo model, hill_adstock, T=${T}, C=${C}, F=${F}: microseconds per log-density + gradient (one core)`);
  console.log("    G   dim  accurate  fast  accurate/geo");
  console.log(`  nat ${String(national.dim).padStart(5)} ${us(national.accurateNs).padStart(9)} ${us(national.fastNs).padStart(5)}`);
  for (const r of rows) {
    console.log(`${String(r.G).padStart(5)} ${String(r.dim).padStart(5)} ${us(r.accurateNs).padStart(9)} ${us(r.fastNs).padStart(5)} ${us(r.accurateNsPerGeo).padStart(13)}`);
  }
  const md = [
    `Geo model (hill_adstock, T=${T}, C=${C}, F=${F} national extras, seasonality degree 2): log-density and gradient, µs per evaluation on one core (fastest benchmark.js cycle)${quick ? " (quick run)" : ""}; ${machineLine(result.machine)}.`,
    "",
    "| G | parameters | wasm SIMD, accurate (default) | wasm SIMD, fast f32 | accurate per geo |",
    "| --- | --- | --- | --- | --- |",
    `| national | ${national.dim} | ${us(national.accurateNs)} | ${us(national.fastNs)} | |`,
    ...rows.map((r) => `| ${r.G} | ${r.dim} | ${us(r.accurateNs)} | ${us(r.fastNs)} | ${us(r.accurateNsPerGeo)} |`),
  ].join("\n");
  publish("geo", md, { inTopReadme: false });
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchGeo({ quick: process.argv.includes("--quick") });
}
