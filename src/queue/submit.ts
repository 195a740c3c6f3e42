// `mmm queue submit`: one job per slice, retried with exponential backoff.

import type { SliceData } from "../many/slices.js";
import type { SliceSpec } from "../many/sliceSpec.js";
import { loadQueueLibraries, pingRedis } from "./bullmq.js";
import { JOB_NAME, jobId, type QueueSettings, type SliceJob } from "./jobs.js";

export interface SubmitOptions extends QueueSettings {
  out: string;
  by: string[];
  /** Tries per job before it is failed (input errors are never retried). */
  attempts: number;
  /** First retry delay in ms; doubles with each retry. */
  backoffMs: number;
}

export async function submitSlices(slices: SliceData[], spec: SliceSpec, o: SubmitOptions): Promise<{ added: number; existing: number }> {
  const { bullmq, connect } = await loadQueueLibraries();
  const connection = connect(o.redis);
  await pingRedis(connection, o.redis);
  const queue = new bullmq.Queue<SliceJob>(o.queue, { connection });
  try {
    let existing = 0;
    const jobs = [];
    for (const slice of slices) {
      const id = jobId(slice, spec);
      if (await queue.getJob(id)) {
        existing++;
        continue;
      }
      jobs.push({
        name: JOB_NAME,
        data: { slice, spec, by: o.by, out: o.out },
        opts: {
          jobId: id,
          attempts: o.attempts,
          backoff: { type: "exponential", delay: o.backoffMs },
          // Keep finished jobs: `queue status` reads them to gather the run.
          removeOnComplete: false,
          removeOnFail: false,
        },
      });
    }
    if (jobs.length) await queue.addBulk(jobs);
    return { added: jobs.length, existing };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
