// Time to first draw and peak memory of a default fit, each measured in a
// fresh Node process. Writes bench/results/startup.json.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

function probe(name, args = []) {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(`./probes/${name}.mjs`, import.meta.url)), ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${name} probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

export async function benchStartup({ quick = false } = {}) {
  const runs = Array.from({ length: quick ? 3 : 7 }, () => probe("firstDraw"));
  const firstDraw = runs.map((r) => r.firstDrawMs).sort((a, b) => a - b);
  const median = firstDraw[Math.floor(firstDraw.length / 2)];
  const memory = quick ? null : probe("peakMemory");
  const result = { machine: machineInfo(), quick, firstDrawMs: { median, all: firstDraw }, importMs: runs[0].importMs, memory };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/startup.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const md = [
    `Start-up and memory on ${machineLine(result.machine)}${quick ? " (quick run: no memory probe)" : ""}.`,
    "",
    "| measure | value |",
    "| --- | --- |",
    `| time to first draw, 4 chains in workers (wasm compile, worker start, setup, one iteration; median of ${firstDraw.length} fresh processes) | ${median.toFixed(0)} ms |`,
    `| loading the library (module import) | ${result.importMs.toFixed(0)} ms |`,
    ...(memory ? [`| peak resident memory of a default fit (T=${memory.T}, C=${memory.C}, 4 chains x 2000 iterations, with summary and contributions) | ${memory.peakMB.toFixed(0)} MB |`] : []),
  ].join("\n");
  publish("startup", md);
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchStartup({ quick: process.argv.includes("--quick") });
}
