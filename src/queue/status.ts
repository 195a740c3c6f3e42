// `mmm queue status`: the queue's counts and, once nothing is left to run,
// the combined table and report written into the shared output folder.

import { writeCombined, type CombineResult } from "../many/combine.js";
import { specHash } from "../many/sliceSpec.js";
import { loadQueueLibraries, pingRedis } from "./bullmq.js";
import type { QueueSettings, SliceJob } from "./jobs.js";

export interface QueueStatus {
  counts: Record<string, number>;
  /** Per job: slice, state, attempts made, progress (%), failure reason. */
  jobs: { slice: string; state: string; attempts: number; progress: number; reason?: string }[];
  /** Set when nothing is waiting, delayed or active: the combined outputs were written. */
  combined?: CombineResult & { out: string };
}

const STATES = ["waiting", "active", "delayed", "prioritized", "completed", "failed"] as const;

export async function queueStatus(o: QueueSettings & { out?: string; combine: boolean }): Promise<QueueStatus> {
  const { bullmq, connect } = await loadQueueLibraries();
  const connection = connect(o.redis);
  await pingRedis(connection, o.redis);
  const queue = new bullmq.Queue<SliceJob>(o.queue, { connection });
  try {
    const counts = await queue.getJobCounts(...STATES);
    const jobs: QueueStatus["jobs"] = [];
    const data: SliceJob[] = [];
    for (const state of STATES) {
      for (const job of await queue.getJobs(state, 0, -1, true)) {
        if (!job?.data?.slice) continue;
        data.push(job.data);
        jobs.push({
          slice: job.data.slice.id,
          state,
          attempts: job.attemptsMade,
          progress: typeof job.progress === "number" ? job.progress : 0,
          ...(job.failedReason ? { reason: job.failedReason } : {}),
        });
      }
    }
    const pending = counts.waiting + counts.active + counts.delayed + counts.prioritized;
    const status: QueueStatus = { counts, jobs };
    if (o.combine && pending === 0 && data.length > 0) {
      const first = data[0];
      const out = o.out ?? first.out;
      const optionsHash = specHash(first.spec);
      // Jobs of one submission share options; a resubmission with other options is gathered on its own.
      const slices = data.filter((d) => specHash(d.spec) === optionsHash).map((d) => d.slice);
      status.combined = { ...writeCombined(out, slices, { by: first.by, optionsHash, spec: first.spec, title: `Many markets (queue ${o.queue})` }), out };
    }
    return status;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
