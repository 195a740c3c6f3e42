// Many markets: slices per hour for 50 markets x 104 weeks x 5 channels,
// fitted one model per market through `mmm fit-many` with 1 worker (slices
// in series, each slice's chains spread over the cores) and 2 workers (one
// slice per core, its chains in series), and through the job queue
// (`mmm queue submit` + 2 `mmm queue work` processes on a local Redis); and
// the cost per slice against a single `mmm fit` of one market.
// Fitting all 50 markets three times would take hours on 2 cores, so the run
// fits the first N of the 50 (--slices N, default 6; --quick: 4 with short
// chains) and says so; slices per hour extrapolates from them.
// Writes bench/results/many.json, publishes "many".
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { simulateDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const CLI = new URL("../bin/mmm.js", import.meta.url).pathname;
const MARKETS = 50;
const T = 104;
const C = 5;

function writeMarkets(path) {
  const lines = [];
  let header;
  for (let m = 0; m < MARKETS; m++) {
    const d = simulateDataset({ seed: 9000 + m, T, channels: C, extras: 1 }).dataset;
    header ??= ["market", "week", d.targetName, ...d.channelNames, ...d.extraNames].join(",");
    const name = `m${String(m + 1).padStart(2, "0")}`;
    for (let t = 0; t < T; t++) {
      lines.push([name, d.dates[t], d.target[t].toFixed(2), ...Array.from({ length: C }, (_, c) => d.media[t * C + c].toFixed(2)), d.extra[t].toFixed(4)].join(","));
    }
  }
  writeFileSync(path, [header, ...lines].join("\n") + "\n");
  return { header: header.split(","), lines };
}

function cli(args) {
  const began = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`mmm ${args[0]} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { seconds: (performance.now() - began) / 1000, stdout: r.stdout, stderr: r.stderr };
}

const pingable = (url) =>
  new Promise((resolve) => {
    const u = new URL(url);
    const s = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok) => (s.destroy(), resolve(ok));
    s.setTimeout(2000, () => done(false));
    s.on("error", () => done(false));
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (b) => done(b.toString().includes("PONG")));
  });

/** A Redis to use: $MMM_REDIS_URL, or a private redis-server started here (stopped at the end), or none. */
async function redisForBench() {
  if (process.env.MMM_REDIS_URL && (await pingable(process.env.MMM_REDIS_URL))) return { url: process.env.MMM_REDIS_URL, stop() {} };
  const port = 6391 + (process.pid % 200);
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const ok = await new Promise((resolve) => {
    child.on("error", () => resolve(false));
    let tries = 0;
    const t = setInterval(async () => {
      if (await pingable(`redis://127.0.0.1:${port}`)) (clearInterval(t), resolve(true));
      else if (++tries > 50) (clearInterval(t), resolve(false));
    }, 100);
  });
  return ok ? { url: `redis://127.0.0.1:${port}`, stop: () => child.kill() } : undefined;
}

async function queueRun(data, common, out, redis, workers) {
  const queue = `bench-${process.pid}-${Date.now()}`;
  const began = performance.now();
  cli(["queue", "submit", data, ...common, "--redis", redis, "--queue", queue, "--out", out]);
  const procs = Array.from({ length: workers }, () =>
    spawn(process.execPath, [CLI, "queue", "work", "--redis", redis, "--queue", queue, "--threads", "1", "--exit-when-empty"], { stdio: "ignore" }),
  );
  const codes = await Promise.all(procs.map((p) => new Promise((resolve) => p.on("exit", resolve))));
  if (codes.some((c) => c !== 0)) throw new Error(`a queue worker exited with ${codes.join(", ")}`);
  const status = JSON.parse(cli(["queue", "status", "--redis", redis, "--queue", queue, "--out", out, "--json"]).stdout);
  return { seconds: (performance.now() - began) / 1000, completed: status.counts.completed, failed: status.counts.failed };
}

export async function benchMany({ quick = false, slices } = {}) {
  const n = slices ?? (quick ? 4 : 6);
  const sampler = { chains: 4, warmup: quick ? 300 : 1000, samples: quick ? 300 : 1000, seed: 3 };
  const dir = mkdtempSync(join(tmpdir(), "mmm-bench-many-"));
  const all = join(dir, "markets50.csv");
  const { header, lines } = writeMarkets(all);
  // The first n markets of the 50, as their own file.
  const names = [...new Set(lines.map((l) => l.split(",")[0]))].slice(0, n);
  const data = join(dir, `markets${n}.csv`);
  writeFileSync(data, [header.join(","), ...lines.filter((l) => names.includes(l.split(",")[0]))].join("\n") + "\n");
  const one = join(dir, "market1.csv");
  writeFileSync(one, [header.slice(1).join(","), ...lines.filter((l) => l.startsWith(`${names[0]},`)).map((l) => l.split(",").slice(1).join(","))].join("\n") + "\n");
  const columns = ["--target", "sales", "--media", header.slice(3, 3 + C).join(","), "--extra", header[3 + C], "--date", "week"];
  const samplerArgs = ["--chains", String(sampler.chains), "--warmup", String(sampler.warmup), "--samples", String(sampler.samples), "--seed", String(sampler.seed)];
  const common = ["--by", "market", ...columns, ...samplerArgs];
  const load = [os.loadavg()[0]];

  const rows = [];
  const single = cli(["fit", one, ...columns, ...samplerArgs, "--no-report", "--out", join(dir, "single")]);
  const singleSeconds = single.seconds;
  rows.push({ how: "`mmm fit`, one market (chains over 2 threads)", slices: 1, seconds: singleSeconds });
  console.log(JSON.stringify(rows.at(-1)));
  for (const workers of [1, 2]) {
    const r = cli(["fit-many", data, ...common, "--workers", String(workers), "--out", join(dir, `many-${workers}`)]);
    rows.push({
      how: workers === 1 ? "`fit-many --workers 1` (slices in series, chains over 2 threads)" : "`fit-many --workers 2` (one slice per core, chains in series)",
      slices: n,
      seconds: r.seconds,
    });
    load.push(os.loadavg()[0]);
    console.log(JSON.stringify(rows.at(-1)));
  }
  const redis = await redisForBench();
  let queueNote = "";
  if (redis) {
    try {
      const q = await queueRun(data, common, join(dir, "queue"), redis.url, 2);
      if (q.completed !== n) throw new Error(`queue: ${q.completed} of ${n} jobs completed, ${q.failed} failed`);
      rows.push({ how: "queue: `queue submit` + 2 `queue work` processes (1 thread each), local Redis", slices: n, seconds: q.seconds });
      console.log(JSON.stringify(rows.at(-1)));
    } finally {
      redis.stop();
    }
  } else queueNote = " No Redis could be started here, so the queue row is missing.";
  load.push(os.loadavg()[0]);
  for (const r of rows) {
    r.secondsPerSlice = r.seconds / r.slices;
    r.slicesPerHour = 3600 / r.secondsPerSlice;
    r.costVsSingleFit = r.secondsPerSlice / singleSeconds;
    r.hoursFor50 = (50 * r.secondsPerSlice) / 3600;
  }
  const result = { machine: machineInfo(), quick, sampler, markets: MARKETS, fitted: n, T, C, loadAverage: load, rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/many.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const md = [
    `Many markets: one hill_adstock model per market, ${T} weeks x ${C} channels, ${sampler.chains} chains x (${sampler.warmup} warm-up + ${sampler.samples} draws), wall time through the CLI (process start, slicing, fitting, every slice's outputs, combined table and report). The data hold ${MARKETS} markets; the first ${n} were fitted and the rates extrapolate from them. On ${machineLine(result.machine)}, 1-minute load average ${load.map((v) => v.toFixed(1)).join(" / ")} during the runs${load.some((v) => v > 2.5) ? " (a shared machine: the absolute figures are inflated, the ratios less so)" : ""}${quick ? "; quick run" : ""}.${queueNote}`,
    "",
    "| how | slices | wall s | s per slice | slices per hour | per slice vs one `mmm fit` | all 50 markets, hours |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.how} | ${r.slices} | ${r.seconds.toFixed(1)} | ${r.secondsPerSlice.toFixed(1)} | ${r.slicesPerHour.toFixed(0)} | ${r.costVsSingleFit.toFixed(2)}x | ${r.hoursFor50.toFixed(2)} |`),
  ].join("\n");
  publish("many", md);
  publishInDocs("many", md);
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** The same table between the markers of docs/many-markets.md. */
function publishInDocs(key, md) {
  const path = new URL("../docs/many-markets.md", import.meta.url);
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return;
  }
  const start = `<!-- bench:${key}:start -->`;
  const end = `<!-- bench:${key}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) writeFileSync(path, text.slice(0, i + start.length) + "\n" + md + "\n" + text.slice(j));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const k = process.argv.indexOf("--slices");
  await benchMany({ quick: process.argv.includes("--quick"), ...(k > 0 ? { slices: Number(process.argv[k + 1]) } : {}) });
}
