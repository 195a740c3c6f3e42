import { WelfordVariance } from "./welford.js";

/**
 * A nutpie-style diagonal metric adaptation (after nutpie / nuts-rs, whose
 * schedule is described in its documentation; written from that description).
 *
 * Estimate. For a Gaussian target with variances s_i^2 the draws have
 * variance s_i^2 and the gradients of log p have variance 1 / s_i^2, so
 *
 *   invMass_i = sqrt(var(x_i) / var(grad_i))
 *
 * recovers s_i^2 and uses the gradient information that every draw carries
 * (it minimises a Fisher divergence between the target and a scaled normal).
 * Values are clamped to [1e-20, 1e20] as nutpie does; an estimate with a
 * non-finite or zero entry is skipped.
 *
 * Initialisation. Before any draw, invMass_i = 1 / |grad_i| at the initial
 * point (entries with zero or non-finite gradient get 1), and the initial
 * point is the first sample of both estimators.
 *
 * Schedule over numWarmup warm-up iterations i = 0, 1, ...:
 *  - two pairs of running (draw, gradient) variance estimators are fed every
 *    draw: the "foreground" pair, which defines the metric, and a
 *    "background" pair that started later;
 *  - the metric is recomputed from the foreground after every draw once it
 *    holds at least 3 samples;
 *  - when the background holds `switchFreq` samples it replaces the
 *    foreground and a fresh background starts; switchFreq is
 *    earlySwitchFreq (10) during the early window (the first 30% of warm-up)
 *    and switchFreq (80) afterwards, so the metric is always estimated from
 *    the last 10-20 (early) or 80-160 (later) draws and forgets the
 *    transient quickly;
 *  - no switch happens if fewer than switchFreq iterations would remain
 *    before the final window;
 *  - during the final stepSizeWindow (15%) of warm-up the metric is frozen
 *    and only the step size adapts.
 * The step-size side (see NutpieWarmup) re-runs the step-size heuristic at
 * the first metric update and otherwise runs dual averaging continuously.
 */
export interface NutpieOptions {
  /** Fraction of warm-up using the early switch frequency (default 0.3). */
  earlyWindow?: number;
  /** Final fraction of warm-up with a frozen metric (default 0.15). */
  stepSizeWindow?: number;
  /** Background estimator size that triggers a switch after the early window (default 80). */
  switchFreq?: number;
  /** Same, during the early window (default 10). */
  earlySwitchFreq?: number;
}

const LOWER = 1e-20;
const UPPER = 1e20;

/**
 * nutpie's first guess at a diagonal inverse metric: 1 / |grad_i| at one point (clamped to
 * [1e-20, 1e20]; an entry with zero or non-finite gradient gets 1). For N(0, s^2) at a typical
 * point |grad| ~ 1/s, so the guess is about s: between the identity and the variance s^2.
 */
export function inverseMetricFromGradient(gradient: Float64Array): Float64Array {
  const out = new Float64Array(gradient.length);
  for (let i = 0; i < gradient.length; i++) {
    const a = Math.abs(gradient[i]!);
    out[i] = a > 0 && Number.isFinite(a) ? clamp(1 / a) : 1;
  }
  return out;
}

function clamp(v: number): number {
  return v < LOWER ? LOWER : v > UPPER ? UPPER : v;
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

export class NutpieDiagMetricAdapter {
  readonly dim: number;
  readonly numWarmup: number;
  /** First iteration of the early-free phase. */
  readonly earlyEnd: number;
  /** First iteration of the final (frozen-metric) window. */
  readonly finalWindowStart: number;
  readonly switchFreq: number;
  readonly earlySwitchFreq: number;
  private fgDraw: WelfordVariance;
  private fgGrad: WelfordVariance;
  private bgDraw: WelfordVariance;
  private bgGrad: WelfordVariance;
  private readonly varDraw: Float64Array;
  private readonly varGrad: Float64Array;
  /** Number of metric updates so far. */
  updates = 0;
  /** Number of foreground/background switches so far. */
  switches = 0;

  constructor(dim: number, numWarmup: number, options: NutpieOptions = {}) {
    const earlyWindow = options.earlyWindow ?? 0.3;
    const stepSizeWindow = options.stepSizeWindow ?? 0.15;
    this.switchFreq = options.switchFreq ?? 80;
    this.earlySwitchFreq = options.earlySwitchFreq ?? 10;
    if (!(earlyWindow >= 0 && earlyWindow < 1)) throw new Error(`earlyWindow must be in [0, 1), got ${earlyWindow}`);
    if (!(stepSizeWindow >= 0 && stepSizeWindow < 1)) {
      throw new Error(`stepSizeWindow must be in [0, 1), got ${stepSizeWindow}`);
    }
    if (!(this.switchFreq >= 1 && this.earlySwitchFreq >= 1)) throw new Error("switch frequencies must be >= 1");
    this.dim = dim;
    this.numWarmup = numWarmup;
    this.earlyEnd = Math.floor(earlyWindow * numWarmup);
    this.finalWindowStart = numWarmup - Math.floor(stepSizeWindow * numWarmup);
    this.fgDraw = new WelfordVariance(dim);
    this.fgGrad = new WelfordVariance(dim);
    this.bgDraw = new WelfordVariance(dim);
    this.bgGrad = new WelfordVariance(dim);
    this.varDraw = new Float64Array(dim);
    this.varGrad = new Float64Array(dim);
  }

  private addSample(position: Float64Array, gradient: Float64Array): void {
    if (!allFinite(position) || !allFinite(gradient)) return;
    this.fgDraw.add(position);
    this.fgGrad.add(gradient);
    this.bgDraw.add(position);
    this.bgGrad.add(gradient);
  }

  /** Initial inverse metric 1 / |grad| at the initial point. */
  init(position: Float64Array, gradient: Float64Array): Float64Array {
    this.addSample(position, gradient);
    return inverseMetricFromGradient(gradient);
  }

  /** Whether warm-up iteration `iteration` still adapts the metric. */
  adaptsMetric(iteration: number): boolean {
    return iteration < this.finalWindowStart;
  }

  /**
   * Feeds the draw of warm-up iteration `iteration` (0-based) and its
   * gradient. Returns a new inverse metric diagonal, or null if unchanged.
   */
  update(iteration: number, position: Float64Array, gradient: Float64Array): Float64Array | null {
    if (!this.adaptsMetric(iteration)) return null;
    this.addSample(position, gradient);
    const freq = iteration < this.earlyEnd ? this.earlySwitchFreq : this.switchFreq;
    const late = iteration + freq > this.finalWindowStart;
    if (this.bgDraw.count >= freq && !late) {
      const d = this.fgDraw;
      const g = this.fgGrad;
      this.fgDraw = this.bgDraw;
      this.fgGrad = this.bgGrad;
      d.reset();
      g.reset();
      this.bgDraw = d;
      this.bgGrad = g;
      this.switches++;
    }
    if (this.fgDraw.count < 3) return null;
    this.fgDraw.variance(this.varDraw);
    this.fgGrad.variance(this.varGrad);
    const out = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) {
      const v = clamp(Math.sqrt(this.varDraw[i]! / this.varGrad[i]!));
      if (!(v > 0) || !Number.isFinite(v)) return null;
      out[i] = v;
    }
    this.updates++;
    return out;
  }
}
