import { describe, expect, it } from "vitest";
import { evaluatorFor } from "../../src/analysis/posteriorEvaluator.js";
import { MediaResponse } from "../../src/optimize/mediaResponse.js";
import { baselinePerDraw, rowsWithWindow, selectDraws, windowExtra } from "../../src/optimize/planningWindow.js";
import type { ModelName } from "../../src/model/structure.js";
import { mulberry32, uniformIn } from "../helpers/random.js";
import { syntheticRecord } from "./syntheticFit.js";

const MODELS: ModelName[] = ["hill_adstock", "adstock", "carryover"];

/** Draws with varied transforms, so every code path is exercised. */
function recordFor(model: ModelName, seed = 3) {
  const rand = mulberry32(seed);
  return syntheticRecord({
    model,
    channels: 3,
    extras: 1,
    T: 40,
    draws: 6,
    chains: 2,
    draw: (_k, s) => {
      const C = s.nChannels;
      const vec = (lo: number, hi: number) => Array.from({ length: C }, () => uniformIn(rand, lo, hi));
      const v: Record<string, number[]> = { coef_media: vec(0.05, 0.3) };
      if (model === "carryover") {
        v.ad_effect_retention_rate = vec(0.2, 0.9);
        v.peak_effect_delay = vec(0, 3);
        v.exponent = vec(0.5, 0.95);
      } else {
        v.lag_weight = vec(0.1, 0.9);
        if (model === "hill_adstock") {
          v.half_max_effective_concentration = vec(0.5, 2);
          v.slope = vec(0.6, 2.5);
        } else v.exponent = vec(0.5, 0.95);
      }
      return v;
    },
  });
}

describe("media response over the planning window", () => {
  for (const model of MODELS) {
    for (const history of [true, false]) {
      it(`${model}, history ${history ? "on" : "off"}: exact gradient per period and per channel total matches finite differences`, () => {
        const record = recordFor(model);
        const N = 5;
        const r = new MediaResponse({ record, drawIndices: [0, 2, 5], periods: N, spilloverPeriods: 4, carryOverFromHistory: history, prices: [1, 2.5, 0.5] });
        const C = 3;
        const n = r.draws;
        const rand = mulberry32(9);
        const spend = Float64Array.from({ length: N * C }, (_, i) => uniformIn(rand, 0.3, 1.5) * record.scalers.media[i % C] * [1, 2.5, 0.5][i % C]);
        const kpi = new Float64Array(n);
        const grad = new Float64Array(n * N * C);
        r.evaluatePeriods(spend, kpi, grad);
        const plus = new Float64Array(n);
        const minus = new Float64Array(n);
        for (let i = 0; i < N * C; i++) {
          const h = 1e-5 * spend[i];
          const sp = Float64Array.from(spend);
          sp[i] += h;
          r.evaluatePeriods(sp, plus);
          sp[i] -= 2 * h;
          r.evaluatePeriods(sp, minus);
          for (let k = 0; k < n; k++) {
            const fd = (plus[k] - minus[k]) / (2 * h);
            const an = grad[(k * N + Math.floor(i / C)) * C + (i % C)];
            expect(Math.abs(an - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-12);
          }
        }
        // Even spread: the same KPI as equal spend per period, and d/d total = mean of the per-period gradients.
        const totals = Float64Array.from({ length: C }, (_, c) => N * spend[c]);
        const even = Float64Array.from({ length: N * C }, (_, i) => spend[i % C]);
        const kEven = new Float64Array(n);
        const gEven = new Float64Array(n * C);
        r.evaluateEven(totals, kEven, gEven);
        const kPer = new Float64Array(n);
        const gPer = new Float64Array(n * N * C);
        r.evaluatePeriods(even, kPer, gPer);
        for (let k = 0; k < n; k++) {
          expect(kEven[k]).toBeCloseTo(kPer[k], 9);
          for (let c = 0; c < C; c++) {
            let s = 0;
            for (let j = 0; j < N; j++) s += gPer[(k * N + j) * C + c] / N;
            expect(gEven[k * C + c]).toBeCloseTo(s, 12);
            const h = 1e-6 * totals[c];
            const tp = Float64Array.from(totals);
            tp[c] += h;
            r.evaluateEven(tp, plus);
            tp[c] -= 2 * h;
            r.evaluateEven(tp, minus);
            const fd = (plus[k] - minus[k]) / (2 * h);
            expect(Math.abs(gEven[k * C + c] - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-12);
          }
        }
      });
    }

    it(`${model}: baseline plus media KPI equals the WebAssembly evaluator's prediction over the window`, () => {
      const record = recordFor(model, 8);
      const N = 6;
      const spill = 5;
      const W = N + spill;
      const C = 3;
      const prices = [2, 1, 0.5];
      const draws = selectDraws(6, undefined, 1);
      for (const history of [true, false]) {
        const r = new MediaResponse({ record, drawIndices: draws, periods: N, spilloverPeriods: spill, carryOverFromHistory: history, prices });
        const extra = windowExtra(record, N, W);
        const base = baselinePerDraw(record, draws, W, extra);
        const totals = [3000, 12000, 800].map((v, c) => v * prices[c]);
        const kpi = new Float64Array(r.draws);
        r.evaluateEven(totals, kpi);
        const rows = rowsWithWindow(record, W, extra);
        const T0 = record.dataset.T;
        if (!history) rows.media.fill(0, 0, T0 * C);
        for (let j = 0; j < N; j++) for (let c = 0; c < C; c++) rows.media[(T0 + j) * C + c] = totals[c] / N / prices[c];
        const means: Float64Array[] = [];
        evaluatorFor(record).forEachDraw(rows, ({ mean }) => means.push(mean.slice()), draws, false);
        for (let k = 0; k < r.draws; k++) {
          let want = 0;
          for (let t = T0; t < rows.T; t++) want += means[k][t];
          expect(base[k] + kpi[k]).toBeCloseTo(want, 6);
          expect(Math.abs(base[k] + kpi[k] - want)).toBeLessThan(1e-9 * Math.abs(want));
        }
      }
    });
  }

  it("draw subsets are seeded, sorted and distinct", () => {
    const a = selectDraws(1000, 50, 7);
    expect(a).toEqual(selectDraws(1000, 50, 7));
    expect(a).not.toEqual(selectDraws(1000, 50, 8));
    expect(new Set(a).size).toBe(50);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(selectDraws(10, undefined, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(selectDraws(10, 20, 1)).toHaveLength(10);
  });
});
