// Every media transform, and which adstock and saturation each model
// composes. To add a transform: one file here (its TypeScript statement and
// its kernel table entry), one line in a table below, its reference in
// density/reference.ts; `npm run build:wasm` generates the kernels
// (assembly/README.md).
import { ALL_MODEL_NAMES, transformsOfModel, type AdstockName, type ModelName, type SaturationName } from "../modelChoice.js";
import { carryover, delayed } from "./carryover.js";
import { exponent } from "./exponent.js";
import { geometric } from "./geometric.js";
import { hill } from "./hill.js";
import { logistic, tanh } from "./logistic.js";
import { michaelisMenten } from "./michaelisMenten.js";
import { none } from "./none.js";
import { weibullCdf, weibullPdf } from "./weibull.js";
import type { Adstock, Saturation } from "./types.js";

export type { Adstock, ConvolutionAdstock, RecursiveAdstock, Saturation } from "./types.js";
export { ZERO_SIGNAL } from "./hill.js";

/** The statement of each saturation by its name in model/modelChoice.ts (root is the exponent's power curve). */
export const SATURATIONS: Readonly<Record<SaturationName, Saturation>> = {
  hill,
  logistic,
  michaelis_menten: michaelisMenten,
  tanh,
  root: exponent,
  exponent,
  none,
};
export const ADSTOCKS: Readonly<Record<AdstockName, Adstock>> = {
  geometric,
  delayed,
  weibull_cdf: weibullCdf,
  weibull_pdf: weibullPdf,
  carryover,
};

export interface ModelTransforms {
  readonly adstock: Adstock;
  readonly saturation: Saturation;
  /**
   * The model's code in the WebAssembly core (model/structure.ts MODEL_CODE):
   * models whose adstock and saturation kernels are the same share a code
   * (and a generated kernel).
   */
  readonly code: number;
}

/**
 * Every model: an adstock then a saturation; transform parameters in layout
 * order are the adstock's then the saturation's. The presets come first
 * (codes 0, 1, 2 as before), then every "adstock+saturation" pair.
 */
export const MODEL_TRANSFORMS: Readonly<Record<ModelName, ModelTransforms>> = (() => {
  const out: Record<string, ModelTransforms> = {};
  const codes: [Adstock["kernel"], Saturation["kernel"], number][] = [];
  for (const name of ALL_MODEL_NAMES) {
    const choice = transformsOfModel(name);
    const adstock = ADSTOCKS[choice.adstock];
    const saturation = SATURATIONS[choice.saturation];
    let code = codes.find(([a, s]) => a === adstock.kernel && s === saturation.kernel)?.[2];
    if (code === undefined) codes.push([adstock.kernel, saturation.kernel, (code = codes.length)]);
    out[name] = { adstock, saturation, code };
  }
  return out as Record<ModelName, ModelTransforms>;
})();

export function transformsOf(model: ModelName): ModelTransforms {
  return MODEL_TRANSFORMS[model];
}
export { calls, formulaFor, namesIn, parseFormula, type FormulaTree } from "./formula.js";
