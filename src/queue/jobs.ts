// One BullMQ job per slice. Its data carries the slice's rows and the shared
// options, so a worker on another machine needs only Redis and the shared
// output folder, not the input file.

import type { SliceData } from "../many/slices.js";
import { sliceDataHash } from "../many/slices.js";
import { specHash, type SliceSpec } from "../many/sliceSpec.js";

export const JOB_NAME = "fit-slice";
export const DEFAULT_QUEUE = "mmm";

export interface SliceJob {
  slice: SliceData;
  spec: SliceSpec;
  by: string[];
  /** The shared output folder as the submitter sees it (a worker may mount it elsewhere: `queue work --out`). */
  out: string;
}

/**
 * The job id: the slice and a hash of its data and options. Submitting the
 * same slice twice adds nothing (BullMQ keeps one job per id); changed data
 * or options make a new job.
 */
export function jobId(slice: SliceData, spec: SliceSpec): string {
  return `${slice.id}.${sliceDataHash(slice).slice(0, 10)}${specHash(spec).slice(0, 10)}`.replace(/:/g, "_");
}

export interface QueueSettings {
  redis: string;
  queue: string;
}
