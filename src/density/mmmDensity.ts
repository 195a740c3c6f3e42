// The media mix model's log-density on the WebAssembly core, behind the
// generic LogDensity interface. Data goes into wasm memory once; each call
// copies the position in and the gradient out, and allocates nothing.

import type { LogDensity } from "./types.js";
import { instantiateCore, type CoreExports } from "./wasmCore.js";
import type { ParameterLayout } from "../model/layout.js";
import { FAMILY_CODE, priorArgs, priorLogConstant } from "../model/priors.js";
import {
  buildDesign,
  geoCount,
  isGeoModel,
  linearColumnCount,
  MODEL_CODE,
  TRANSFORM_PARAMETERS,
  type ModelStructure,
} from "../model/structure.js";
import type { ScaledData } from "../model/scaledData.js";
import type { ScaledLiftTest } from "../model/liftTests.js";
import { MODEL_TRANSFORMS } from "../model/transforms/index.js";
import * as portable from "../math/portable.js";
import { InputError } from "../errors.js";
import { RELATIVE_COEF_BLOCK, ROI_BLOCK } from "../model/layout.js";

/** Family code of the hierarchical HalfNormal (assembly/layout.ts FAMILY_SCALED_HALF_NORMAL). */
const FAMILY_SCALED_HALF_NORMAL = 6;

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
  /** Geos (0 for the national model). */
  private readonly G: number;
  /** Geo model: [T][G] copy of the mean (the core keeps geo-major rows). */
  private readonly meanOut: Float64Array | undefined;
  private readonly rows: number;

  constructor(
    readonly layout: ParameterLayout,
    readonly data: ScaledData,
    options: MmmDensityOptions = {},
  ) {
    const s = layout.structure;
    const { T } = data;
    const C = s.nChannels;
    const nLin = linearColumnCount(s);
    const geo = isGeoModel(s);
    const G = geoCount(s);
    checkDataShape(s, data);
    this.G = G;
    this.dim = layout.dim;
    const core = instantiateCore(options.module);
    this.core = core;
    const perGeoExtra = geo && s.geoExtra ? s.nExtra : 0;
    const code = MODEL_CODE[s.model];
    if (code === undefined) throw new InputError(`the WebAssembly core has no kernel for the model "${s.model}"`);
    // A recursive adstock reads no window: the core then pads no lags.
    const lags = MODEL_TRANSFORMS[s.model].adstock.kind === "convolution" ? s.carryoverLags : 0;
    if (geo) {
      core.configureGeo(T, C, G, nLin, perGeoExtra, this.dim, code, s.normaliseAdstock ? 1 : 0, lags);
    } else {
      core.configure(T, C, nLin, this.dim, code, s.normaliseAdstock ? 1 : 0, lags);
    }
    // ROI priors: the core's media slot is the roi (national) or the relative coefficient (geo).
    const mediaBlock = !s.roiPrior ? "coef_media" : geo ? RELATIVE_COEF_BLOCK : ROI_BLOCK;
    if (s.roiPrior) configureRoi(core, layout, data);
    if (data.liftTests?.length) configureLift(core, layout, data.liftTests);
    const tp = TRANSFORM_PARAMETERS[s.model];
    // A transform block the model lacks (e.g. no saturation parameter) is -1 to the core.
    const transformOffset = (i: number) => (i < tp.length ? layout.offsetOf(tp[i]!) : -1);
    core.setOffsets(
      layout.offsetOf("intercept"),
      layout.offsetOf("sigma"),
      layout.offsetOf("coef_trend"),
      layout.offsetOf("expo_trend"),
      layout.offsetOf(mediaBlock),
      transformOffset(0),
      transformOffset(1),
      transformOffset(2),
      layout.offsetOf("gamma_seasonality"),
      transformOffset(3),
    );
    if (geo) {
      core.setGeoOffsets(
        s.degreesSeasonality > 0 ? layout.offsetOf("coef_seasonality") : -1,
        2 * s.degreesSeasonality,
        perGeoExtra > 0 ? layout.offsetOf("coef_extra_features") : -1,
      );
    }
    core.setMathMode(options.mathMode ?? (options.exactMath ? 1 : 0));
    // configure() is the only call that grows memory: views taken now stay valid.
    const buf = core.memory.buffer;
    // Channel-major media series and column-major design (see assembly/index.ts).
    const stride = core.mediaStride();
    const rows = core.paddedRows();
    const nG = Math.max(G, 1);
    const media = new Float64Array(buf, core.mediaPtr(), C * nG * stride);
    // Series s = c * G + g (national: s = c); the data's geo is innermost.
    for (let t = 0; t < T; t++)
      for (let sIdx = 0; sIdx < C * nG; sIdx++) media[sIdx * stride + t] = data.media[t * C * nG + sIdx];
    const target = new Float64Array(buf, core.targetPtr(), nG * rows);
    for (let t = 0; t < T; t++) for (let g = 0; g < nG; g++) target[g * rows + t] = data.target[t * nG + g];
    const design = buildDesign(s, T, data.extra);
    const designView = new Float64Array(buf, core.designPtr(), nLin * rows);
    for (let t = 0; t < T; t++) for (let k = 0; k < nLin; k++) designView[k * rows + t] = design[t * nLin + k];
    if (geo) {
      new Int32Array(buf, core.linearIndexPtr(), nLin).set(linearCoefficientIndex(layout));
      if (perGeoExtra > 0) {
        const F = perGeoExtra;
        const geoDesign = new Float64Array(buf, core.geoDesignPtr(), F * G * rows);
        for (let t = 0; t < T; t++)
          for (let j = 0; j < F * G; j++) geoDesign[j * rows + t] = data.extra[t * F * G + j];
      }
    }
    const logTime = new Float64Array(buf, core.logTimePtr(), T);
    for (let t = 1; t < T; t++) logTime[t] = portable.log(t);
    const family = new Int32Array(buf, core.familyPtr(), this.dim);
    const pa = new Float64Array(buf, core.priorAPtr(), this.dim);
    const pb = new Float64Array(buf, core.priorBPtr(), this.dim);
    const pc = new Float64Array(buf, core.priorConstPtr(), this.dim);
    for (const b of layout.blocks) {
      for (let i = 0; i < b.size; i++) {
        if (b.scaleFrom) {
          // HalfNormal(multiplier * value[parent]): the core adds -log value[parent].
          family[b.offset + i] = FAMILY_SCALED_HALF_NORMAL;
          pa[b.offset + i] = layout.scaleParentIndex(b, i);
          pb[b.offset + i] = b.scaleFrom.multiplier;
          pc[b.offset + i] = 0.5 * Math.log(2 / Math.PI) - Math.log(b.scaleFrom.multiplier);
          continue;
        }
        const p = b.priors[i];
        const [a, bb] = priorArgs(p);
        family[b.offset + i] = FAMILY_CODE[p.dist];
        pa[b.offset + i] = a;
        pb[b.offset + i] = bb;
        pc[b.offset + i] = priorLogConstant(p);
      }
    }
    this.rows = rows;
    this.meanView = new Float64Array(buf, core.meanPtr(), geo ? nG * rows : T);
    this.meanOut = geo ? new Float64Array(T * G) : undefined;
    this.transformedView = new Float64Array(buf, core.transformedMediaPtr(), C * nG * stride);
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

  /**
   * Mean of the likelihood (scaled target units) at the last evaluation,
   * [T] (geo model: [T][G]); valid until the next call.
   */
  lastMean(): Float64Array {
    const out = this.meanOut;
    if (!out) return this.meanView;
    const G = this.G;
    const rows = this.rows;
    const T = this.data.T;
    for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) out[t * G + g] = this.meanView[g * rows + t];
    return out;
  }

  /**
   * Transformed media (adstock + saturation) of the last evaluation,
   * row-major [T][C] (geo model: [T][C][G]), copied into `out`.
   */
  lastTransformedMedia(out: Float64Array): Float64Array {
    const series = this.layout.structure.nChannels * Math.max(this.G, 1);
    const stride = this.mediaStride;
    const T = this.data.T;
    for (let t = 0; t < T; t++)
      for (let j = 0; j < series; j++) out[t * series + j] = this.transformedView[j * stride + t];
    return out;
  }

  /**
   * ROI priors: each series' derived coefficient (coef_media, [C] or [C][G])
   * and each channel's s_c (the geo model's channel_coef_media) of the last
   * evaluation, into the given arrays.
   */
  lastDerivedCoefficients(coef: Float64Array, channel: Float64Array): void {
    const s = this.layout.structure;
    if (!s.roiPrior) throw new InputError("the model has no ROI priors");
    const nS = s.nChannels * Math.max(this.G, 1);
    coef.set(new Float64Array(this.core.memory.buffer, this.core.roiCoefPtr(), nS));
    channel.set(new Float64Array(this.core.memory.buffer, this.core.roiScalePtr(), s.nChannels));
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

/** ROI priors: the core's calibration mask [T] and omega [C][G] (model/roiCalibration.ts). */
function configureRoi(core: CoreExports, layout: ParameterLayout, data: ScaledData): void {
  const cal = data.roiCalibration;
  const s = layout.structure;
  const nS = s.nChannels * Math.max(geoCount(s), 1);
  if (!cal || cal.mask.length !== data.T || cal.omega.length !== nS) {
    throw new InputError(`ROI priors need the calibration period's mask (${data.T} rows) and omega (${nS} series)`);
  }
  core.configureRoi(layout.offsetOf(ROI_BLOCK));
  new Float64Array(core.memory.buffer, core.roiMaskPtr(), data.T).set(cal.mask);
  new Float64Array(core.memory.buffer, core.roiOmegaPtr(), nS).set(cal.omega);
}

/** Lift tests: the core's test table (assembly/lift.ts), each checked against the model's channels and geos. */
function configureLift(core: CoreExports, layout: ParameterLayout, tests: readonly ScaledLiftTest[]): void {
  const s = layout.structure;
  const G = Math.max(1, geoCount(s));
  core.configureLift(tests.length);
  const table = new Float64Array(core.memory.buffer, core.liftTestsPtr(), 6 * tests.length);
  tests.forEach((t, k) => {
    if (!(Number.isInteger(t.channel) && t.channel >= 0 && t.channel < s.nChannels && Number.isInteger(t.geo) && t.geo >= 0 && t.geo < G)) {
      throw new InputError(`a lift test names channel ${t.channel}, geo ${t.geo}; the model has ${s.nChannels} channels, ${G} geos`);
    }
    table.set([t.channel, t.geo, t.x + t.deltaX, t.x, t.deltaY, t.sigma], 6 * k);
  });
}

/** The coefficient index of every shared design column (see buildDesign's column order). */
function linearCoefficientIndex(layout: ParameterLayout): Int32Array {
  const s = layout.structure;
  const out: number[] = [];
  const gamma = layout.offsetOf("gamma_seasonality");
  for (let k = 0; k < 2 * s.degreesSeasonality; k++) out.push(gamma + k);
  if (!s.geoExtra) for (let f = 0; f < s.nExtra; f++) out.push(layout.offsetOf("coef_extra_features") + f);
  if (s.weekdaySeasonality) for (let d = 0; d < 7; d++) out.push(layout.offsetOf("weekday") + d);
  return Int32Array.from(out);
}

/** The data's array lengths must match the structure (a clear error, not a silent misread). */
function checkDataShape(s: ModelStructure, data: ScaledData): void {
  const { T } = data;
  const G = geoCount(s);
  const nG = Math.max(G, 1);
  if (G >= 1 && data.G !== G) {
    throw new InputError(`the model has ${G} geos but the data has ${data.G ?? "no"} geo dimension`);
  }
  if (G === 0 && data.G !== undefined && data.G !== 0) {
    throw new InputError(`the data has ${data.G} geos but the model is national (nGeos not set)`);
  }
  const extraPerRow = s.nExtra * (G >= 1 && s.geoExtra ? G : 1);
  const want: [string, Float64Array, number][] = [
    ["media", data.media, T * s.nChannels * nG],
    ["target", data.target, T * nG],
    ["extra", data.extra, T * extraPerRow],
  ];
  for (const [name, arr, n] of want) {
    if (arr.length !== n) {
      throw new InputError(`scaled ${name} has ${arr.length} values; the model needs ${n} (T = ${T})`);
    }
  }
}
