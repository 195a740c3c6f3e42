// Evaluates the model's mean and per-channel transformed media for every
// posterior draw over any rows (history, test rows, a scenario), with the
// same WebAssembly core the sampler used, so analyses and the fit agree.

import { MmmDensity } from "../density/mmmDensity.js";
import { constrain, type ParameterLayout } from "../model/layout.js";
import type { Transform } from "../model/priors.js";
import type { FittedScalers } from "../model/scaling.js";

/** Rows in the user's units. media: [T][C]; extra: [T][F]. */
export interface Rows {
  T: number;
  media: Float64Array;
  extra: Float64Array;
}

export interface DrawEvaluation {
  /** Number of draws evaluated. */
  draws: number;
  T: number;
  C: number;
  /** Mean in target units, [draws][T]. */
  mean: Float64Array;
  /** Media contribution in target units, [draws][T][C]. */
  contributions: Float64Array;
}

export class PosteriorEvaluator {
  private readonly coefOffset: number;
  private readonly coefTransforms: Transform[];

  constructor(
    readonly layout: ParameterLayout,
    readonly scalers: FittedScalers,
    /** Unconstrained draws, row-major [n][dim], all chains concatenated. */
    readonly draws: Float64Array,
  ) {
    this.coefOffset = layout.offsetOf("coef_media");
    this.coefTransforms = layout.block("coef_media").transforms;
  }

  get drawCount(): number {
    return this.draws.length / this.layout.dim;
  }

  /** Evaluates the given draws (default all) over rows; results in target units. */
  evaluate(rows: Rows, drawIndices?: ArrayLike<number>): DrawEvaluation {
    const { layout, scalers } = this;
    const C = layout.structure.nChannels;
    const F = layout.structure.nExtra;
    const T = rows.T;
    const media = new Float64Array(T * C);
    const extra = new Float64Array(T * F);
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) media[t * C + c] = rows.media[t * C + c] / scalers.media[c];
      for (let f = 0; f < F; f++) extra[t * F + f] = rows.extra[t * F + f] / scalers.extra[f];
    }
    const density = new MmmDensity(layout, { T, media, extra, target: new Float64Array(T) });
    const dim = layout.dim;
    const indices = drawIndices ?? Array.from({ length: this.drawCount }, (_, i) => i);
    const n = indices.length;
    const mean = new Float64Array(n * T);
    const contributions = new Float64Array(n * T * C);
    const transformed = new Float64Array(T * C);
    const ys = scalers.target;
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      const u = this.draws.subarray(i * dim, (i + 1) * dim);
      density.logp(u);
      const mu = density.lastMean();
      for (let t = 0; t < T; t++) mean[k * T + t] = mu[t] * ys;
      density.lastTransformedMedia(transformed);
      for (let c = 0; c < C; c++) {
        const coef = constrain(this.coefTransforms[c], u[this.coefOffset + c]);
        for (let t = 0; t < T; t++) contributions[(k * T + t) * C + c] = coef * transformed[t * C + c] * ys;
      }
    }
    return { draws: n, T, C, mean, contributions };
  }
}
