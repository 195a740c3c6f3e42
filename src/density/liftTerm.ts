// The lift tests' term of the log-density and its gradient (model/liftTests.ts):
//   sum_i Normal(delta_y_i | coef (f(g (x + dx)) - f(g x)), sigma_i)
// evaluated beside the WebAssembly core, in float64: a handful of scalar
// saturations per evaluation, against T x C cells in the core. Each
// saturation's value, slope and parameter derivatives come from the
// transform table (model/transforms: withDerivatives); the float64 reference
// states them again, independently.

import { InputError } from "../errors.js";
import { constrainWithSlope, type ParameterLayout } from "../model/layout.js";
import type { ScaledLiftTest } from "../model/liftTests.js";
import type { Transform } from "../model/priors.js";
import { geoCount } from "../model/structure.js";
import { MODEL_TRANSFORMS, type Saturation } from "../model/transforms/index.js";
import * as portable from "../math/portable.js";

const HALF_LOG_2PI = 0.5 * portable.log(2 * Math.PI);

export class LiftTerm {
  private readonly saturation: Saturation;
  /** Per test: flat indices of the coefficient, the saturation's parameters, the lag weight (or -1). */
  private readonly coefIndex: number[];
  private readonly paramIndex: number[][];
  private readonly lagIndex: number[];
  private readonly dp: number[];
  private readonly dp1: number[];
  private readonly slope = [0];
  /** The saturation's parameter values and their derivatives with respect to u (scratch). */
  private readonly p: number[];
  private readonly dpdu: number[];
  /** The unconstraining transform of every flat index. */
  private readonly transforms: Transform[];
  /** Per test: -log(sqrt(2 pi) sigma), which depends on the data only. */
  private readonly lpConstant: number[];
  /** d(constrained value)/du of the last value() (scratch). */
  private readonly du = [0];

  constructor(
    private readonly layout: ParameterLayout,
    private readonly tests: readonly ScaledLiftTest[],
  ) {
    const s = layout.structure;
    this.transforms = layout.blocks.flatMap((b) => b.transforms);
    const { adstock, saturation } = MODEL_TRANSFORMS[s.model];
    this.saturation = saturation;
    const G = Math.max(1, geoCount(s));
    const C = s.nChannels;
    for (const t of tests) {
      if (!(t.channel >= 0 && t.channel < C && t.geo >= 0 && t.geo < G)) {
        throw new InputError(`a lift test names channel ${t.channel}, geo ${t.geo}; the model has ${C} channels, ${G} geos`);
      }
    }
    this.coefIndex = tests.map((t) => layout.block("coef_media").offset + t.channel * G + t.geo);
    this.paramIndex = tests.map((t) => saturation.params.map((name) => layout.block(name).offset + t.channel));
    // The geometric adstock without normalisation has a steady gain of 1 / (1 - lag_weight).
    const gained = adstock.kind === "recursive" && !s.normaliseAdstock;
    this.lagIndex = tests.map((t) => (gained ? layout.block(adstock.params[0]).offset + t.channel : -1));
    this.dp = new Array<number>(saturation.params.length).fill(0);
    this.dp1 = new Array<number>(saturation.params.length).fill(0);
    this.p = new Array<number>(saturation.params.length).fill(0);
    this.dpdu = new Array<number>(saturation.params.length).fill(0);
    this.lpConstant = tests.map((t) => -HALF_LOG_2PI - portable.log(t.sigma));
  }

  /** The constrained value at flat index i; its derivative with respect to u[i] in this.du[0]. */
  private value(i: number, u: ArrayLike<number>): number {
    return constrainWithSlope(this.transforms[i], u[i], this.du);
  }

  /** The lift tests' log-likelihood at u; adds its gradient with respect to u into grad. */
  addTo(u: ArrayLike<number>, grad: Float64Array): number {
    let lp = 0;
    const { dp, dp1, slope, p, dpdu, du } = this;
    for (let k = 0; k < this.tests.length; k++) {
      const t = this.tests[k];
      const coef = this.value(this.coefIndex[k], u);
      const dCoef = du[0];
      const indices = this.paramIndex[k];
      for (let j = 0; j < indices.length; j++) {
        p[j] = this.value(indices[j], u);
        dpdu[j] = du[0];
      }
      let gain = 1;
      let dLag = 0;
      if (this.lagIndex[k] >= 0) {
        const lag = this.value(this.lagIndex[k], u);
        gain = 1 / (1 - lag);
        dLag = du[0];
      }
      const f1 = this.saturation.withDerivatives(gain * (t.x + t.deltaX), p, dp1, slope);
      const s1 = slope[0];
      const f0 = this.saturation.withDerivatives(gain * t.x, p, dp, slope);
      const s0 = slope[0];
      const lift = coef * (f1 - f0);
      const r = (t.deltaY - lift) / t.sigma;
      lp += this.lpConstant[k] - 0.5 * r * r;
      const w = r / t.sigma; // d lp / d lift
      grad[this.coefIndex[k]] += w * (f1 - f0) * dCoef;
      for (let j = 0; j < indices.length; j++) grad[indices[j]] += w * coef * (dp1[j] - dp[j]) * dpdu[j];
      if (this.lagIndex[k] >= 0) {
        // v = gain x: dv / d lag = gain^2 x (f0's slope unused at x = 0, where v is 0 whatever the lag).
        const dGain = gain * gain;
        const dLift = coef * (s1 * dGain * (t.x + t.deltaX) - (t.x > 0 ? s0 * dGain * t.x : 0));
        grad[this.lagIndex[k]] += w * dLift * dLag;
      }
    }
    return lp;
  }
}
