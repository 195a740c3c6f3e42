// `mmm queue submit|work|status`: the slices of `fit-many` as BullMQ jobs on
// Redis, fitted by workers on any number of machines.

import type { Command } from "commander";
import { DEFAULT_QUEUE, InputError, queueStatus, runWorker, submitSlices } from "../index.js";
import { parseInteger } from "./options.js";
import { addSliceOptions, readSlices, type SliceCliOptions } from "./sliceOptions.js";

const DEFAULT_REDIS = "redis://127.0.0.1:6379";
const redisOption = ["--redis <url>", "Redis URL (default: $MMM_REDIS_URL or redis://127.0.0.1:6379)"] as const;
const queueOption = ["--queue <name>", "queue name (one per run)", DEFAULT_QUEUE] as const;
const redisUrl = (o: { redis?: string }) => o.redis ?? process.env.MMM_REDIS_URL ?? DEFAULT_REDIS;

export function registerQueue(program: Command): void {
  const queue = program.command("queue").description("fit the slices of a long-format file through a job queue on Redis (BullMQ), with workers on any number of machines");
  registerSubmit(queue);
  registerWork(queue);
  registerStatus(queue);
}

function registerSubmit(queue: Command): void {
  const cmd = queue.command("submit").description("enqueue one job per slice (same options as fit-many); results land in --out, which every worker must reach");
  addSliceOptions(cmd)
    .option(...redisOption)
    .option(...queueOption)
    .option("--attempts <n>", "tries per job before it fails (bad data is never retried)", "3")
    .option("--backoff <ms>", "first retry delay in milliseconds, doubling with each retry", "10000")
    .action(async (data: string, o: SliceCliOptions & { redis?: string; queue: string; attempts: string; backoff: string }) => {
      const { slices, spec, by } = readSlices(data, o);
      const r = await submitSlices(slices, spec, {
        redis: redisUrl(o),
        queue: o.queue,
        out: o.out!,
        by,
        attempts: parseInteger(o.attempts, "--attempts", 1),
        backoffMs: parseInteger(o.backoff, "--backoff", 0),
      });
      process.stdout.write(`queue ${o.queue}: ${r.added} job(s) added, ${r.existing} already there; results go to ${o.out}\n`);
    });
}

interface WorkCliOptions {
  redis?: string;
  queue: string;
  out?: string;
  concurrency: string;
  threads?: string;
  lockDuration: string;
  stalledInterval: string;
  maxStalled: string;
  exitWhenEmpty?: boolean;
}

function registerWork(queue: Command): void {
  queue
    .command("work")
    .description("fit slices from the queue until stopped (Ctrl-C finishes the running jobs first)")
    .option(...redisOption)
    .option(...queueOption)
    .option("--out <dir>", "the shared output folder as mounted on this machine (default: the path given at submit)")
    .option("--concurrency <n>", "jobs fitted at once by this worker", "1")
    .option("--threads <n>", "worker threads per job (default: cores / concurrency)")
    .option("--lock-duration <ms>", "job lock in milliseconds: a dead worker's job is taken over after about this long", "30000")
    .option("--stalled-interval <ms>", "how often to look for stalled jobs, in milliseconds", "30000")
    .option("--max-stalled <n>", "times a job may stall (its worker died) before it is failed", "2")
    .option("--exit-when-empty", "exit once no job is waiting, delayed or running")
    .action(async (o: WorkCliOptions) => {
      const abort = new AbortController();
      const onSignal = () => {
        process.stderr.write("stopping: finishing the running job(s)\n");
        abort.abort();
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      const r = await runWorker({
        redis: redisUrl(o),
        queue: o.queue,
        ...(o.out !== undefined ? { out: o.out } : {}),
        concurrency: parseInteger(o.concurrency, "--concurrency", 1),
        ...(o.threads !== undefined ? { threads: parseInteger(o.threads, "--threads", 1) } : {}),
        lockDurationMs: parseInteger(o.lockDuration, "--lock-duration", 1000),
        stalledIntervalMs: parseInteger(o.stalledInterval, "--stalled-interval", 100),
        maxStalledCount: parseInteger(o.maxStalled, "--max-stalled", 0),
        exitWhenEmpty: o.exitWhenEmpty === true,
        signal: abort.signal,
        onEvent: (e) => {
          if (e.type === "started") process.stdout.write(`started ${e.slice} (job ${e.jobId}, attempt ${e.attempt}) pid ${process.pid}\n`);
          else {
            const oc = e.outcome!;
            const what =
              oc.status === "failed"
                ? `FAILED (${oc.kind}): ${oc.reason}`
                : oc.status === "kept"
                  ? "already complete, kept"
                  : oc.status === "ok" && oc.duplicate
                    ? "ok, but another worker had published it first: this result was dropped"
                    : oc.status;
            process.stdout.write(`finished ${e.slice}: ${what}\n`);
          }
        },
      });
      process.stdout.write(`worker ${process.pid}: ${r.processed} job(s) processed\n`);
    });
}

function registerStatus(queue: Command): void {
  queue
    .command("status")
    .description("show the queue's progress; once every job has finished, write manifest.json, combined.csv and report.html into the output folder")
    .option(...redisOption)
    .option(...queueOption)
    .option("--out <dir>", "the shared output folder as mounted here (default: the path given at submit)")
    .option("--no-combine", "only show the counts")
    .option("--json", "print the status as JSON")
    .action(async (o: { redis?: string; queue: string; out?: string; combine: boolean; json?: boolean }) => {
      const s = await queueStatus({ redis: redisUrl(o), queue: o.queue, ...(o.out !== undefined ? { out: o.out } : {}), combine: o.combine });
      if (o.json) {
        process.stdout.write(JSON.stringify(s, null, 2) + "\n");
        return;
      }
      const c = s.counts;
      process.stdout.write(
        `queue ${o.queue}: ${c.completed} completed, ${c.failed} failed, ${c.active} running, ${c.waiting + c.prioritized} waiting, ${c.delayed} waiting to retry\n`,
      );
      for (const j of s.jobs.filter((j) => j.state === "active")) process.stdout.write(`  running ${j.slice}: ${j.progress}% (attempt ${j.attempts + 1})\n`);
      for (const j of s.jobs.filter((j) => j.state === "failed")) process.stdout.write(`  failed ${j.slice}: ${j.reason ?? ""}\n`);
      if (s.combined) {
        const k = s.combined;
        process.stdout.write(`all jobs finished: ${k.ok} fitted, ${k.failed} failed, ${k.missing} without results; wrote ${k.files.map((f) => `${k.out}/${f}`).join(", ")}\n`);
      }
      if (s.jobs.length === 0) throw new InputError(`queue ${o.queue} has no jobs (submit with: mmm queue submit ... --queue ${o.queue})`);
    });
}
