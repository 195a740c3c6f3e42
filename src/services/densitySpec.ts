// A density described as plain data, so it can be rebuilt inside a worker
// (Node worker_threads or a browser Web Worker). The services layer knows
// the kinds; the sampler only ever sees the LogDensity built from them.

import type { LogDensity } from "../density/types.js";
import { MmmDensity, type MathMode } from "../density/mmmDensity.js";
import { ParameterLayout } from "../model/layout.js";
import type { ModelStructure } from "../model/structure.js";
import type { ScaledData } from "../model/scaledData.js";
import { SamplingCoordinates, type Parameterisation } from "../model/samplingCoordinates.js";
import { ReparameterisedDensity } from "../density/reparameterisedDensity.js";
import { TemperedDensity } from "../density/temperedDensity.js";

export type DensitySpec = {
  kind: "mmm";
  structure: ModelStructure;
  data: ScaledData;
  /** How the core evaluates exp/log (see MathMode): accurate by default. */
  mathMode?: MathMode;
  /** The coordinates the sampler moves in (model/samplingCoordinates.ts); the model's own when absent. */
  parameterisation?: Parameterisation;
  /** Inverse temperature: the density raised to this power (a parallel-tempering replica); 1 when absent. */
  inverseTemperature?: number;
};

/** Builds the density a spec describes; `module` is the compiled core, when the host sent one. */
export function createDensity(spec: DensitySpec, module?: WebAssembly.Module): LogDensity {
  switch (spec.kind) {
    case "mmm": {
      const layout = new ParameterLayout(spec.structure);
      const density = new MmmDensity(layout, spec.data, { module, mathMode: spec.mathMode });
      const coordinates = samplingCoordinates(spec);
      const sampled = coordinates ? new ReparameterisedDensity(density, coordinates) : density;
      return spec.inverseTemperature !== undefined && spec.inverseTemperature !== 1 ? new TemperedDensity(sampled, spec.inverseTemperature) : sampled;
    }
    default:
      throw new Error(`unknown density kind "${(spec as { kind: string }).kind}"`);
  }
}

/** The map from the sampler's coordinates to the model's, or undefined when they are the same. */
export function samplingCoordinates(spec: DensitySpec): SamplingCoordinates | undefined {
  if (!spec.parameterisation || spec.parameterisation === "model") return undefined;
  const map = new SamplingCoordinates(new ParameterLayout(spec.structure), spec.data.T, spec.parameterisation, spec.data);
  return map.changesAnything ? map : undefined;
}
