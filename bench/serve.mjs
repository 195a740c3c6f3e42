// `mmm serve` against the engine in-process: the round trip of a small
// request (stdio and HTTP), log-density + gradient throughput through the
// pipe at batch sizes 1, 100 and 10,000 (base64 float64 batches) against
// the same density called in-process, and the overhead of a fit through the
// server against the same fit in-process. Writes bench/results/serve.json
// and the table in docs/serve.md (between the bench:serve markers).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import {
  datasetFromTable,
  fitMMM,
  fitScalers,
  makeStructure,
  mediaPriorFromCosts,
  MmmDensity,
  ParameterLayout,
  parseCsv,
  scaleRows,
  totalSpend,
} from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const CLI = fileURLToPath(new URL("../bin/mmm.js", import.meta.url));
const CSV = fileURLToPath(new URL("../examples/weekly_sales.csv", import.meta.url));
const DATA = { target: "sales", media: ["tv", "search", "social", "radio", "display"], extra: ["price_index", "competitor_promo"], date: "week" };
const DOC = new URL("../docs/serve.md", import.meta.url);

/** A minimal protocol client over the server's stdio. */
function startStdio() {
  const child = spawn(process.execPath, [CLI, "serve"], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = new Map();
  // Chunks are kept until a newline arrives: each byte is scanned once (a 3 MB answer comes in ~50 chunks).
  let parts = [];
  let readyResolve;
  const ready = new Promise((r) => (readyResolve = r));
  child.stdout.on("data", (chunk) => {
    let start = 0;
    let nl;
    while ((nl = chunk.indexOf(10, start)) >= 0) {
      parts.push(chunk.subarray(start, nl));
      const m = JSON.parse(Buffer.concat(parts).toString("utf8"));
      parts = [];
      start = nl + 1;
      if (m.event === "ready") readyResolve(m);
      else if (!m.event) waiting.get(m.id)?.(m);
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  });
  let next = 1;
  const call = (method, params) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, (m) => {
        waiting.delete(id);
        m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result);
      });
      child.stdin.write(JSON.stringify({ id, method, params }) + "\n");
    });
  return { child, ready, call, stop: () => new Promise((r) => (child.on("exit", r), child.stdin.end())) };
}

function startHttp() {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const ready = new Promise((resolve) => {
    let text = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (s) => {
      text += s;
      if (text.includes("\n")) resolve(JSON.parse(text.slice(0, text.indexOf("\n"))));
    });
  });
  return { child, ready };
}

const encode = (values, shape) => ({ dtype: "float64", shape, data: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64") });
function decode(e) {
  const b = Buffer.from(e.data, "base64");
  const out = new Float64Array(b.length / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** Repeats fn (async) until `seconds` have passed (at least `min` times); returns seconds per call. */
async function timePerCall(fn, seconds, min = 3) {
  await fn();
  let n = 0;
  const start = performance.now();
  while (n < min || performance.now() - start < seconds * 1000) {
    await fn();
    n++;
  }
  return (performance.now() - start) / 1000 / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchServe({ quick = false } = {}) {
  const dataset = datasetFromTable(parseCsv(readFileSync(CSV, "utf8"), CSV), DATA);
  const layout = new ParameterLayout(makeStructure({ nChannels: 5, nExtra: 2, mediaPrior: mediaPriorFromCosts(totalSpend(dataset), 0.15) }));
  const local = new MmmDensity(layout, scaleRows(dataset, fitScalers(dataset, dataset.T)));
  const dim = layout.dim;
  const span = quick ? 0.5 : 2;

  const stdio = startStdio();
  await stdio.ready;
  const { data } = await stdio.call("load_data", { csv: CSV, ...DATA });
  const { density } = await stdio.call("create_density", { data });

  // Round trip of a small request.
  const roundTrip = { stdio: await timePerCall(() => stdio.call("hello"), span, 50) };
  const http = startHttp();
  const info = await http.ready;
  const headers = { authorization: `Bearer ${info.token}`, "content-type": "application/json" };
  roundTrip.http = await timePerCall(async () => (await fetch(info.url, { method: "POST", headers, body: '{"id":1,"method":"hello"}' })).text(), span, 50);
  http.child.kill();

  // Log-density + gradient: in-process against through the pipe, same points,
  // alternated call by call so that other load on the machine hits both alike.
  const throughput = [];
  for (const batch of [1, 100, 10_000]) {
    const points = Float64Array.from({ length: batch * dim }, (_, i) => Math.sin(i * 12.9898) * 0.8);
    const inProcessCall = async () => {
      const lp = new Float64Array(batch);
      const grad = new Float64Array(batch * dim);
      for (let i = 0; i < batch; i++) lp[i] = local.logpGrad(points.subarray(i * dim, (i + 1) * dim), grad.subarray(i * dim, (i + 1) * dim));
      return grad;
    };
    const pipeCall = async () => decode((await stdio.call("log_density", { density, points: encode(points, [batch, dim]) })).gradient);
    const [a, b] = [await inProcessCall(), await pipeCall()];
    if (a.some((v, i) => v !== b[i])) throw new Error("the server's gradients differ from the in-process ones");
    // Each round times enough calls to fill about 50 ms, in-process then through the pipe.
    const perRound = Math.max(1, Math.round(0.05 / (batch * 2e-5)));
    const rounds = [];
    const started = performance.now();
    while (rounds.length < 5 || performance.now() - started < span * 1000) {
      let t = performance.now();
      for (let k = 0; k < perRound; k++) await inProcessCall();
      const inProcess = (performance.now() - t) / perRound;
      t = performance.now();
      for (let k = 0; k < perRound; k++) await pipeCall();
      const piped = (performance.now() - t) / perRound;
      rounds.push({ inProcess, piped });
    }
    const inProcessMs = median(rounds.map((r) => r.inProcess));
    const pipeMs = median(rounds.map((r) => r.piped));
    throughput.push({ batch, rounds: rounds.length, inProcessPerSecond: (batch * 1000) / inProcessMs, pipePerSecond: (batch * 1000) / pipeMs, ratio: median(rounds.map((r) => r.piped / r.inProcess)) });
  }

  // A fit through the server against the same fit in-process (same seed and settings).
  const sampler = { chains: 2, warmup: quick ? 100 : 300, samples: quick ? 100 : 300, seed: 1 };
  const reps = quick ? 1 : 3;
  const fitInProcess = [];
  const fitServer = [];
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    await fitMMM(dataset, { sampler });
    fitInProcess.push((performance.now() - t) / 1000);
    t = performance.now();
    const fit = await stdio.call("fit", { data, ...sampler });
    fitServer.push((performance.now() - t) / 1000);
    await stdio.call("free", { id: fit.model });
  }
  await stdio.stop();

  const result = { machine: machineInfo(), loadAverage: loadavg()[0], quick, dim, roundTripSeconds: roundTrip, throughput, fit: { sampler, inProcessSeconds: fitInProcess, serverSeconds: fitServer } };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/serve.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const md = [
    `\`mmm serve\` on ${machineLine(result.machine)}${quick ? " (quick run)" : ""}, load average ${result.loadAverage.toFixed(1)} at the end (other work on the machine inflates every figure); the bundled example's density (dim ${dim}).`,
    "",
    `Round trip of a small request (\`hello\`): ${(roundTrip.stdio * 1e6).toFixed(0)} µs over stdio, ${(roundTrip.http * 1e6).toFixed(0)} µs over HTTP (keep-alive).`,
    "",
    "| log-density + gradient, batch | in-process (points/s) | through the pipe, base64 batches (points/s) | pipe time / in-process time (median of alternated rounds) |",
    "| --- | --- | --- | --- |",
    ...throughput.map((t) => `| ${t.batch} | ${fmt(t.inProcessPerSecond)} | ${fmt(t.pipePerSecond)} | ${t.ratio.toFixed(2)}x |`),
    "",
    `A fit (${sampler.chains} chains x ${sampler.warmup}+${sampler.samples}, seed ${sampler.seed}; median of ${reps}): ${median(fitInProcess).toFixed(2)} s in-process, ${median(fitServer).toFixed(2)} s through the server (${((median(fitServer) / median(fitInProcess) - 1) * 100).toFixed(0)}% overhead).`,
  ].join("\n");
  publish("serve", md, { inTopReadme: false });
  if (existsSync(DOC)) {
    const doc = readFileSync(DOC, "utf8");
    const [start, end] = ["<!-- bench:serve:start -->", "<!-- bench:serve:end -->"];
    const i = doc.indexOf(start);
    const j = doc.indexOf(end);
    if (i >= 0 && j > i) writeFileSync(DOC, doc.slice(0, i + start.length) + "\n" + md + "\n" + doc.slice(j));
  }
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchServe({ quick: process.argv.includes("--quick") });
}
