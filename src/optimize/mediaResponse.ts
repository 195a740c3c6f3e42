// The media part of the KPI over a planning window, per posterior draw, as a
// function of the spend per channel and period, with its exact gradient
// (hand-derived adjoint), in float64. Adstock and carryover are linear
// filters, so the signal entering the saturation is
//   v[j] = history[j] + (filter applied to the window's spend)[j],
// where history[j] is the carry-over of the stored rows (zero when switched
// off). The window is the N planning periods, optionally followed by
// zero-spend periods that count the spill-over. Channels add up, so the
// KPI and each channel's share of it are sums over channels.

import type { FitRecord, GeoFitRecord } from "../fit/record.js";
import { ParameterLayout } from "../model/layout.js";
import { geoCount } from "../model/structure.js";
import { transformsOf, type Saturation } from "../model/transforms/index.js";

/**
 * What the optimizer needs of a media response: the media KPI per draw for
 * each decision variable's total spend, spread evenly over the plan.
 */
export interface SpendResponse {
  readonly draws: number;
  /** Decision variables (channels, or channel-geo pairs). */
  readonly channels: number;
  readonly periods: number;
  readonly window: number;
  evaluateEven(totals: ArrayLike<number>, kpi: Float64Array, grad?: Float64Array, perChannel?: Float64Array): void;
}

export interface MediaResponseSetup {
  /**
   * A national fit (one series per channel) or a geo fit (one series per
   * channel and geo, index c * G + g, each with its own coefficient and
   * scalers; the transform parameters are the channel's).
   */
  record: FitRecord | GeoFitRecord;
  /** Pooled draw indices (all chains concatenated) to evaluate. */
  drawIndices: ArrayLike<number>;
  /** Planning periods N; spend is placed in the first N periods of the window. */
  periods: number;
  /** Zero-spend periods after the plan whose KPI counts (the spill-over). */
  spilloverPeriods: number;
  /** Prepend the stored rows' media so their carry-over flows into the window. */
  carryOverFromHistory: boolean;
  /** Cost per media unit, per channel (not per series). */
  prices: ArrayLike<number>;
}

/** The saturation's derivative at the last point (module scope keeps the hot loops free of allocations). */
const slopeOut = new Float64Array(1);

export class MediaResponse implements SpendResponse {
  readonly draws: number;
  /** Series: channels (national) or channel-geo pairs c * G + g (geo). */
  readonly channels: number;
  readonly periods: number;
  /** Window length: periods plus spill-over periods. */
  readonly window: number;
  private readonly saturation: Saturation;
  private readonly recursive: boolean;
  /** Per (draw, channel): coef_media * target scale. */
  private readonly coef: Float64Array;
  /** Per (draw, channel): the saturation's coefficients (Saturation.prepare), K of them from index kc * K. */
  private readonly satCoef: Float64Array;
  /** Per (draw, channel): adstock lag and output factor (1 - lag when normalised). */
  private readonly lag: Float64Array;
  private readonly gain: Float64Array;
  /** Per (draw, channel, lag): normalised carryover weights. */
  private readonly weights: Float64Array;
  private readonly lags: number;
  /** Per (draw, channel, window period): carry-over of the stored rows. */
  private readonly history: Float64Array;
  /** Per (draw, channel, window period): response of the filter to one scaled unit in every plan period. */
  private readonly evenGain: Float64Array;
  /** Scaled media units per unit of spend, per channel. */
  readonly unitsPerSpend: Float64Array;
  private readonly delta: Float64Array;

  constructor(s: MediaResponseSetup) {
    const { record } = s;
    const structure = record.structure;
    const layout = new ParameterLayout(structure);
    const nChannels = structure.nChannels;
    const G = geoCount(structure);
    const nG = Math.max(G, 1);
    // Series c * nG + g: its channel, target scale and media divisor.
    const C = nChannels * nG;
    const channelOf = (sIdx: number) => Math.floor(sIdx / nG);
    const targetScale = (sIdx: number): number =>
      record.kind === "geo" ? record.scalers.target[sIdx % nG] : record.scalers.target;
    const mediaScale = (sIdx: number): number =>
      record.kind === "geo" ? record.scalers.media[channelOf(sIdx)][sIdx % nG] : record.scalers.media[sIdx];
    const N = s.periods;
    const W = N + s.spilloverPeriods;
    const n = s.drawIndices.length;
    this.draws = n;
    this.channels = C;
    this.periods = N;
    this.window = W;
    const { adstock, saturation } = transformsOf(structure.model);
    this.saturation = saturation;
    this.recursive = adstock.kind === "recursive";
    this.lags = this.recursive ? 0 : structure.carryoverLags;
    const L = this.lags;
    const K = saturation.coefficients;
    this.coef = new Float64Array(n * C);
    this.satCoef = new Float64Array(n * C * K);
    this.lag = new Float64Array(n * C);
    this.gain = new Float64Array(n * C);
    this.weights = new Float64Array(n * C * L);
    this.history = new Float64Array(n * C * W);
    this.evenGain = new Float64Array(n * C * W);
    this.delta = new Float64Array(W);
    this.unitsPerSpend = Float64Array.from({ length: C }, (_, c) => 1 / (s.prices[channelOf(c)] * mediaScale(c)));

    const dim = layout.dim;
    const pooled = record.chains.map((ch) => ({ draws: ch.draws, count: ch.numDraws }));
    const drawAt = (i: number): Float64Array => {
      for (const ch of pooled) {
        if (i < ch.count) return ch.draws.subarray(i * dim, (i + 1) * dim);
        i -= ch.count;
      }
      throw new RangeError(`draw index out of range`);
    };
    const oCoef = layout.offsetOf("coef_media");
    const adstockOffsets = adstock.params.map((name) => layout.offsetOf(name));
    const saturationOffsets = saturation.params.map((name) => layout.offsetOf(name));
    const adstockValues = new Float64Array(adstockOffsets.length);
    const saturationValues = new Float64Array(saturationOffsets.length);

    // Scaled stored media, [T][series] (the geo layout [T][C][G] is already series-ordered), zero when history is switched off.
    const Th = record.dataset.T;
    const hist = new Float64Array(Th * C);
    if (s.carryOverFromHistory) {
      for (let t = 0; t < Th; t++) for (let c = 0; c < C; c++) hist[t * C + c] = record.dataset.media[t * C + c] / mediaScale(c);
    }
    const x = new Float64Array(dim);
    for (let k = 0; k < n; k++) {
      layout.constrainFlat(drawAt(s.drawIndices[k]), x);
      for (let c = 0; c < C; c++) {
        const kc = k * C + c;
        // coef_media is [C] (national) or [C][G] (geo): index c here either way.
        this.coef[kc] = x[oCoef + c] * targetScale(c);
        const ch = channelOf(c);
        adstockOffsets.forEach((o, i) => (adstockValues[i] = x[o + ch]));
        saturationOffsets.forEach((o, i) => (saturationValues[i] = x[o + ch]));
        saturation.prepare(saturationValues, this.satCoef, kc * K);
        const h = this.history.subarray(kc * W, (kc + 1) * W);
        const g = this.evenGain.subarray(kc * W, (kc + 1) * W);
        if (adstock.kind === "recursive") {
          const lag = adstock.decay(adstockValues);
          const gain = adstock.gain(adstockValues, structure.normaliseAdstock);
          this.lag[kc] = lag;
          this.gain[kc] = gain;
          let a = 0;
          for (let t = 0; t < Th; t++) a = lag * a + hist[t * C + c];
          let unit = 0;
          for (let j = 0; j < W; j++) {
            a *= lag;
            unit = lag * unit + (j < N ? 1 : 0);
            h[j] = gain * a;
            g[j] = gain * unit;
          }
        } else {
          const w = this.weights.subarray(kc * L, (kc + 1) * L);
          adstock.weights(adstockValues, L, w);
          for (let j = 0; j < W; j++) {
            let hs = 0;
            let gs = 0;
            for (let l = 0; l < L; l++) {
              const i = j - l; // window index of the source period
              if (i >= 0) gs += i < N ? w[l] : 0;
              else if (Th + i >= 0) hs += w[l] * hist[(Th + i) * C + c];
            }
            h[j] = hs;
            g[j] = gs;
          }
        }
      }
    }
  }

  /** Saturation of (draw, channel) kc at v; its derivative goes to slopeOut[0]. */
  private saturate(kc: number, v: number): number {
    return this.saturation.valueAndSlope(v, this.satCoef, kc * this.saturation.coefficients, slopeOut);
  }

  /**
   * Media KPI per draw (target units, summed over the window) when each
   * channel's total spend is spread evenly over the plan periods. grad
   * ([draws][C], optional) receives d KPI / d total spend of each channel.
   * perChannel ([draws][C], optional) receives each channel's share.
   */
  evaluateEven(totals: ArrayLike<number>, kpi: Float64Array, grad?: Float64Array, perChannel?: Float64Array): void {
    const { draws: n, channels: C, window: W, periods: N } = this;
    const { evenGain, history, coef, satCoef, unitsPerSpend } = this;
    const xs = Float64Array.from({ length: C }, (_, c) => (totals[c] / N) * unitsPerSpend[c]);
    kpi.fill(0);
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const kc = k * C + c;
        const x = xs[c];
        const base = kc * W;
        let value = 0;
        let slope = 0;
        const sat = this.saturation;
        const at = kc * sat.coefficients;
        for (let j = 0; j < W; j++) {
          const g = evenGain[base + j];
          value += sat.valueAndSlope(history[base + j] + x * g, satCoef, at, slopeOut);
          slope += slopeOut[0] * g;
        }
        const contribution = coef[kc] * value;
        sum += contribution;
        if (perChannel) perChannel[kc] = contribution;
        if (grad) grad[kc] = (coef[kc] * slope * unitsPerSpend[c]) / N;
      }
      kpi[k] = sum;
    }
  }

  /**
   * Media KPI per draw for any spend per plan period (spend [N][C]); grad
   * ([draws][N][C], optional) receives d KPI / d spend[j][c] by the adjoint
   * of the filter (reverse recursion for adstock, transposed convolution for
   * carryover).
   */
  evaluatePeriods(spend: ArrayLike<number>, kpi: Float64Array, grad?: Float64Array): void {
    const { draws: n, channels: C, window: W, periods: N, lags: L } = this;
    const delta = this.delta;
    kpi.fill(0);
    for (let k = 0; k < n; k++) {
      for (let c = 0; c < C; c++) {
        const kc = k * C + c;
        const base = kc * W;
        const u = this.unitsPerSpend[c];
        const coef = this.coef[kc];
        let value = 0;
        if (this.recursive) {
          const lag = this.lag[kc];
          const gain = this.gain[kc];
          let b = 0;
          for (let j = 0; j < W; j++) {
            b = lag * b + (j < N ? spend[j * C + c] * u : 0);
            value += this.saturate(kc, this.history[base + j] + gain * b);
            delta[j] = coef * slopeOut[0];
          }
          if (grad) {
            let rho = 0;
            for (let j = W - 1; j >= 0; j--) {
              rho = delta[j] + lag * rho;
              if (j < N) grad[(k * N + j) * C + c] = gain * rho * u;
            }
          }
        } else {
          const w = this.weights.subarray(kc * L, (kc + 1) * L);
          for (let j = 0; j < W; j++) {
            let v = this.history[base + j];
            for (let l = 0; l < L && l <= j; l++) if (j - l < N) v += w[l] * spend[(j - l) * C + c] * u;
            value += this.saturate(kc, v);
            delta[j] = coef * slopeOut[0];
          }
          if (grad) {
            for (let j = 0; j < N; j++) {
              let s = 0;
              for (let l = 0; l < L && j + l < W; l++) s += w[l] * delta[j + l];
              grad[(k * N + j) * C + c] = s * u;
            }
          }
        }
        kpi[k] += coef * value;
      }
    }
  }
}
