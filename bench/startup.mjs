// Time to first draw and peak memory of a default fit, each measured in a
// fresh Node process, and the README's first command (`mmm fit --example`)
// timed from process start to its output folder written. Writes
// bench/results/startup.json; the example fit's time goes into README.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish, replaceBetween } from "./report.mjs";

function probe(name, args = []) {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(`./probes/${name}.mjs`, import.meta.url)), ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${name} probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

/** Wall seconds of `mmm fit --example --out DIR` in a fresh process (the README's first command, report included). */
function exampleFitSeconds() {
  const dir = mkdtempSync(join(tmpdir(), "mmm-example-"));
  try {
    const began = performance.now();
    const r = spawnSync(process.execPath, [fileURLToPath(new URL("../bin/mmm.js", import.meta.url)), "fit", "--example", "--out", join(dir, "fit")], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mmm fit --example failed: ${r.stderr}`);
    return (performance.now() - began) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStartup({ quick = false } = {}) {
  const runs = Array.from({ length: quick ? 3 : 7 }, () => probe("firstDraw"));
  const firstDraw = runs.map((r) => r.firstDrawMs).sort((a, b) => a - b);
  const median = firstDraw[Math.floor(firstDraw.length / 2)];
  const memory = quick ? null : probe("peakMemory");
  const exampleFits = Array.from({ length: quick ? 1 : 3 }, exampleFitSeconds).sort((a, b) => a - b);
  const exampleFit = exampleFits[Math.floor(exampleFits.length / 2)];
  const result = { machine: machineInfo(), quick, firstDrawMs: { median, all: firstDraw }, importMs: runs[0].importMs, memory, exampleFitSeconds: { median: exampleFit, all: exampleFits } };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/startup.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const md = [
    `Start-up and memory on ${machineLine(result.machine)}${quick ? " (quick run: no memory probe)" : ""}.`,
    "",
    "| measure | value |",
    "| --- | --- |",
    `| time to first draw, 4 chains in workers (wasm compile, worker start, setup, one iteration; median of ${firstDraw.length} fresh processes) | ${median.toFixed(0)} ms |`,
    `| loading the library (module import) | ${result.importMs.toFixed(0)} ms |`,
    `| \`mmm fit --example\` (the README's first command: process start to output folder, report included; median of ${exampleFits.length}) | ${exampleFit.toFixed(1)} s |`,
    ...(memory ? [`| peak resident memory of a default fit (T=${memory.T}, C=${memory.C}, 4 chains x 2000 iterations, with summary and contributions) | ${memory.peakMB.toFixed(0)} MB |`] : []),
  ].join("\n");
  publish("startup", md);
  // The README says how long its first command takes, from this run (its one home: the table above has the figure too).
  const readme = new URL("../README.md", import.meta.url);
  const line = `about ${Math.round(exampleFit)} s on ${result.machine.cores} cores (\`node bench/startup.mjs\`, ${result.machine.date.slice(0, 10)}).`;
  if (existsSync(readme)) writeFileSync(readme, replaceBetween(readFileSync(readme, "utf8"), "example-fit", line));
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchStartup({ quick: process.argv.includes("--quick") });
}
