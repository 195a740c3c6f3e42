// A fitted national model: the fitted model (fittedModel.ts) of a national
// record. Draws are kept on the unconstrained scale (what the sampler
// produced); named values are derived on demand.

import { InputError } from "../errors.js";
import { deserializeFit } from "../fit/savedModel.js";
import type { FitRecord } from "../fit/record.js";
import { FittedModel } from "./fittedModel.js";

export class FittedMMM extends FittedModel<FitRecord> {
  readonly kind = "national";

  static fromBytes(bytes: Uint8Array, source?: string): FittedMMM {
    const record = deserializeFit(bytes, source);
    if (record.kind === "geo") {
      throw new InputError(`${source ?? "model file"} holds a geo model: load it with loadAnyMMM / FittedGeoMMM.fromBytes`);
    }
    return new FittedMMM(record);
  }
}
