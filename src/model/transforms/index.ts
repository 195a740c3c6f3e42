// Every media transform, and which adstock and saturation each model
// composes. To add a transform: one file here (its TypeScript statement and
// its kernel table entry), one line in a table below, its reference in
// density/reference.ts; `npm run build:wasm` generates the kernels
// (assembly/README.md).
import type { ModelName } from "../structure.js";
import { carryover } from "./carryover.js";
import { exponent } from "./exponent.js";
import { geometric } from "./geometric.js";
import { hill } from "./hill.js";
import type { Adstock, Saturation } from "./types.js";

export type { Adstock, ConvolutionAdstock, RecursiveAdstock, Saturation } from "./types.js";
export { ZERO_SIGNAL } from "./hill.js";

export const SATURATIONS: Readonly<Record<string, Saturation>> = { hill, exponent };
export const ADSTOCKS: Readonly<Record<string, Adstock>> = { geometric, carryover };

export interface ModelTransforms {
  readonly adstock: Adstock;
  readonly saturation: Saturation;
  /** The model's code in the WebAssembly core (model/structure.ts MODEL_CODE). */
  readonly code: number;
}

/** The models: an adstock then a saturation; transform parameters in layout order are the adstock's then the saturation's. */
export const MODEL_TRANSFORMS: Readonly<Record<ModelName, ModelTransforms>> = {
  hill_adstock: { adstock: geometric, saturation: hill, code: 0 },
  adstock: { adstock: geometric, saturation: exponent, code: 1 },
  carryover: { adstock: carryover, saturation: exponent, code: 2 },
};

export function transformsOf(model: ModelName): ModelTransforms {
  return MODEL_TRANSFORMS[model];
}
