// The job queue end to end against a real Redis (started by .ci/run; set
// MMM_TEST_REDIS_URL to use another): three worker processes, one killed
// with SIGKILL in the middle of a fit; its job is taken over after the lock
// expires (BullMQ's stalled-job check) and every slice ends with exactly one
// result.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isComplete } from "../../src/many/sliceRecord.js";

const REDIS = process.env.MMM_TEST_REDIS_URL ?? "redis://127.0.0.1:6390";
const CLI = join(process.cwd(), "bin", "mmm.js");
const EXAMPLE = join(process.cwd(), "examples", "markets_weekly.csv");

/** True when something at the URL answers PING with PONG. */
function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write(u.password ? `AUTH ${decodeURIComponent(u.password)}\r\nPING\r\n` : "PING\r\n"));
    socket.on("data", (b) => {
      if (b.toString().includes("PONG")) done(true);
    });
  });
}

const reachable = await redisAnswers(REDIS);
if (!reachable) console.warn(`queue tests skipped: no Redis answers at ${REDIS} (.ci/run starts one; or set MMM_TEST_REDIS_URL)`);

function worker(queue: string, log: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    [CLI, "queue", "work", "--redis", REDIS, "--queue", queue, "--threads", "1", "--lock-duration", "3000", "--stalled-interval", "500", "--exit-when-empty"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (b: Buffer) => log.push(...b.toString().trim().split("\n")));
  child.stderr!.on("data", (b: Buffer) => log.push(...b.toString().trim().split("\n")));
  return child;
}

const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.exitCode) : c.on("exit", (code) => resolve(code))));

describe.skipIf(!reachable)("mmm queue (BullMQ on Redis)", () => {
  it("survives a worker killed mid-fit: every slice ends with exactly one result", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-queue-"));
    const data = join(dir, "markets.csv");
    const [header, ...lines] = readFileSync(EXAMPLE, "utf8").trim().split("\n");
    writeFileSync(data, [header, ...lines.filter((l) => /^(north|south|east),/.test(l))].join("\n") + "\n");
    const out = join(dir, "out");
    const queue = `test-${process.pid}-${Date.now()}`;
    const submit = spawnSync(
      process.execPath,
      [CLI, "queue", "submit", data, "--by", "market", "--target", "sales", "--media", "tv,search,social", "--extra", "price_index", "--date", "week",
        "--chains", "2", "--warmup", "100", "--samples", "100", "--redis", REDIS, "--queue", queue, "--out", out],
      { encoding: "utf8" },
    );
    expect(submit.stderr).toBe("");
    expect(submit.stdout).toMatch(/3 job\(s\) added/);
    // Submitting again adds nothing: one job per slice.
    const again = spawnSync(process.execPath, [CLI, "queue", "submit", data, "--by", "market", "--target", "sales", "--media", "tv,search,social", "--extra", "price_index", "--date", "week",
      "--chains", "2", "--warmup", "100", "--samples", "100", "--redis", REDIS, "--queue", queue, "--out", out], { encoding: "utf8" });
    expect(again.stdout).toMatch(/0 job\(s\) added, 3 already there/);

    const logs: string[][] = [[], [], []];
    const workers = logs.map((log) => worker(queue, log));
    // The first worker to start a fit is killed in the middle of it.
    const victim = await new Promise<number>((resolve) => {
      const timer = setInterval(() => {
        const i = logs.findIndex((l) => l.some((line) => line.startsWith("started ")));
        if (i >= 0) {
          clearInterval(timer);
          workers[i].kill("SIGKILL");
          resolve(i);
        }
      }, 20);
    });
    const killedSlice = /^started (\S+)/.exec(logs[victim].find((l) => l.startsWith("started "))!)![1];
    const killedPid = workers[victim].pid;
    const codes = await Promise.all(workers.map(exited));
    codes.forEach((c, i) => {
      if (i !== victim) expect(c, logs[i].join("\n")).toBe(0);
    });
    expect(logs[victim].some((l) => l.startsWith("finished"))).toBe(false);

    const status = spawnSync(process.execPath, [CLI, "queue", "status", "--redis", REDIS, "--queue", queue, "--json"], { encoding: "utf8" });
    expect(status.status).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s.counts.completed).toBe(3);
    expect(s.counts.failed).toBe(0);
    expect(s.combined.ok).toBe(3);

    // Exactly one result folder per slice, each complete; the killed worker's slice was fitted by another process.
    const folders = readdirSync(join(out, "slices")).filter((n) => !n.startsWith("."));
    expect(folders.sort()).toEqual(["market=east", "market=north", "market=south"]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    for (const sl of manifest.slices) expect(isComplete(out, sl.id, sl.data_sha256, manifest.options_sha256)).toBe(true);
    const rescued = JSON.parse(readFileSync(join(out, "slices", killedSlice, "slice.json"), "utf8"));
    expect(rescued.worker.endsWith(`:${killedPid}`)).toBe(false);
    // One published result per slice. (Under heavy load a live worker can miss renewing its lock and
    // its job be run again; the second fit then finds the first's result and drops its own.)
    const published = logs.flat().filter((l) => /^finished \S+: ok$/.test(l)).map((l) => l.split(" ")[1].replace(/:$/, ""));
    expect(published.sort(), logs.map((l) => l.join("\n")).join("\n---\n")).toEqual(["market=east", "market=north", "market=south"]);
    const csv = readFileSync(join(out, "combined.csv"), "utf8").trim().split("\n");
    expect(csv.filter((l) => l.includes(",ok,"))).toHaveLength(9);
  }, 5 * 60_000);
});
