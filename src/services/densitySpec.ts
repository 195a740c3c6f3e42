// A density described as plain data, so it can be rebuilt inside a worker
// (Node worker_threads or a browser Web Worker). The services layer knows
// the kinds; the sampler only ever sees the LogDensity built from them.

import type { LogDensity } from "../density/types.js";
import { MmmDensity, type MathMode } from "../density/mmmDensity.js";
import { ParameterLayout } from "../model/layout.js";
import type { ModelStructure } from "../model/structure.js";
import type { ScaledData } from "../model/scaledData.js";

export type DensitySpec = {
  kind: "mmm";
  structure: ModelStructure;
  data: ScaledData;
  /** How the core evaluates exp/log (see MathMode): accurate by default. */
  mathMode?: MathMode;
};

/** Builds the density a spec describes; `module` is the compiled core, when the host sent one. */
export function createDensity(spec: DensitySpec, module?: WebAssembly.Module): LogDensity {
  switch (spec.kind) {
    case "mmm":
      return new MmmDensity(new ParameterLayout(spec.structure), spec.data, {
        module,
        mathMode: spec.mathMode,
      });
    default:
      throw new Error(`unknown density kind "${(spec as { kind: string }).kind}"`);
  }
}
