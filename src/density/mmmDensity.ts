// The media mix model's log-density on the WebAssembly core, behind the
// generic LogDensity interface. Data goes into wasm memory once; each call
// copies the position in and the gradient out, and allocates nothing.

import type { LogDensity } from "./types.js";
import { instantiateCore, type CoreExports } from "./wasmCore.js";
import type { ParameterLayout } from "../model/layout.js";
import { FAMILY_CODE, priorArgs, priorLogConstant } from "../model/priors.js";
import { buildDesign, linearColumnCount, MODEL_CODE, TRANSFORM_PARAMETERS } from "../model/structure.js";
import type { ScaledData } from "../model/scaledData.js";
import * as portable from "../math/portable.js";

/**
 * How the core evaluates exp/log: 0 accurate f64 SIMD polynomials (default,
 * about 1e-15 relative); 1 exact, the std lib lane by lane; 2 fast, f32 SIMD
 * for the per-cell media work, the trend and the design product, with sums in
 * f64 (about 3e-7 relative; value and gradient stay consistent, so samplers
 * target the density exactly as evaluated).
 */
export type MathMode = 0 | 1 | 2;

export interface MmmDensityOptions {
  /** Use the std lib's exp/log lane by lane (the same as mathMode 1). */
  exactMath?: boolean;
  /** See MathMode; overrides exactMath when given. */
  mathMode?: MathMode;
  /** A compiled core module (e.g. received by a worker). */
  module?: WebAssembly.Module;
}

export class MmmDensity implements LogDensity {
  readonly dim: number;
  private readonly core: CoreExports;
  private readonly params: Float64Array;
  private readonly grad: Float64Array;
  private readonly meanView: Float64Array;
  private readonly transformedView: Float64Array;
  private readonly mediaStride: number;

  constructor(
    readonly layout: ParameterLayout,
    readonly data: ScaledData,
    options: MmmDensityOptions = {},
  ) {
    const s = layout.structure;
    const { T } = data;
    const C = s.nChannels;
    const nLin = linearColumnCount(s);
    this.dim = layout.dim;
    const core = instantiateCore(options.module);
    this.core = core;
    core.configure(T, C, nLin, this.dim, MODEL_CODE[s.model], s.normaliseAdstock ? 1 : 0, s.carryoverLags);
    const tp = TRANSFORM_PARAMETERS[s.model];
    core.setOffsets(
      layout.offsetOf("intercept"),
      layout.offsetOf("sigma"),
      layout.offsetOf("coef_trend"),
      layout.offsetOf("expo_trend"),
      layout.offsetOf("coef_media"),
      layout.offsetOf(tp[0]),
      layout.offsetOf(tp[1]),
      tp.length > 2 ? layout.offsetOf(tp[2]) : -1,
      layout.offsetOf("gamma_seasonality"),
    );
    core.setMathMode(options.mathMode ?? (options.exactMath ? 1 : 0));
    // configure() is the only call that grows memory: views taken now stay valid.
    const buf = core.memory.buffer;
    // Channel-major media series and column-major design (see assembly/index.ts).
    const stride = core.mediaStride();
    const rows = core.paddedRows();
    const media = new Float64Array(buf, core.mediaPtr(), C * stride);
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) media[c * stride + t] = data.media[t * C + c];
    new Float64Array(buf, core.targetPtr(), T).set(data.target);
    const design = buildDesign(s, T, data.extra);
    const designView = new Float64Array(buf, core.designPtr(), nLin * rows);
    for (let t = 0; t < T; t++) for (let k = 0; k < nLin; k++) designView[k * rows + t] = design[t * nLin + k];
    const logTime = new Float64Array(buf, core.logTimePtr(), T);
    for (let t = 1; t < T; t++) logTime[t] = portable.log(t);
    const family = new Int32Array(buf, core.familyPtr(), this.dim);
    const pa = new Float64Array(buf, core.priorAPtr(), this.dim);
    const pb = new Float64Array(buf, core.priorBPtr(), this.dim);
    const pc = new Float64Array(buf, core.priorConstPtr(), this.dim);
    for (const b of layout.blocks) {
      for (let i = 0; i < b.size; i++) {
        const p = b.priors[i];
        const [a, bb] = priorArgs(p);
        family[b.offset + i] = FAMILY_CODE[p.dist];
        pa[b.offset + i] = a;
        pb[b.offset + i] = bb;
        pc[b.offset + i] = priorLogConstant(p);
      }
    }
    this.meanView = new Float64Array(buf, core.meanPtr(), T);
    this.transformedView = new Float64Array(buf, core.transformedMediaPtr(), C * stride);
    this.mediaStride = stride;
    this.params = new Float64Array(buf, core.paramsPtr(), this.dim);
    this.grad = new Float64Array(buf, core.gradientPtr(), this.dim);
  }

  logpGrad(position: Float64Array, gradient: Float64Array): number {
    this.params.set(position);
    const lp = this.core.logDensityGradient();
    gradient.set(this.grad);
    return lp;
  }

  logp(position: Float64Array): number {
    this.params.set(position);
    return this.core.logDensityGradient();
  }

  /** Mean of the likelihood (scaled target units) at the last evaluation: a view, valid until the next call. */
  lastMean(): Float64Array {
    return this.meanView;
  }

  /** Transformed media (adstock + saturation) of the last evaluation, row-major [T][C], copied into `out`. */
  lastTransformedMedia(out: Float64Array): Float64Array {
    const C = this.layout.structure.nChannels;
    const stride = this.mediaStride;
    const T = this.data.T;
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) out[t * C + c] = this.transformedView[c * stride + t];
    return out;
  }

  /** Log-Jacobian part of the last evaluation. */
  lastLogJacobian(): number {
    return this.core.logJacobian();
  }

  /** Log-likelihood part of the last evaluation. */
  lastLogLikelihood(): number {
    return this.core.logLikelihood();
  }
}
