// The media part of the KPI over a planning window, per posterior draw, as a
// function of the spend per channel and period, with its exact gradient
// (hand-derived adjoint), in float64. Adstock and carryover are linear
// filters, so the signal entering the saturation is
//   v[j] = history[j] + (filter applied to the window's spend)[j],
// where history[j] is the carry-over of the stored rows (zero when switched
// off). The window is the N planning periods, optionally followed by
// zero-spend periods that count the spill-over. Channels add up, so the
// KPI and each channel's share of it are sums over channels.

import type { FitRecord } from "../api/fittedMMM.js";
import type { GeoFitRecord } from "../api/geoFitRecord.js";
import { ParameterLayout } from "../model/layout.js";
import { geoCount } from "../model/structure.js";

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

const HILL = 0;
const POWER = 1;
/** Scaled media at which the derivative of a saturation at zero is taken (it is infinite for slopes or exponents below 1). */
const ZERO_SIGNAL = 1e-12;

/** Derivative of the last saturation computed (module scope keeps the hot loops free of allocations). */
let slopeOut = 0;

/** hill(v) = 1 / (1 + (v/K)^-S), from log K; both branches avoid inf / inf. */
function hillAt(v: number, logK: number, S: number): number {
  const x = v > 0 ? v : ZERO_SIGNAL;
  const z = S * (Math.log(x) - logK);
  if (z >= 0) {
    const q = Math.exp(-z);
    slopeOut = (S * q) / (x * (1 + q) * (1 + q));
    return v > 0 ? 1 / (1 + q) : 0;
  }
  const r = Math.exp(z);
  slopeOut = (S * r) / (x * (1 + r) * (1 + r));
  return v > 0 ? r / (1 + r) : 0;
}

/** v^e (0 at 0). */
function powerAt(v: number, e: number): number {
  const x = v > 0 ? v : ZERO_SIGNAL;
  const p = Math.exp(e * Math.log(x));
  slopeOut = (e * p) / x;
  return v > 0 ? p : 0;
}

export class MediaResponse implements SpendResponse {
  readonly draws: number;
  /** Series: channels (national) or channel-geo pairs c * G + g (geo). */
  readonly channels: number;
  readonly periods: number;
  /** Window length: periods plus spill-over periods. */
  readonly window: number;
  private readonly saturation: number;
  private readonly recursive: boolean;
  /** Per (draw, channel): coef_media * target scale. */
  private readonly coef: Float64Array;
  /** Per (draw, channel): Hill log K and slope S, or the exponent in p1. */
  private readonly p1: Float64Array;
  private readonly p2: Float64Array;
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
    this.saturation = structure.model === "hill_adstock" ? HILL : POWER;
    this.recursive = structure.model !== "carryover";
    this.lags = this.recursive ? 0 : structure.carryoverLags;
    const L = this.lags;
    this.coef = new Float64Array(n * C);
    this.p1 = new Float64Array(n * C);
    this.p2 = new Float64Array(n * C);
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
    const off = (name: string) => layout.offsetOf(name);
    const oCoef = off("coef_media");
    const oLag = off("lag_weight");
    const oK = off("half_max_effective_concentration");
    const oS = off("slope");
    const oExp = off("exponent");
    const oRate = off("ad_effect_retention_rate");
    const oDelay = off("peak_effect_delay");

    // Scaled stored media, [T][series] (the geo layout [T][C][G] is already series-ordered), zero when history is switched off.
    const Th = record.dataset.T;
    const hist = new Float64Array(Th * C);
    if (s.carryOverFromHistory) {
      for (let t = 0; t < Th; t++) for (let c = 0; c < C; c++) hist[t * C + c] = record.dataset.media[t * C + c] / mediaScale(c);
    }
    const x = new Float64Array(dim);
    const logw = new Float64Array(L);
    for (let k = 0; k < n; k++) {
      layout.constrainFlat(drawAt(s.drawIndices[k]), x);
      for (let c = 0; c < C; c++) {
        const kc = k * C + c;
        // coef_media is [C] (national) or [C][G] (geo): index c here either way.
        this.coef[kc] = x[oCoef + c] * targetScale(c);
        const ch = channelOf(c);
        if (this.saturation === HILL) {
          this.p1[kc] = Math.log(x[oK + ch]);
          this.p2[kc] = x[oS + ch];
        } else {
          this.p1[kc] = x[oExp + ch];
        }
        const h = this.history.subarray(kc * W, (kc + 1) * W);
        const g = this.evenGain.subarray(kc * W, (kc + 1) * W);
        if (this.recursive) {
          const lag = x[oLag + ch];
          const gain = structure.normaliseAdstock ? 1 - lag : 1;
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
          // Weights shifted by their largest log so a tiny rate cannot underflow them all.
          const rate = x[oRate + ch];
          const delay = x[oDelay + ch];
          let top = -Infinity;
          for (let l = 0; l < L; l++) {
            logw[l] = (l - delay) * (l - delay) * Math.log(rate);
            top = Math.max(top, logw[l]);
          }
          const w = this.weights.subarray(kc * L, (kc + 1) * L);
          let total = 0;
          for (let l = 0; l < L; l++) total += (w[l] = Math.exp(logw[l] - top));
          for (let l = 0; l < L; l++) w[l] /= total;
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

  /** Saturation of (draw, channel) kc at v; its derivative goes to slopeOut. */
  private saturate(kc: number, v: number): number {
    return this.saturation === HILL ? hillAt(v, this.p1[kc], this.p2[kc]) : powerAt(v, this.p1[kc]);
  }

  /**
   * Media KPI per draw (target units, summed over the window) when each
   * channel's total spend is spread evenly over the plan periods. grad
   * ([draws][C], optional) receives d KPI / d total spend of each channel.
   * perChannel ([draws][C], optional) receives each channel's share.
   */
  evaluateEven(totals: ArrayLike<number>, kpi: Float64Array, grad?: Float64Array, perChannel?: Float64Array): void {
    const { draws: n, channels: C, window: W, periods: N } = this;
    const { evenGain, history, coef, p1, p2, unitsPerSpend } = this;
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
        if (this.saturation === HILL) {
          const logK = p1[kc];
          const S = p2[kc];
          for (let j = 0; j < W; j++) {
            const g = evenGain[base + j];
            value += hillAt(history[base + j] + x * g, logK, S);
            slope += slopeOut * g;
          }
        } else {
          const e = p1[kc];
          for (let j = 0; j < W; j++) {
            const g = evenGain[base + j];
            value += powerAt(history[base + j] + x * g, e);
            slope += slopeOut * g;
          }
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
            delta[j] = coef * slopeOut;
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
            delta[j] = coef * slopeOut;
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
