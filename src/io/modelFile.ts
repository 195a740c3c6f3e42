// Saving and loading fitted models on disk (Node). Browsers use
// FittedMMM.toBytes / fromBytes directly.

import { readFileSync, writeFileSync } from "node:fs";
import { FittedMMM } from "../api/fittedMMM.js";
import { InputError } from "../errors.js";

export function saveMMM(fit: FittedMMM, path: string): void {
  writeFileSync(path, fit.toBytes());
}

export function loadMMM(path: string): FittedMMM {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read model file "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return FittedMMM.fromBytes(bytes, `model file "${path}"`);
}
