// A fitted geo (hierarchical) model: the fitted model (fittedModel.ts) of a
// geo record, whose analyses answer per geo and for all geos together.

import { InputError } from "../errors.js";
import { deserializeFit } from "../fit/savedModel.js";
import type { GeoFitRecord } from "../fit/record.js";
import { FittedModel } from "./fittedModel.js";

export class FittedGeoMMM extends FittedModel<GeoFitRecord> {
  readonly kind = "geo";

  static fromBytes(bytes: Uint8Array, source?: string): FittedGeoMMM {
    const record = deserializeFit(bytes, source);
    if (record.kind !== "geo") throw new InputError(`${source ?? "model file"} holds a national model, not a geo model`);
    return new FittedGeoMMM(record);
  }
}
