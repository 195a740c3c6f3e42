// Saving and loading fitted models on disk (Node). Browsers use
// FittedMMM.toBytes / fromBytes directly.

import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FittedMMM } from "../api/fittedMMM.js";
import { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import { InputError } from "../errors.js";
import { deserializeFit } from "../fit/savedModel.js";
import { MODEL_FILE, writeFileWhole } from "./outputFolder.js";

export function saveMMM(fit: FittedMMM | FittedGeoMMM, path: string): void {
  // Whole or not at all: a temporary file beside it, renamed over it.
  writeFileWhole(path, fit.toBytes(), undefined, "model file");
}

function readModelBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read model file "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A saved national model (a geo model file is refused with a clear error). */
export function loadMMM(path: string): FittedMMM {
  return FittedMMM.fromBytes(readModelBytes(path), `model file "${path}"`);
}

/** A saved model of either kind: national (FittedMMM) or geo (FittedGeoMMM). */
export function loadAnyMMM(path: string): FittedMMM | FittedGeoMMM {
  const record = deserializeFit(readModelBytes(path), `model file "${path}"`);
  return record.kind === "geo" ? new FittedGeoMMM(record) : new FittedMMM(record);
}

/** The model an output folder of `mmm fit` (or `writeFitOutputs`) holds: DIR/model.mmm, of either kind. */
export function loadFitFolder(dir: string): FittedMMM | FittedGeoMMM {
  // A data file or a model file given where the folder belongs is the likely slip: say so.
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InputError(`"${dir}" is a file, not a fit's output folder: give the folder that mmm fit --out wrote (it holds ${MODEL_FILE})`);
  }
  return loadAnyMMM(join(dir, MODEL_FILE));
}
