// Slice folders written whole or not at all: a slice is fitted into a
// temporary folder beside its target, then one rename publishes it (io's
// swapFolder when a slice folder is already there). Single files go through
// io/outputFolder.ts writeFileWhole.

import { randomBytes } from "node:crypto";
import { renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { swapFolder } from "../io/outputFolder.js";

/** Temporary names start with ".tmp-": readers skip them, and `fit-many` clears its own stale ones. */
export const TMP_PREFIX = ".tmp-";

export function temporaryPath(target: string): string {
  return join(dirname(target), `${TMP_PREFIX}${basename(target)}-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/**
 * Publishes a finished temporary folder under `target`. When `target`
 * already exists, `keepExisting` decides: true leaves it (the temporary
 * folder is removed) and returns false; false replaces it.
 */
export function publishFolder(tmp: string, target: string, keepExisting: () => boolean): boolean {
  try {
    renameSync(tmp, target);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
  }
  if (keepExisting()) {
    rmSync(tmp, { recursive: true, force: true });
    return false;
  }
  const old = temporaryPath(target);
  swapFolder(tmp, target, old);
  rmSync(old, { recursive: true, force: true });
  return true;
}
