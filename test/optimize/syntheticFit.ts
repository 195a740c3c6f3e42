// Fitted models with posterior draws written by hand, so the response curves
// (and so the optimal budgets) are known in closed form.
import type { FitRecord, StoredChain } from "../../src/fit/record.js";
import { resolveConfig } from "../../src/fit/config.js";
import { ParameterLayout, type ParameterValues } from "../../src/model/layout.js";
import { fitScalers } from "../../src/model/scaling.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { makeStructure, type ModelName, type ModelStructure } from "../../src/model/structure.js";

export interface SyntheticOptions {
  model?: ModelName;
  channels?: number;
  extras?: number;
  T?: number;
  degrees?: number;
  seed?: number;
  /** Constrained values of draw k (missing parameters take defaults). */
  draw: (k: number, s: ModelStructure) => Partial<ParameterValues>;
  draws: number;
  chains?: number;
}

export function defaultValues(s: ModelStructure): ParameterValues {
  const C = s.nChannels;
  const v: ParameterValues = {
    intercept: [0.6],
    sigma: [0.05],
    coef_trend: [0.001],
    expo_trend: 1,
    coef_media: Array(C).fill(0.1),
    gamma_seasonality: Array.from({ length: s.degreesSeasonality }, () => [0.02, -0.01]),
    coef_extra_features: Array(s.nExtra).fill(0.05),
  };
  if (s.model === "carryover") {
    v.ad_effect_retention_rate = Array(C).fill(0.5);
    v.peak_effect_delay = Array(C).fill(1);
    v.exponent = Array(C).fill(0.7);
  } else {
    v.lag_weight = Array(C).fill(0.5);
    if (s.model === "hill_adstock") {
      v.half_max_effective_concentration = Array(C).fill(1);
      v.slope = Array(C).fill(1);
    } else v.exponent = Array(C).fill(0.7);
  }
  return v;
}

export function syntheticRecord(o: SyntheticOptions): FitRecord {
  const T = o.T ?? 60;
  const C = o.channels ?? 3;
  const F = o.extras ?? 0;
  const sim = simulateDataset({ seed: o.seed ?? 1, T, channels: C, extras: F, degreesSeasonality: o.degrees ?? 1 });
  const structure = makeStructure({ model: o.model ?? "hill_adstock", nChannels: C, nExtra: F, degreesSeasonality: o.degrees ?? 1, mediaPrior: Array(C).fill(0.15) });
  const layout = new ParameterLayout(structure);
  const chains = o.chains ?? 1;
  const per = Math.ceil(o.draws / chains);
  const stored: StoredChain[] = [];
  let k = 0;
  for (let ch = 0; ch < chains; ch++) {
    const count = Math.min(per, o.draws - ch * per);
    const draws = new Float64Array(count * layout.dim);
    for (let i = 0; i < count; i++, k++) {
      const values = { ...defaultValues(structure), ...o.draw(k, structure) } as ParameterValues;
      draws.set(layout.unconstrainFlat(layout.readValues(values)), i * layout.dim);
    }
    stored.push({
      draws,
      stats: { treeDepth: new Uint8Array(count), nLeapfrog: new Int32Array(count), divergent: new Uint8Array(count), energy: new Float64Array(count), acceptStat: new Float64Array(count), stepSize: new Float64Array(count), logp: new Float64Array(count) },
      stepSize: 0.1,
      inverseMetric: new Float64Array(layout.dim).fill(1),
      metricKind: "diag",
      gradientEvaluations: { warmup: 0, sampling: 0 },
      divergences: { warmup: 0, sampling: 0 },
      numWarmup: 0,
      numDraws: count,
      interrupted: false,
      initialPosition: new Float64Array(layout.dim),
    } as StoredChain);
  }
  return {
    config: resolveConfig({ model: structure.model, degreesSeasonality: structure.degreesSeasonality, sampler: { seed: 5 } }),
    structure,
    scalers: fitScalers(sim.dataset, T),
    dataset: sim.dataset,
    trainRows: T,
    costs: sim.costs,
    chains: stored,
    timing: { wallSeconds: 0, warmupSeconds: 0, samplingSeconds: 0, chainSeconds: [], threads: 0 },
  };
}
