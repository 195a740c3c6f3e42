// Fits one slice and publishes its outputs: the same files as `mmm fit`,
// plus run.json and slice.json, written into a temporary folder and renamed
// into place, so a slice's folder is complete or absent. Failures are
// recorded (failed/<id>.json) and returned, never thrown: one slice's bad
// data must not stop the others.

import { mkdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fitMMM } from "../api/fitMMM.js";
import { failureKind, type FailureKind } from "../errors.js";
import { parseCsv } from "../io/csv.js";
import { writeFitOutputs } from "../io/fitOutputs.js";
import { splitRows } from "../model/dataset.js";
import { datasetFromTable } from "../io/datasetTable.js";
import { writeReport } from "../report/report.js";
import { convergenceIssues, runRecord, writeRunRecord, jsonText } from "../runs/runRecord.js";
import type { ChainProgress } from "../services/runChains.js";
import { writeFileWhole } from "../io/outputFolder.js";
import { publishFolder, temporaryPath } from "./atomic.js";
import { clearFailure, fileHashes, isComplete, sliceDir, SLICE_FILE, writeFailure, type SliceRecord } from "./sliceRecord.js";
import { fileRowsInMessage, sliceDataHash, type SliceData } from "./slices.js";
import { specHash, type SliceSpec } from "./sliceSpec.js";

export interface SliceRunOptions {
  /** Worker threads for this slice's chains (0: in the calling thread). */
  threads?: number;
  signal?: AbortSignal;
  /** Fraction of this slice's sampling iterations done, 0..1. */
  onProgress?(fraction: number): void;
  /** Recorded in run.json: "fit-many" or "queue". */
  command: string;
}

export type SliceOutcome =
  | { id: string; status: "ok"; seconds: number; converged: boolean; issues: string[]; divergences: number; duplicate: boolean }
  | { id: string; status: "failed"; seconds: number; kind: FailureKind; reason: string }
  | { id: string; status: "interrupted"; seconds: number };

export const workerName = () => `${hostname()}:${process.pid}`;

export async function fitSlice(data: SliceData, spec: SliceSpec, out: string, o: SliceRunOptions): Promise<SliceOutcome> {
  const began = performance.now();
  const seconds = () => (performance.now() - began) / 1000;
  const dataHash = sliceDataHash(data);
  const optionsHash = specHash(spec);
  const final = sliceDir(out, data.id);
  mkdirSync(join(out, "slices"), { recursive: true });
  const tmp = temporaryPath(final);
  try {
    const table = parseCsv(data.csv, data.source);
    const dataset = datasetFromTable(table, spec.columns);
    const split = splitRows(dataset, spec.split);
    const chains = spec.sampler.chains ?? 4;
    const done = new Map<number, number>();
    let total = 0;
    const fit = await fitMMM(
      dataset,
      { ...spec.model, sampler: { ...spec.sampler, ...(o.threads !== undefined ? { threads: o.threads } : {}) } },
      {
        trainRows: split.trainRows,
        ...(o.signal ? { signal: o.signal } : {}),
        onProgress: (p: ChainProgress) => {
          done.set(p.chainId, p.iteration);
          total = p.total;
          let sum = 0;
          for (const v of done.values()) sum += v;
          o.onProgress?.(total > 0 ? Math.min(1, sum / (total * chains)) : 0);
        },
      },
    );
    if (o.signal?.aborted || fit.diagnostics().interrupted) return { id: data.id, status: "interrupted", seconds: seconds() };
    const fitted = performance.now();
    const files = writeFitOutputs(fit, tmp);
    if (spec.report) {
      await writeReport(fit, tmp);
      files.push("report.html");
    }
    const run = runRecord(fit, { command: o.command, source: data.source, slice: data.key, analysisSeconds: (performance.now() - fitted) / 1000 });
    files.push(writeRunRecord(tmp, run));
    const d = fit.diagnostics();
    const issues = convergenceIssues(d);
    const record: SliceRecord = {
      id: data.id,
      key: data.key,
      status: "ok",
      data_sha256: dataHash,
      options_sha256: optionsHash,
      converged: issues.length === 0,
      convergence_issues: issues,
      seconds: seconds(),
      worker: workerName(),
      finished: new Date().toISOString(),
      files: fileHashes(tmp, files),
    };
    writeFileWhole(join(tmp, SLICE_FILE), jsonText(record));
    // Another worker may have published this slice meanwhile (a job taken over after a stall):
    // a complete result for the same data and options stays, and this one is dropped.
    const published = publishFolder(tmp, final, () => isComplete(out, data.id, dataHash, optionsHash));
    clearFailure(out, data.id);
    return { id: data.id, status: "ok", seconds: seconds(), converged: record.converged, issues, divergences: d.divergences, duplicate: !published };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (o.signal?.aborted) return { id: data.id, status: "interrupted", seconds: seconds() };
    const kind = failureKind(e);
    const message = e instanceof Error ? e.message : String(e);
    // Bad input names the file's rows; a failed chain or chains that disagree say all in their message.
    const reason = kind === "input" ? fileRowsInMessage(message, data.source, data.fileRows) : kind === "internal" ? `internal error: ${message}` : message;
    writeFailure(out, {
      id: data.id,
      key: data.key,
      status: "failed",
      kind,
      reason,
      data_sha256: dataHash,
      options_sha256: optionsHash,
      worker: workerName(),
      finished: new Date().toISOString(),
    });
    return { id: data.id, status: "failed", seconds: seconds(), kind, reason };
  }
}
