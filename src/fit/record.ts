// The fit record: what a fit produced (configuration, structure, scalers, data,
// stored chains, timing, how the chains were run). Analysis, the optimizer,
// io and the façade read it; it imports nothing above the model.

import type { FitConfig } from "./config.js";
import type { MediaDataset } from "../model/dataset.js";
import type { FittedScalers } from "../model/scaling.js";
import type { ModelStructure } from "../model/structure.js";
import type { DrawStats } from "../sampler/index.js";

export interface StoredChain {
  /** Row-major [numDraws][dim], in the model's unconstrained coordinates (layout.ts), whatever the sampler moved in. */
  draws: Float64Array;
  stats: DrawStats;
  /** Where the chain started (the model's unconstrained coordinates). */
  initialPosition: Float64Array;
  /** Step size and metric in the coordinates the sampler moved in (config.sampler.parameterisation). */
  stepSize: number;
  inverseMetric: Float64Array;
  metricKind: "diag" | "dense";
  gradientEvaluations: { warmup: number; sampling: number };
  divergences: { warmup: number; sampling: number };
  numWarmup: number;
  numDraws: number;
  interrupted: boolean;
}

export interface FitTiming {
  wallSeconds: number;
  warmupSeconds: number;
  samplingSeconds: number;
  chainSeconds: number[];
  threads: number;
}

export interface FitRecord {
  /** Absent in records from before geo models (national). */
  kind?: "national";
  config: FitConfig;
  structure: ModelStructure;
  scalers: FittedScalers;
  /** All rows in the user's units; the first trainRows were fitted. */
  dataset: MediaDataset;
  trainRows: number;
  costs: number[];
  chains: StoredChain[];
  timing: FitTiming;
  /** How the chains were run (absent in files saved before backends existed: NUTS on the CPU). */
  sampling?: SamplingInfo;
}

export interface SamplingInfo {
  method: "nuts" | "chees";
  backend: "cpu" | "webgpu";
  /** GPU adapter description (webgpu). */
  adapter?: string;
  /** ChEES: superchains that shared starting points (for nested R-hat) and the adapted trajectory length. */
  superchains?: number;
  trajectoryLength?: number;
  /** Why a WebGPU request ran on the CPU. */
  fallback?: string;
}

/** What every fitted model (national or geo) shares: its draws, their summary and the sampler's diagnostics. */
export interface PosteriorRecord {
  config: FitConfig;
  structure: ModelStructure;
  chains: StoredChain[];
  timing: FitTiming;
  sampling?: SamplingInfo;
  /** The names parameters are about (see SummaryEntry.about). */
  dataset: { channelNames: string[]; extraNames: string[] };
}
