import { estimateLowRank, type LowRankEstimate, type LowRankEstimateOptions } from "./lowRankEstimate.js";
import type { NutpieOptions } from "./nutpieMetric.js";

/**
 * Low-rank plus diagonal metric adaptation on nutpie's schedule (see
 * nutpieMetric.ts for the schedule, lowRankEstimate.ts for the estimate):
 * the draws and gradients since the last-but-one switch are kept (the
 * foreground; those since the last switch are the background, which becomes
 * the foreground at the next switch); the metric is re-estimated from the
 * foreground every `updateEvery` draws (every draw in the early window, when
 * the transient is being forgotten) and at every switch; it is frozen for
 * the final stepSizeWindow of warm-up.
 *
 * Initialisation: sigma^2 = 1 / |grad| at the initial point (1 where the
 * gradient is zero), no low-rank part; the initial point is the first sample.
 */
export interface LowRankAdapterOptions extends NutpieOptions, LowRankEstimateOptions {
  /** Draws between re-estimates after the early window (default 10). */
  updateEvery?: number;
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

export class LowRankMetricAdapter {
  readonly dim: number;
  readonly earlyEnd: number;
  readonly finalWindowStart: number;
  readonly switchFreq: number;
  readonly earlySwitchFreq: number;
  readonly updateEvery: number;
  private readonly estimateOptions: LowRankEstimateOptions;
  private draws: Float64Array[] = [];
  private grads: Float64Array[] = [];
  /** Index in draws where the background begins. */
  private backgroundStart = 0;
  private sinceUpdate = 0;
  /** Number of metric updates so far. */
  updates = 0;
  switches = 0;

  constructor(dim: number, numWarmup: number, options: LowRankAdapterOptions = {}) {
    const earlyWindow = options.earlyWindow ?? 0.3;
    const stepSizeWindow = options.stepSizeWindow ?? 0.15;
    this.switchFreq = options.switchFreq ?? 80;
    this.earlySwitchFreq = options.earlySwitchFreq ?? 10;
    this.updateEvery = options.updateEvery ?? 10;
    if (!(earlyWindow >= 0 && earlyWindow < 1)) throw new Error(`earlyWindow must be in [0, 1), got ${earlyWindow}`);
    if (!(stepSizeWindow >= 0 && stepSizeWindow < 1)) throw new Error(`stepSizeWindow must be in [0, 1), got ${stepSizeWindow}`);
    if (!(this.switchFreq >= 1 && this.earlySwitchFreq >= 1 && this.updateEvery >= 1)) {
      throw new Error("switch and update frequencies must be >= 1");
    }
    this.dim = dim;
    this.earlyEnd = Math.floor(earlyWindow * numWarmup);
    this.finalWindowStart = numWarmup - Math.floor(stepSizeWindow * numWarmup);
    this.estimateOptions = {};
    if (options.gamma !== undefined) this.estimateOptions.gamma = options.gamma;
    if (options.cutoff !== undefined) this.estimateOptions.cutoff = options.cutoff;
    if (options.maxRank !== undefined) this.estimateOptions.maxRank = options.maxRank;
  }

  private addSample(position: Float64Array, gradient: Float64Array): void {
    if (!allFinite(position) || !allFinite(gradient)) return;
    this.draws.push(Float64Array.from(position));
    this.grads.push(Float64Array.from(gradient));
  }

  /** Initial diagonal sigma^2 = 1 / |grad| at the initial point. */
  init(position: Float64Array, gradient: Float64Array): Float64Array {
    this.addSample(position, gradient);
    const out = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) {
      const a = Math.abs(gradient[i]!);
      const v = a > 0 && Number.isFinite(a) ? 1 / a : 1;
      out[i] = v < 1e-20 ? 1e-20 : v > 1e20 ? 1e20 : v;
    }
    return out;
  }

  /**
   * Feeds the draw of warm-up iteration `iteration` (0-based) and its
   * gradient; returns a new estimate, or null if the metric is unchanged.
   */
  update(iteration: number, position: Float64Array, gradient: Float64Array): LowRankEstimate | null {
    if (iteration >= this.finalWindowStart) return null;
    this.addSample(position, gradient);
    const early = iteration < this.earlyEnd;
    const freq = early ? this.earlySwitchFreq : this.switchFreq;
    const late = iteration + freq > this.finalWindowStart;
    let switched = false;
    if (this.draws.length - this.backgroundStart >= freq && !late) {
      this.draws.splice(0, this.backgroundStart);
      this.grads.splice(0, this.backgroundStart);
      this.backgroundStart = this.draws.length;
      this.switches++;
      switched = true;
    }
    this.sinceUpdate++;
    if (this.draws.length < 3) return null;
    if (!early && !switched && this.sinceUpdate < this.updateEvery) return null;
    const n = this.draws.length;
    const x = new Float64Array(n * this.dim);
    const g = new Float64Array(n * this.dim);
    for (let t = 0; t < n; t++) {
      x.set(this.draws[t]!, t * this.dim);
      g.set(this.grads[t]!, t * this.dim);
    }
    const est = estimateLowRank(x, g, n, this.dim, this.estimateOptions);
    if (est === null) return null;
    this.sinceUpdate = 0;
    this.updates++;
    return est;
  }
}
