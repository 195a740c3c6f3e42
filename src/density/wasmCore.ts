// Compiling and instantiating the WebAssembly density core. One compiled
// Module serves every instance (it is structured-cloneable, so workers get it
// by message and instantiate their own in ~0.1 ms).

import coreBytes from "../../build/mmm.wasm";

/** The exports of assembly/index.ts. Pointers are byte offsets into memory. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  configure(T: number, C: number, nLinear: number, dim: number, model: number, normalise: number, lags: number): void;
  /** The geo model: G geos, nLinear shared design columns, nGeoExtra per-geo extra features. */
  configureGeo(
    T: number,
    C: number,
    G: number,
    nLinear: number,
    nGeoExtra: number,
    dim: number,
    model: number,
    normalise: number,
    lags: number,
  ): void;
  /** Geo model offsets: coef_seasonality (-1 none), seasonal design columns, per-geo coef_extra_features (-1 none). */
  setGeoOffsets(coefSeasonality: number, seasonCols: number, geoExtra: number): void;
  /** i32 [nLinear]: the unconstrained index of each shared design column's coefficient (geo model). */
  linearIndexPtr(): number;
  /** [F * G][paddedRows()] per-geo extra features, column f * G + g (geo model). */
  geoDesignPtr(): number;
  setOffsets(
    intercept: number,
    sigma: number,
    trend: number,
    expoTrend: number,
    media: number,
    t1: number,
    t2: number,
    t3: number,
    linear: number,
    t4: number,
  ): void;
  setExactMath(on: number): void;
  /** 0 accurate (default), 1 exact std lib, 2 fast f32 (see MathMode). */
  setMathMode(mode: number): void;
  /** f64 elements between channels in the media and transformed-media series. */
  mediaStride(): number;
  /** Rows including padding (a multiple of 8): the stride of design columns. */
  paddedRows(): number;
  /** Call after rewriting data that was already evaluated (the fast mode keeps f32 copies). */
  dataChanged(): void;
  logDensityGradient(): number;
  mediaPtr(): number;
  targetPtr(): number;
  designPtr(): number;
  logTimePtr(): number;
  familyPtr(): number;
  priorAPtr(): number;
  priorBPtr(): number;
  priorConstPtr(): number;
  paramsPtr(): number;
  gradientPtr(): number;
  valuesPtr(): number;
  /** ROI priors (assembly/roi.ts): after configure, with the roi block's offset. */
  configureRoi(roiOffset: number): void;
  roiMaskPtr(): number;
  roiOmegaPtr(): number;
  roiScalePtr(): number;
  roiCoefPtr(): number;
  /** Lift tests (assembly/lift.ts): after configure (and configureRoi), room for n tests. */
  configureLift(n: number): void;
  /** n x [channel, geo, x + delta_x, x, delta_y, sigma], scaled units. */
  liftTestsPtr(): number;
  transformedMediaPtr(): number;
  meanPtr(): number;
  logJacobian(): number;
  logLikelihood(): number;
}

let cachedModule: WebAssembly.Module | undefined;

/** The raw bytes of the core (for hosts that compile it themselves). */
export function coreWasmBytes(): Uint8Array {
  return coreBytes;
}

/** The compiled core, compiled synchronously once per thread. */
export function coreModule(): WebAssembly.Module {
  cachedModule ??= new WebAssembly.Module(coreBytes as BufferSource);
  return cachedModule;
}

/** Compiles the core off the main thread where the host allows (browsers). */
export async function compileCore(): Promise<WebAssembly.Module> {
  cachedModule ??= await WebAssembly.compile(coreBytes as BufferSource);
  return cachedModule;
}

export function instantiateCore(module: WebAssembly.Module = coreModule()): CoreExports {
  const instance = new WebAssembly.Instance(module, {});
  return instance.exports as unknown as CoreExports;
}
