// Many markets: slices per hour for 50 markets x 104 weeks x 5 channels,
// fitted one model per market through `mmm fit-many` with 1 worker (slices
// in series, each slice's chains spread over the cores) and 2 workers (one
// slice per core, its chains in series), and through the job queue
// (`mmm queue submit` + 2 `mmm queue work` processes on a local Redis); and
// the cost per slice against a single `mmm fit` of one market, timed just
// before each row (the load of a shared machine changes over a long run).
// Fitting all 50 markets three times would take hours on 2 cores, so each
// row fits the first N of the 50 (--slices N, default 6; --quick: 4 with
// short chains) and says so, slices per hour extrapolating from them;
// `--all-markets workers2` (or workers1, queue; repeatable) fits all 50 in
// that row. The 1-minute load average is sampled every 15 s during each row
// (the machine may be shared) and reported beside it. The table is published
// after every row, so a run stopped early still leaves what it measured.
// Writes bench/results/many.json, publishes "many".
import { spawn } from "node:child_process";
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

/** Runs the CLI in a child process (asynchronously, so the load sampler keeps running). */
function cli(args) {
  const began = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b) => (stdout += b));
  child.stderr.on("data", (b) => (stderr = (stderr + b).slice(-20000)));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`mmm ${args[0]} failed (${code}): ${stderr.slice(-2000)}`));
      else resolve({ seconds: (performance.now() - began) / 1000, stdout, stderr });
    });
  });
}

/**
 * CPU seconds (user + system) of this process's finished children, from
 * /proc/self/stat's cutime and cstime: a child's worker threads count, and
 * a child is counted once it has exited and been reaped (the CLI runs and
 * queue workers have, by the time their promise settles). Unlike wall time
 * it hardly depends on the machine's other load. Undefined off Linux.
 */
function childrenCpuSeconds() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[13]) + Number(fields[14]); // cutime, cstime (fields 16, 17)
    return ticks / 100; // USER_HZ, 100 on Linux
  } catch {
    return undefined;
  }
}

/** Runs `run` and returns its result with the CPU seconds its children used. */
async function withChildrenCpu(run) {
  const before = childrenCpuSeconds();
  const value = await run();
  const after = childrenCpuSeconds();
  return { value, cpuSeconds: before === undefined || after === undefined ? undefined : after - before };
}

/** Samples the 1-minute load average every 15 s until stopped: mean and max. */
function loadSampler() {
  const samples = [os.loadavg()[0]];
  const timer = setInterval(() => samples.push(os.loadavg()[0]), 15000);
  return () => {
    clearInterval(timer);
    samples.push(os.loadavg()[0]);
    return { mean: samples.reduce((a, b) => a + b, 0) / samples.length, max: Math.max(...samples) };
  };
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
  await cli(["queue", "submit", data, ...common, "--redis", redis, "--queue", queue, "--out", out]);
  const procs = Array.from({ length: workers }, () =>
    spawn(process.execPath, [CLI, "queue", "work", "--redis", redis, "--queue", queue, "--threads", "1", "--exit-when-empty"], { stdio: "ignore" }),
  );
  const codes = await Promise.all(procs.map((p) => new Promise((resolve) => p.on("exit", resolve))));
  if (codes.some((c) => c !== 0)) throw new Error(`a queue worker exited with ${codes.join(", ")}`);
  const status = JSON.parse((await cli(["queue", "status", "--redis", redis, "--queue", queue, "--out", out, "--json"])).stdout);
  return { seconds: (performance.now() - began) / 1000, completed: status.counts.completed, failed: status.counts.failed };
}

export async function benchMany({ quick = false, slices, allMarkets = [] } = {}) {
  const n = slices ?? (quick ? 4 : 6);
  for (const row of allMarkets) if (!["workers1", "workers2", "queue"].includes(row)) throw new Error(`--all-markets: ${row} is not workers1, workers2 or queue`);
  const sampler = { chains: 4, warmup: quick ? 300 : 1000, samples: quick ? 300 : 1000, seed: 3 };
  const dir = mkdtempSync(join(tmpdir(), "mmm-bench-many-"));
  const all = join(dir, "markets50.csv");
  const { header, lines } = writeMarkets(all);
  // The first n markets of the 50, as their own file.
  const names = [...new Set(lines.map((l) => l.split(",")[0]))].slice(0, n);
  const firstN = join(dir, `markets${n}.csv`);
  writeFileSync(firstN, [header.join(","), ...lines.filter((l) => names.includes(l.split(",")[0]))].join("\n") + "\n");
  const one = join(dir, "market1.csv");
  writeFileSync(one, [header.slice(1).join(","), ...lines.filter((l) => l.startsWith(`${names[0]},`)).map((l) => l.split(",").slice(1).join(","))].join("\n") + "\n");
  const columns = ["--target", "sales", "--media", header.slice(3, 3 + C).join(","), "--extra", header[3 + C], "--date", "week"];
  const samplerArgs = ["--chains", String(sampler.chains), "--warmup", String(sampler.warmup), "--samples", String(sampler.samples), "--seed", String(sampler.seed)];
  const common = ["--by", "market", ...columns, ...samplerArgs];
  const dataFor = (row) => (allMarkets.includes(row) ? { file: all, count: MARKETS } : { file: firstN, count: n });

  const rows = [];
  const result = { machine: machineInfo(), quick, sampler, markets: MARKETS, T, C, rows };
  const singleFit = async () => (await cli(["fit", one, ...columns, ...samplerArgs, "--no-report", "--out", join(dir, `single-${rows.length}`)])).seconds;
  // Each row's cost is against a single fit run just before it: in wall time
  // (which a shared machine's changing load distorts) and in CPU time (which
  // it hardly does: the figure to compare rows by on a busy machine).
  const measured = async (how, count, run) => {
    const single = rows.length === 0 ? undefined : await withChildrenCpu(singleFit);
    const stop = loadSampler();
    const { value: seconds, cpuSeconds } = await withChildrenCpu(run);
    const load = stop();
    const r = { how, slices: count, seconds, load };
    r.secondsPerSlice = seconds / count;
    r.singleFitSeconds = single?.value ?? r.secondsPerSlice;
    r.cpuSecondsPerSlice = cpuSeconds === undefined ? undefined : cpuSeconds / count;
    r.singleFitCpuSeconds = single === undefined ? r.cpuSecondsPerSlice : single.cpuSeconds;
    r.cpuVsSingleFit = r.cpuSecondsPerSlice === undefined || r.singleFitCpuSeconds === undefined ? undefined : r.cpuSecondsPerSlice / r.singleFitCpuSeconds;
    r.slicesPerHour = 3600 / r.secondsPerSlice;
    r.costVsSingleFit = r.secondsPerSlice / r.singleFitSeconds;
    r.hoursFor50 = (MARKETS * r.secondsPerSlice) / 3600;
    rows.push(r);
    console.log(JSON.stringify(r));
    report(result, n);
  };

  await measured("`mmm fit`, one market (chains over 2 threads)", 1, singleFit);
  // All-markets rows first: the longest runs, the ones a stopped run should not lose.
  const order = ["workers2", "workers1", "queue"].sort((a, b) => Number(allMarkets.includes(b)) - Number(allMarkets.includes(a)));
  for (const row of order) {
    const { file, count } = dataFor(row);
    if (row === "queue") {
      const redis = await redisForBench();
      if (!redis) {
        result.queueNote = " No Redis could be started here, so the queue row is missing.";
        report(result, n);
        continue;
      }
      try {
        await measured("queue: `queue submit` + 2 `queue work` processes (1 thread each), local Redis", count, async () => {
          const q = await queueRun(file, common, join(dir, "queue"), redis.url, 2);
          if (q.completed !== count) throw new Error(`queue: ${q.completed} of ${count} jobs completed, ${q.failed} failed`);
          return q.seconds;
        });
      } finally {
        redis.stop();
      }
      continue;
    }
    const workers = row === "workers1" ? 1 : 2;
    const how = workers === 1 ? "`fit-many --workers 1` (slices in series, chains over 2 threads)" : "`fit-many --workers 2` (one slice per core, chains in series)";
    await measured(how, count, async () => (await cli(["fit-many", file, ...common, "--workers", String(workers), "--out", join(dir, `many-${workers}`)])).seconds);
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** Writes bench/results/many.json and the table of the rows measured so far. */
function report(result, n) {
  const { rows, sampler } = result;
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/many.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const counts = [...new Set(rows.filter((r) => r.how.includes("slice") || r.how.includes("queue")).map((r) => r.slices))];
  const fitted = counts.length === 0 ? "" : counts.includes(MARKETS) && counts.length === 1 ? ` Every row fitted all ${MARKETS}.` : counts.includes(MARKETS) ? ` Rows with ${MARKETS} slices fitted them all; the others fitted the first ${n}, their rates extrapolating from them.` : ` The rows fitted the first ${n} and the rates extrapolate from them.`;
  const busy = rows.some((r) => r.load.mean > 2.5);
  const md = [
    `Many markets: one hill_adstock model per market, ${T} weeks x ${C} channels, ${sampler.chains} chains x (${sampler.warmup} warm-up + ${sampler.samples} draws), wall time through the CLI (process start, slicing, fitting, every slice's outputs, combined table and report). The data hold ${MARKETS} markets.${fitted} On ${machineLine(result.machine)}; the load column is the machine's 1-minute load average during the row, mean (max) of samples every 15 s${busy ? ": a shared machine, whose other work inflates the wall-clock figures and, as it varies within and between rows, their ratios too" : ""}. CPU seconds are those of the CLI processes (their worker threads included), which the load hardly changes: per slice against a single fit's, they say what running many slices costs beyond the fits themselves${result.quick ? "; quick run" : ""}.${result.queueNote ?? ""}`,
    "",
    "| how | slices | wall s | s per slice | slices per hour | wall per slice vs one `mmm fit` run just before the row | CPU s per slice | CPU per slice vs that fit's | all 50 markets, hours | load |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.how} | ${r.slices} | ${r.seconds.toFixed(1)} | ${r.secondsPerSlice.toFixed(1)} | ${r.slicesPerHour.toFixed(0)} | ${r.costVsSingleFit.toFixed(2)}x | ${r.cpuSecondsPerSlice?.toFixed(1) ?? "-"} | ${r.cpuVsSingleFit === undefined ? "-" : `${r.cpuVsSingleFit.toFixed(2)}x`} | ${r.hoursFor50.toFixed(2)} | ${r.load.mean.toFixed(1)} (${r.load.max.toFixed(1)}) |`,
    ),
  ].join("\n");
  publish("many", md);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const k = process.argv.indexOf("--slices");
  const allMarkets = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--all-markets" ? [a] : []));
  await benchMany({ quick: process.argv.includes("--quick"), allMarkets, ...(k > 0 ? { slices: Number(process.argv[k + 1]) } : {}) });
}
