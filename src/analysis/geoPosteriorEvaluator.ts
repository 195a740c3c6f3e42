// Evaluates the geo model's mean and per (channel, geo) media contributions
// draw by draw over any rows, with the WebAssembly core the sampler used.
// Nothing of size draws x periods x channels x geos is ever held: each draw's
// arrays are handed to a visitor and reused for the next draw, so callers
// keep only the sums and per-draw totals they need (memory bounded in G).

import { MmmDensity } from "../density/mmmDensity.js";
import { InputError } from "../errors.js";
import { constrain, type ParameterLayout } from "../model/layout.js";
import type { Transform } from "../model/priors.js";
import { scaleGeoExtra, scaleGeoMedia, type FittedGeoScalers } from "../model/geoScaling.js";

/** Geo rows in the user's units. media: [T][C][G]; extra: [T][F][G] (extras per geo) or [T][F] (national). */
export interface GeoRows {
  T: number;
  media: Float64Array;
  extra: Float64Array;
}

/** One draw's evaluation, in target units; valid only inside the visitor. */
export interface GeoDrawView {
  /** Position of the draw in the evaluated list. */
  k: number;
  /** Pooled index of the draw (all chains concatenated). */
  index: number;
  /** Mean [T][G]. */
  mean: Float64Array;
  /** Media contribution [T][C][G] (filled only when asked for). */
  contributions: Float64Array;
}

export class GeoPosteriorEvaluator {
  private readonly coefOffset: number;
  private readonly coefTransforms: Transform[];
  readonly C: number;
  readonly G: number;
  readonly F: number;

  constructor(
    readonly layout: ParameterLayout,
    readonly scalers: FittedGeoScalers,
    /** Unconstrained draws, row-major [n][dim], all chains concatenated. */
    readonly draws: Float64Array,
  ) {
    this.coefOffset = layout.offsetOf("coef_media");
    this.coefTransforms = layout.block("coef_media").transforms;
    this.C = layout.structure.nChannels;
    this.G = layout.structure.nGeos ?? 0;
    this.F = layout.structure.nExtra;
  }

  get drawCount(): number {
    return this.draws.length / this.layout.dim;
  }

  /** Checks new rows' shapes against the model (a clear error, not a misread). */
  checkRows(rows: GeoRows, what = "rows"): void {
    const { C, G, F } = this;
    const perGeoExtra = this.scalers.extraPerGeo;
    if (!Number.isInteger(rows.T) || rows.T < 1) throw new InputError(`${what}: need at least one period, got ${rows.T}`);
    if (rows.media.length !== rows.T * C * G) {
      throw new InputError(`${what}: media has ${rows.media.length} values; the model needs ${rows.T} periods x ${C} channels x ${G} geos ([T][C][G])`);
    }
    const fw = perGeoExtra ? F * G : F;
    if (rows.extra.length !== rows.T * fw) {
      throw new InputError(
        `${what}: extra features have ${rows.extra.length} values; the model needs ${rows.T} periods x ${F} features${perGeoExtra ? ` x ${G} geos ([T][F][G])` : " ([T][F])"}`,
      );
    }
  }

  /**
   * Calls visit once per draw (default all, in order) with the mean and,
   * when `withContributions`, the media contributions over the rows.
   */
  forEachDraw(rows: GeoRows, visit: (view: GeoDrawView) => void, drawIndices?: ArrayLike<number>, withContributions = true): void {
    this.checkRows(rows);
    const { layout, scalers, C, G } = this;
    const T = rows.T;
    const density = new MmmDensity(layout, {
      T,
      G,
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
        for (let j = 0; j < C * G; j++) coef[j] = constrain(this.coefTransforms[j], u[this.coefOffset + j]) * ys[j % G];
        for (let t = 0; t < T; t++) {
          const row = t * C * G;
          for (let j = 0; j < C * G; j++) contributions[row + j] = coef[j] * transformed[row + j];
        }
      }
      visit({ k, index, mean, contributions });
    }
  }
}
