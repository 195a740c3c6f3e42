// Which sampling coordinates (model/samplingCoordinates.ts) the WGSL kernels
// implement: the model's own and the trend piece (the national default;
// the geo kernel the model's alone, the geo default),
// whose map wgsl/program.ts applies. Free of WebGPU, so that fits can decide
// before any GPU code loads whether the kernels can run their coordinates.

import { parameterisationPieces, type Parameterisation } from "../model/samplingCoordinates.js";

/** Why the kernels cannot integrate in these coordinates, or undefined when they can; the geo kernel only in the model's. */
export function gpuCoordinatesProblem(parameterisation: Parameterisation = "model", geo = false): string | undefined {
  if (geo) {
    const pieces = parameterisationPieces(parameterisation);
    return pieces.length > 0 ? `the WebGPU geo kernel integrates in the model's coordinates, not "${parameterisation}"` : undefined;
  }
  const other = parameterisationPieces(parameterisation).filter((p) => p !== "trend");
  return other.length > 0 ? `the WebGPU kernels integrate in the model's coordinates or the trend coordinates, not "${parameterisation}" (${other.join(", ")})` : undefined;
}

/** The kernels' uniform flag: 1 when positions hold the trend coordinates. */
export function gpuTrendFlag(parameterisation: Parameterisation = "model"): 0 | 1 {
  return parameterisationPieces(parameterisation).includes("trend") ? 1 : 0;
}
