// Evaluates the model's mean and per (channel, geo) media contributions draw
// by draw over any rows (history, test rows, a scenario), with the
// WebAssembly core the sampler used, so analyses and the fit agree. A
// national model is one geo (G = 1). Nothing of size draws x periods x
// channels is ever held: each draw's arrays are handed to a visitor and
// reused for the next draw, so callers keep only the sums and per-draw
// totals they need.

import { MmmDensity } from "../density/mmmDensity.js";
import { InputError } from "../errors.js";
import { constrain, ParameterLayout } from "../model/layout.js";
import type { Transform } from "../model/priors.js";
import { scaleGeoExtra, scaleGeoMedia, type FittedGeoScalers } from "../model/scaling.js";
import { pooledDraws } from "./intervals.js";
import { panelOf, type AnyFitRecord, type Rows } from "./panel.js";

export type { Rows };


/** One draw's evaluation, in target units; valid only inside the visitor. */
export interface DrawView {
  /** Position of the draw in the evaluated list. */
  k: number;
  /** Pooled index of the draw (all chains concatenated). */
  index: number;
  /** Mean [T][G]. */
  mean: Float64Array;
  /** Media contribution [T][C][G] (filled only when asked for). */
  contributions: Float64Array;
}

export class PosteriorEvaluator {
  private readonly coefOffset: number;
  private readonly coefTransforms: Transform[];
  readonly C: number;
  readonly G: number;
  readonly F: number;
  private readonly geoModel: boolean;

  constructor(
    readonly layout: ParameterLayout,
    readonly scalers: FittedGeoScalers,
    /** Unconstrained draws, row-major [n][dim], all chains concatenated. */
    readonly draws: Float64Array,
  ) {
    this.coefOffset = layout.offsetOf("coef_media");
    this.coefTransforms = layout.block("coef_media").transforms;
    this.C = layout.structure.nChannels;
    this.geoModel = (layout.structure.nGeos ?? 0) > 0;
    this.G = this.geoModel ? layout.structure.nGeos! : 1;
    this.F = layout.structure.nExtra;
  }

  get drawCount(): number {
    return this.draws.length / this.layout.dim;
  }

  /** Checks rows' shapes against the model (a clear error, not a misread). */
  checkRows(rows: Rows, what = "rows"): void {
    const { C, G, F } = this;
    const perGeo = this.scalers.extraPerGeo;
    const geos = this.geoModel ? ` x ${G} geos` : "";
    if (!Number.isInteger(rows.T) || rows.T < 1) throw new InputError(`${what}: need at least one period, got ${rows.T}`);
    if (rows.media.length !== rows.T * C * G) {
      throw new InputError(`${what}: media has ${rows.media.length} values; the model needs ${rows.T} periods x ${C} channels${geos} (${this.geoModel ? "[T][C][G]" : "[T][C]"})`);
    }
    const fw = perGeo ? F * G : F;
    if (rows.extra.length !== rows.T * fw) {
      throw new InputError(`${what}: extra features have ${rows.extra.length} values; the model needs ${rows.T} periods x ${F} features${perGeo ? `${geos} ([T][F][G])` : " ([T][F])"}`);
    }
  }

  /**
   * Calls visit once per draw (default all, in order) with the mean and,
   * when `withContributions`, the media contributions over the rows.
   */
  forEachDraw(rows: Rows, visit: (view: DrawView) => void, drawIndices?: ArrayLike<number>, withContributions = true): void {
    this.checkRows(rows);
    const { layout, scalers, C, G } = this;
    const T = rows.T;
    const density = new MmmDensity(layout, {
      T,
      ...(this.geoModel ? { G } : {}),
      media: scaleGeoMedia(rows.media, scalers),
      extra: scaleGeoExtra(rows.extra, scalers),
      target: new Float64Array(T * G),
    });
    const dim = layout.dim;
    const n = drawIndices ? drawIndices.length : this.drawCount;
    const mean = new Float64Array(T * G);
    const contributions = new Float64Array(withContributions ? T * C * G : 0);
    const transformed = new Float64Array(T * C * G);
    const coef = new Float64Array(C * G);
    const ys = scalers.target;
    for (let k = 0; k < n; k++) {
      const index = drawIndices ? drawIndices[k] : k;
      const u = this.draws.subarray(index * dim, (index + 1) * dim);
      density.logp(u);
      const mu = density.lastMean();
      for (let t = 0; t < T; t++) for (let g = 0; g < G; g++) mean[t * G + g] = mu[t * G + g] * ys[g];
      if (withContributions) {
        density.lastTransformedMedia(transformed);
        for (let j = 0; j < C * G; j++) coef[j] = constrain(this.coefTransforms[j], u[this.coefOffset + j]);
        for (let t = 0; t < T; t++) {
          const row = t * C * G;
          for (let j = 0; j < C * G; j++) contributions[row + j] = coef[j] * transformed[row + j] * ys[j % G];
        }
      }
      visit({ k, index, mean, contributions });
    }
  }
}

const evaluators = new WeakMap<AnyFitRecord, PosteriorEvaluator>();

/** One evaluator per fitted record: the pooled draws are copied once, not per question. */
export function evaluatorFor(record: AnyFitRecord): PosteriorEvaluator {
  let ev = evaluators.get(record);
  if (!ev) {
    ev = new PosteriorEvaluator(new ParameterLayout(record.structure), panelOf(record).scalers, pooledDraws(record));
    evaluators.set(record, ev);
  }
  return ev;
}
