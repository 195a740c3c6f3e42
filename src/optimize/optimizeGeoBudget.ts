// The budget optimizer for geo models. By default (LightweightMMM's geo
// behaviour) the decision is each channel's total over the plan, split across
// geos by the channel's historical spend ratio (training dates): geo g gets
// ratio[c][g] x total[c]. With perGeo, every (channel, geo) pair is its own
// decision variable ("channel@geo"), with bounds around its own history.
// Either way the objective is the national KPI (summed over geos), solved by
// the same allocator as national plans.

import type { GeoFitRecord } from "../fit/record.js";
import { InputError } from "../errors.js";
import { geoSpendRatios } from "../model/geoViews.js";
import { resolvePrices } from "./channelBounds.js";
import { MediaResponse, type SpendResponse } from "./mediaResponse.js";
import { KNOWN_OPTIONS, readPlanOptions, solvePlan } from "./optimizeBudget.js";
import { periodUnitOf } from "../model/cadence.js";
import { baselinePerDraw } from "./planningWindow.js";
import type { BudgetOptimization, OptimizeBudgetOptions } from "./types.js";

export interface GeoBudgetOptions extends OptimizeBudgetOptions {
  /**
   * Optimise every (channel, geo) pair (decision variables named
   * "channel@geo"; bounds, fixed amounts and constraints use those names).
   * Default false: channel totals split across geos by the historical ratio.
   */
  perGeo?: boolean;
}

export interface GeoBudgetOptimization extends BudgetOptimization {
  split: "historical_ratio" | "per_geo";
  geos: string[];
  /** Each channel's share of its spend per geo (training dates): how "historical_ratio" splits. */
  geo_ratios: Record<string, Record<string, number>>;
  /** Spend over the plan per channel and geo, before and after. */
  spend_before_by_geo: Record<string, Record<string, number>>;
  spend_after_by_geo: Record<string, Record<string, number>>;
}

const GEO_KNOWN = new Set([...KNOWN_OPTIONS, "perGeo"]);

/** Joins a channel and a geo into a per-geo decision variable's name. */
export function geoVariableName(channel: string, geo: string): string {
  return `${channel}@${geo}`;
}

/** Channel totals split across geos by fixed ratios [C][G]: the optimizer sees C variables. */
export class RatioSplitResponse implements SpendResponse {
  readonly channels: number;
  private readonly seriesTotals: Float64Array;
  private readonly seriesGrad: Float64Array;
  private readonly seriesPer: Float64Array;

  constructor(
    private readonly inner: MediaResponse,
    /** [C][G], each row summing to 1. */
    private readonly ratios: Float64Array,
    private readonly G: number,
  ) {
    this.channels = inner.channels / G;
    this.seriesTotals = new Float64Array(inner.channels);
    this.seriesGrad = new Float64Array(inner.draws * inner.channels);
    this.seriesPer = new Float64Array(inner.draws * inner.channels);
  }

  get draws(): number {
    return this.inner.draws;
  }
  get periods(): number {
    return this.inner.periods;
  }
  get window(): number {
    return this.inner.window;
  }

  evaluateEven(totals: ArrayLike<number>, kpi: Float64Array, grad?: Float64Array, perChannel?: Float64Array): void {
    const { G, ratios, channels: C } = this;
    const S = C * G;
    for (let j = 0; j < S; j++) this.seriesTotals[j] = ratios[j] * totals[Math.floor(j / G)];
    this.inner.evaluateEven(this.seriesTotals, kpi, grad ? this.seriesGrad : undefined, perChannel ? this.seriesPer : undefined);
    const n = this.draws;
    for (let k = 0; k < n; k++) {
      for (let c = 0; c < C; c++) {
        let gsum = 0;
        let psum = 0;
        for (let g = 0; g < G; g++) {
          const j = k * S + c * G + g;
          if (grad) gsum += ratios[c * G + g] * this.seriesGrad[j];
          if (perChannel) psum += this.seriesPer[j];
        }
        if (grad) grad[k * C + c] = gsum;
        if (perChannel) perChannel[k * C + c] = psum;
      }
    }
  }
}

/** Extra features over the window: given (one value per feature, every geo), or each series' mean over the last N dates. */
function geoWindowExtra(record: GeoFitRecord, periods: number, window: number, given?: number[] | number[][]): Float64Array {
  const d = record.dataset;
  const F = d.extraNames.length;
  const W = d.extraPerGeo ? F * d.G : F;
  const out = new Float64Array(window * W);
  if (F === 0) return out;
  if (given !== undefined) {
    if (given.length !== F || given.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
      throw new InputError(`extra features: for a geo model give one finite value per feature (${d.extraNames.join(", ")}), the same in every geo`);
    }
    const values = given as number[];
    for (let j = 0; j < window; j++) for (let i = 0; i < W; i++) out[j * W + i] = values[d.extraPerGeo ? Math.floor(i / d.G) : i];
    return out;
  }
  const from = Math.max(0, d.T - periods);
  for (let i = 0; i < W; i++) {
    let s = 0;
    for (let t = from; t < d.T; t++) s += d.extra[t * W + i];
    const mean = s / (d.T - from);
    for (let j = 0; j < window; j++) out[j * W + i] = mean;
  }
  return out;
}

export async function optimizeGeoBudget(record: GeoFitRecord, o: GeoBudgetOptions = {}): Promise<GeoBudgetOptimization> {
  const { perGeo = false, ...rest } = o;
  if (typeof perGeo !== "boolean") throw new InputError(`perGeo must be true or false, got ${JSON.stringify(perGeo)}`);
  const opts = readPlanOptions(o, GEO_KNOWN, record.config.sampler.seed, record.structure.carryoverLags);
  const d = record.dataset;
  const { G } = d;
  const C = d.channelNames.length;
  const channelPrices = resolvePrices(o.prices, d.channelNames);
  const ratios = geoSpendRatios(d, record.trainRows);
  // Historical spend per period of every (channel, geo) series, priced.
  const seriesHistory = new Float64Array(C * G);
  for (let t = 0; t < record.trainRows; t++) for (let j = 0; j < C * G; j++) seriesHistory[j] += d.media[t * C * G + j];
  for (let j = 0; j < C * G; j++) seriesHistory[j] = (seriesHistory[j] / record.trainRows) * channelPrices[Math.floor(j / G)];
  const channels = perGeo ? d.channelNames.flatMap((c) => d.geoNames.map((g) => geoVariableName(c, g))) : d.channelNames;
  const prices = perGeo ? Float64Array.from({ length: C * G }, (_, j) => channelPrices[Math.floor(j / G)]) : channelPrices;
  const historical = perGeo
    ? seriesHistory
    : Float64Array.from({ length: C }, (_, c) => seriesHistory.subarray(c * G, (c + 1) * G).reduce((a, v) => a + v, 0));
  const plan = await solvePlan(
    // Prices were resolved per channel above; the plan sees them per decision variable.
    { ...rest, prices: Array.from(prices) },
    opts,
    {
      channels,
      prices,
      historical,
      totalDraws: record.chains.reduce((a, c) => a + c.numDraws, 0),
      periodUnit: periodUnitOf(record),
      response: (drawIndices, spill, carryOverFromHistory) => {
        const inner = new MediaResponse({ record, drawIndices, periods: opts.periods, spilloverPeriods: spill, carryOverFromHistory, prices: channelPrices });
        return perGeo ? inner : new RatioSplitResponse(inner, ratios, G);
      },
      baseline: (drawIndices, window) => baselinePerDraw(record, drawIndices, window, geoWindowExtra(record, opts.periods, window, o.extraFeatures)),
    },
  );
  const byGeo = (spend: Record<string, number>) =>
    Object.fromEntries(
      d.channelNames.map((c, ci) => [
        c,
        Object.fromEntries(d.geoNames.map((g, gi) => [g, perGeo ? spend[geoVariableName(c, g)] : ratios[ci * G + gi] * spend[c]])),
      ]),
    );
  return {
    ...plan,
    split: perGeo ? "per_geo" : "historical_ratio",
    geos: d.geoNames,
    geo_ratios: Object.fromEntries(d.channelNames.map((c, ci) => [c, Object.fromEntries(d.geoNames.map((g, gi) => [g, ratios[ci * G + gi]]))])),
    spend_before_by_geo: byGeo(plan.spend_before),
    spend_after_by_geo: byGeo(plan.spend_after),
  };
}
