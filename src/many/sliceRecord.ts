// Where a many-model run keeps each slice's outcome, and how to tell a
// complete one: slices/<id>/slice.json lists every output file with its
// SHA-256 and the hashes of the data and options it was fitted with;
// failed/<id>.json says why a slice failed.

import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileWhole } from "../io/outputFolder.js";
import { sha256 } from "../io/hash.js";
import { jsonText, type RunRecord } from "../runs/runRecord.js";
import type { FailureKind } from "../errors.js";

export const SLICE_FILE = "slice.json";

export interface SliceRecord {
  id: string;
  key: Record<string, string>;
  status: "ok";
  data_sha256: string;
  options_sha256: string;
  converged: boolean;
  convergence_issues: string[];
  seconds: number;
  /** Who fitted it (host and process), for runs spread over machines. */
  worker: string;
  finished: string;
  /** Output file -> SHA-256 of its bytes (slice.json itself excluded). */
  files: Record<string, string>;
}

export interface FailureRecord {
  id: string;
  key: Record<string, string>;
  status: "failed";
  /**
   * "input": the slice's data or the options are at fault; "not_converged": lockstep chains that did
   * not agree (neither is retried: the same data and seed fail the same way); "sampler": a chain or
   * its worker thread failed; "internal": anything else.
   */
  kind: FailureKind;
  reason: string;
  data_sha256: string;
  options_sha256: string;
  worker: string;
  finished: string;
}

export const sliceDir = (out: string, id: string) => join(out, "slices", id);
export const failureFile = (out: string, id: string) => join(out, "failed", `${id}.json`);

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

export function readSliceRecord(out: string, id: string): SliceRecord | undefined {
  const r = readJson<SliceRecord>(join(sliceDir(out, id), SLICE_FILE));
  return r && r.status === "ok" && r.id === id ? r : undefined;
}

export function readFailure(out: string, id: string): FailureRecord | undefined {
  return readJson<FailureRecord>(failureFile(out, id));
}

export function fileHashes(dir: string, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, sha256(readFileSync(join(dir, n)))]));
}

/**
 * A slice is complete when its record matches these data and options and
 * every file it lists is there with the same bytes.
 */
export function isComplete(out: string, id: string, dataHash: string, optionsHash: string): boolean {
  const r = readSliceRecord(out, id);
  if (!r || r.data_sha256 !== dataHash || r.options_sha256 !== optionsHash) return false;
  const dir = sliceDir(out, id);
  return Object.entries(r.files).every(([name, hash]) => existsSync(join(dir, name)) && sha256(readFileSync(join(dir, name))) === hash);
}

export function writeFailure(out: string, f: FailureRecord): void {
  writeFileWhole(failureFile(out, f.id), jsonText(f));
}

export function clearFailure(out: string, id: string): void {
  rmSync(failureFile(out, id), { force: true });
}

/** A slice's stored outcome, judged against the data and options of this run. */
export interface SliceSummary {
  id: string;
  key: Record<string, string>;
  status: "ok" | "failed" | "missing" | "stale";
  record?: SliceRecord;
  run?: RunRecord;
  failure?: FailureRecord;
}
