// `mmm queue work`: a BullMQ worker that fits slices. Chains run in worker
// threads, so this thread stays free to renew the job's lock; if the process
// dies, the lock expires, BullMQ's stalled-job check puts the job back, and
// another worker fits it. Results land in the shared folder through the same
// atomic publish as `fit-many`, so each slice ends with one result.

import { availableParallelism } from "node:os";
import { fitSlice, type SliceOutcome } from "../many/fitSlice.js";
import { isComplete } from "../many/sliceRecord.js";
import { sliceDataHash } from "../many/slices.js";
import { specHash } from "../many/sliceSpec.js";
import { loadQueueLibraries, pingRedis } from "./bullmq.js";
import type { QueueSettings, SliceJob } from "./jobs.js";

export interface WorkOptions extends QueueSettings {
  /** The shared output folder on this machine (default: the submitter's path in each job). */
  out?: string;
  /** Jobs fitted at once by this process. */
  concurrency: number;
  /** Worker threads per job (default: cores / concurrency, at least 1; never 0, which would block lock renewal). */
  threads?: number;
  /** How long a job's lock lasts without renewal (ms): a dead worker's job is taken over after about this long. */
  lockDurationMs: number;
  /** How often stalled jobs are looked for (ms). */
  stalledIntervalMs: number;
  /** Times a job may stall before it is failed. */
  maxStalledCount: number;
  /** Exit once no job is waiting, delayed or active. */
  exitWhenEmpty: boolean;
  onEvent?(e: { type: "started" | "finished"; jobId: string; slice: string; attempt: number; outcome?: SliceOutcome | { status: "kept" } }): void;
  signal?: AbortSignal;
}

export async function runWorker(o: WorkOptions): Promise<{ processed: number }> {
  const { bullmq, connect } = await loadQueueLibraries();
  const connection = connect(o.redis);
  await pingRedis(connection, o.redis);
  const threads = Math.max(1, o.threads ?? Math.floor(availableParallelism() / o.concurrency));
  let processed = 0;
  const worker = new bullmq.Worker<SliceJob>(
    o.queue,
    async (job) => {
      const { slice, spec } = job.data;
      const out = o.out ?? job.data.out;
      const attempt = job.attemptsMade + 1;
      o.onEvent?.({ type: "started", jobId: job.id ?? "", slice: slice.id, attempt });
      // A job taken over from a worker that died after publishing is already done.
      if (isComplete(out, slice.id, sliceDataHash(slice), specHash(spec))) {
        o.onEvent?.({ type: "finished", jobId: job.id ?? "", slice: slice.id, attempt, outcome: { status: "kept" } });
        return { status: "ok", kept: true };
      }
      const outcome = await fitSlice(slice, spec, out, {
        threads,
        command: "queue",
        onProgress: (f) => void job.updateProgress(Math.round(100 * f)).catch(() => undefined),
      });
      processed++;
      o.onEvent?.({ type: "finished", jobId: job.id ?? "", slice: slice.id, attempt, outcome });
      if (outcome.status === "failed") {
        // Bad data, and chains that did not agree (the same seed would disagree again), fail at once;
        // anything else (a worker that crashed, a bug) is retried with backoff.
        if (outcome.kind === "input" || outcome.kind === "not_converged") throw new bullmq.UnrecoverableError(outcome.reason);
        throw new Error(outcome.reason);
      }
      if (outcome.status === "interrupted") throw new Error("interrupted");
      return { status: outcome.status, converged: outcome.converged, seconds: outcome.seconds, duplicate: outcome.duplicate };
    },
    {
      connection,
      concurrency: o.concurrency,
      lockDuration: o.lockDurationMs,
      stalledInterval: o.stalledIntervalMs,
      maxStalledCount: o.maxStalledCount,
      autorun: true,
    },
  );
  worker.on("error", (e) => process.stderr.write(`queue worker: ${e.message}\n`));
  const stop = new Promise<void>((resolve) => {
    o.signal?.addEventListener("abort", () => resolve(), { once: true });
    if (!o.exitWhenEmpty) return;
    const probe = new bullmq.Queue(o.queue, { connection });
    const timer = setInterval(async () => {
      const c = await probe.getJobCounts("waiting", "active", "delayed", "prioritized");
      if (Object.values(c).every((n) => n === 0)) {
        clearInterval(timer);
        await probe.close();
        resolve();
      }
    }, 1000);
  });
  await stop;
  await worker.close();
  connection.disconnect();
  return { processed };
}
