// Output folders and files written whole or not at all. A folder's files are
// written into a staging folder beside the target (same file system), then
// swapped in by rename: a failure or interrupt before the swap leaves the
// target as it was, and a re-fit never leaves files of an earlier fit. A
// single file goes to a temporary name beside it, then is renamed over it.
// `--out` is checked before any work (sampling, optimising) starts.

import * as nodeFs from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../errors.js";

/** The file-system steps used here; tests pass a version that fails at a chosen step. */
/** The saved model in a fit folder: the mark of a folder an earlier fit wrote. */
export const MODEL_FILE = "model.mmm";

export interface FsSteps {
  mkdirSync(path: string, options: { recursive: true }): unknown;
  writeFileSync(path: string, data: string | Uint8Array): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { recursive: true; force: true }): void;
}

const realFs: FsSteps = nodeFs;

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message ?? String(e);
}

function describeFsError(e: unknown): string {
  switch (code(e)) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the file system is read-only";
    case "ENOTDIR":
      return "a part of the path is a file, not a folder";
    case "ENOSPC":
      return "no space left on the device";
    case "EISDIR":
      return "it is a folder";
    default:
      return code(e);
  }
}

function statOrUndefined(path: string, option: string): nodeFs.Stats | undefined {
  try {
    return nodeFs.statSync(path);
  } catch (e) {
    if (code(e) === "ENOENT") return undefined;
    throw new InputError(`${option}: cannot use "${path}": ${describeFsError(e)}`);
  }
}

/** A unique sibling name for staging, hidden, naming its purpose and process. */
function siblingName(target: string, purpose: "tmp" | "old"): string {
  const rand = Math.floor(Math.random() * 0x100000000).toString(16);
  return join(dirname(target), `.${basename(target)}.${purpose}-${process.pid}-${rand}`);
}

/** Makes sure files can be created in `dir` (creating it and its parents if missing). */
function probeWritable(dir: string, option: string, fs: FsSteps): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = siblingName(join(dir, "probe"), "tmp");
    fs.writeFileSync(probe, "");
    fs.rmSync(probe, { recursive: true, force: true });
  } catch (e) {
    throw new InputError(`${option}: cannot write in "${dir}": ${describeFsError(e)}`);
  }
}

/**
 * Checks an output folder before any work: it may be new (its parents are
 * created), empty, or an earlier fit's folder (it holds model.mmm), which is
 * replaced whole; never a file, and never a folder of other files, which
 * replacing would delete.
 */
export function checkOutputFolder(target: string, option = "--out", fs: FsSteps = realFs): void {
  const st = statOrUndefined(target, option);
  if (st && !st.isDirectory()) throw new InputError(`${option}: "${target}" is a file; give a folder (new, empty, or an earlier fit's)`);
  if (st) {
    const entries = nodeFs.readdirSync(target);
    if (entries.length > 0 && !entries.includes(MODEL_FILE)) {
      throw new InputError(
        `${option}: "${target}" holds files but no ${MODEL_FILE}, so it is not an earlier fit's folder; a fit replaces its whole output folder: give a new or empty folder`,
      );
    }
  }
  probeWritable(dirname(resolve(target)), option, fs);
}

/**
 * Renames folder `staging` to `target`; an existing target is first renamed
 * to `previous` (the caller removes it after) and put back if the swap
 * fails. Throws the file system's error.
 */
export function swapFolder(staging: string, target: string, previous: string | undefined, fs: FsSteps = realFs): void {
  if (previous) fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    if (previous) fs.renameSync(previous, target);
    throw e;
  }
}

/**
 * Writes a folder whole: `write` fills a staging folder beside `target`, then
 * the staging folder takes the target's place (an earlier folder there is
 * removed only after the swap). On any failure the target is as it was and
 * the staging folder is removed.
 */
export async function writeOutputFolder<T>(target: string, write: (dir: string) => T | Promise<T>, fs: FsSteps = realFs): Promise<T> {
  const parent = dirname(resolve(target));
  fs.mkdirSync(parent, { recursive: true });
  const staging = siblingName(target, "tmp");
  fs.mkdirSync(staging, { recursive: true });
  let result: T;
  try {
    result = await write(staging);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const previous = statOrUndefined(target, "--out") ? siblingName(target, "old") : undefined;
  try {
    swapFolder(staging, target, previous, fs);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new InputError(`cannot write the output folder "${target}": ${describeFsError(e)}; it is unchanged`);
  }
  if (previous) fs.rmSync(previous, { recursive: true, force: true });
  return result;
}

/** Checks an output file's path before any work: not a folder, and its folder writable (created if missing). */
export function checkOutputFile(path: string, option = "--out", fs: FsSteps = realFs): void {
  const st = statOrUndefined(path, option);
  if (st?.isDirectory()) throw new InputError(`${option}: "${path}" is a folder; give a file name`);
  probeWritable(dirname(resolve(path)), option, fs);
}

/** Writes a file whole: to a temporary name beside it, then renamed over it. */
export function writeFileWhole(path: string, data: string | Uint8Array, fs: FsSteps = realFs, option = "--out"): void {
  const tmp = siblingName(path, "tmp");
  try {
    fs.mkdirSync(dirname(resolve(path)), { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new InputError(`${option}: cannot write "${path}": ${describeFsError(e)}`);
  }
}
