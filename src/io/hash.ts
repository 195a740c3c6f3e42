// Content hashes for run records and fit-many's slice bookkeeping.

import { createHash } from "node:crypto";

/** Hex SHA-256 of a text or bytes. */
export function sha256(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}
