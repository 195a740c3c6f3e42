// Fits one model per slice on the local cores. Each slice's chains run in
// worker threads (so this thread only schedules); `workers` slices run at
// once, each with `threads` threads. Finished slices are published as they
// finish; at the end the manifest, combined table and report are written.

import { availableParallelism } from "node:os";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { TMP_PREFIX } from "./atomic.js";
import { writeCombined, type CombineResult } from "./combine.js";
import { fitSlice, type SliceOutcome } from "./fitSlice.js";
import { isComplete } from "./sliceRecord.js";
import { sliceDataHash, type SliceData } from "./slices.js";
import { specHash, type SliceSpec } from "./sliceSpec.js";

export interface ManyProgress {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  running: string[];
  /** Estimated seconds left (NaN until one slice has finished). */
  secondsLeft: number;
}

export type ManyEvent =
  | { type: "skipped"; id: string; progress: ManyProgress }
  | { type: "started"; id: string; progress: ManyProgress }
  | { type: "finished"; outcome: SliceOutcome; progress: ManyProgress };

export interface FitManyOptions {
  out: string;
  /** Slices fitted at once (default: the number of cores). */
  workers?: number;
  /** Worker threads per slice (default: cores / workers, at least 1). */
  threads?: number;
  /** Skip slices whose outputs are complete for the same data and options. */
  resume?: boolean;
  by: string[];
  signal?: AbortSignal;
  onEvent?(e: ManyEvent): void;
  command?: string;
}

export interface FitManyResult {
  outcomes: SliceOutcome[];
  skipped: string[];
  combined: CombineResult;
  wallSeconds: number;
  workers: number;
  threads: number;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/** Removes temporary folders left by an earlier run that was killed (this run owns the folder). */
function clearStaleTemporaries(out: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(join(out, "slices"));
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(TMP_PREFIX)) rmSync(join(out, "slices", n), { recursive: true, force: true });
}

export async function fitMany(slices: SliceData[], spec: SliceSpec, o: FitManyOptions): Promise<FitManyResult> {
  const began = performance.now();
  const cores = availableParallelism();
  const workers = Math.max(1, Math.min(o.workers ?? defaultWorkers(), slices.length || 1));
  const threads = o.threads ?? Math.max(1, Math.floor(cores / workers));
  const optionsHash = specHash(spec);
  clearStaleTemporaries(o.out);

  const skipped: string[] = [];
  const todo: SliceData[] = [];
  for (const s of slices) {
    if (o.resume && isComplete(o.out, s.id, sliceDataHash(s), optionsHash)) skipped.push(s.id);
    else todo.push(s);
  }
  const outcomes: SliceOutcome[] = [];
  const running = new Map<string, number>();
  const fitSeconds: number[] = [];
  const progress = (): ManyProgress => {
    const mean = fitSeconds.length ? fitSeconds.reduce((a, b) => a + b, 0) / fitSeconds.length : NaN;
    let left = todo.length - outcomes.length;
    for (const f of running.values()) left -= f;
    return {
      total: slices.length,
      done: outcomes.filter((x) => x.status === "ok").length,
      failed: outcomes.filter((x) => x.status === "failed").length,
      skipped: skipped.length,
      running: [...running.keys()],
      secondsLeft: (mean * Math.max(0, left)) / workers,
    };
  };
  for (const id of skipped) o.onEvent?.({ type: "skipped", id, progress: progress() });

  let next = 0;
  const runner = async () => {
    while (next < todo.length && !o.signal?.aborted) {
      const s = todo[next++];
      running.set(s.id, 0);
      o.onEvent?.({ type: "started", id: s.id, progress: progress() });
      const outcome = await fitSlice(s, spec, o.out, {
        threads,
        command: o.command ?? "fit-many",
        ...(o.signal ? { signal: o.signal } : {}),
        onProgress: (f) => running.set(s.id, f),
      });
      running.delete(s.id);
      if (outcome.status === "interrupted") break;
      outcomes.push(outcome);
      if (outcome.status === "ok") fitSeconds.push(outcome.seconds);
      o.onEvent?.({ type: "finished", outcome, progress: progress() });
    }
  };
  await Promise.all(Array.from({ length: workers }, runner));
  const combined = writeCombined(o.out, slices, { by: o.by, optionsHash, spec });
  return { outcomes, skipped, combined, wallSeconds: (performance.now() - began) / 1000, workers, threads };
}
