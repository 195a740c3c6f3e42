// The fit record: what a fit produced (configuration, structure, scalers, data,
// stored chains, timing, how the chains were run), national or geo: the two
// differ only in their dataset and scalers. Analysis, the optimizer, io and
// the façade read it; it imports nothing above services (the chains' shape).

import type { FitConfig } from "./config.js";
import type { GeoMediaDataset, MediaDataset } from "../model/dataset.js";
import type { FittedGeoScalers, FittedScalers } from "../model/scaling.js";
import type { ModelStructure } from "../model/structure.js";
import type { LockstepChain } from "../services/runLockstep.js";

/**
 * One stored chain, NUTS or lockstep alike. Its draws and initial position are
 * in the model's unconstrained coordinates (layout.ts), whatever the sampler
 * moved in; its step size and metric in the coordinates the sampler moved in
 * (config.sampler.parameterisation).
 */
export interface StoredChain extends LockstepChain {
  metricKind: "diag" | "dense";
}

export interface FitTiming {
  wallSeconds: number;
  warmupSeconds: number;
  samplingSeconds: number;
  chainSeconds: number[];
  threads: number;
}

/** What a fit record holds, of dataset D and scalers S. */
interface FitRecordOf<D, S> {
  config: FitConfig;
  structure: ModelStructure;
  scalers: S;
  /** All periods in the user's units (every geo); the first trainRows were fitted. */
  dataset: D;
  /** Training periods (dates for geo data, not table rows). */
  trainRows: number;
  /** Per-channel costs (over all geos) behind the media prior. */
  costs: number[];
  chains: StoredChain[];
  timing: FitTiming;
  /** How the chains were run (absent in files saved before backends existed: NUTS on the CPU). */
  sampling?: SamplingInfo;
}

export interface FitRecord extends FitRecordOf<MediaDataset, FittedScalers> {
  /** Absent in records from before geo models (national). */
  kind?: "national";
}

/** A geo fit: structure.nGeos = G, structure.geoExtra = dataset.extraPerGeo, scalers per (column, geo). */
export interface GeoFitRecord extends FitRecordOf<GeoMediaDataset, FittedGeoScalers> {
  kind: "geo";
}

/** A national or a geo fit record. */
export type AnyFitRecord = FitRecord | GeoFitRecord;

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
  /** How the chains started (absent in records from before it was recorded). */
  start?: StartInfo;
  /** Parallel tempering (services/temperedChains.ts): the replicas' powers and, per chain, the swap rates between neighbours. */
  tempering?: { replicas: number; betas: number[]; swapRates: number[][] };
  /**
   * Draws until the chains agree (api/drawsUntilAgreement.ts): the draws asked
   * per chain, the most allowed, and the max R-hat and min bulk/tail ESS
   * after each block (the first after the draws asked for), and for lockstep chains
   * nested R-hat (the rule they go on by); absent when it was off.
   */
  extension?: { asked: number; most: number; rHat: number[]; ess: number[]; nestedRHat?: number[] };
}

/** The chains' start: the configured strategy, and for Pathfinder what it did and spent. */
export type StartInfo =
  | { method: "jitter" | "median" | "random" | "values" }
  | { method: "pathfinder"; paths: number; used: Array<{ path: number; iterations: number; bestIterate: number; elbo: number; stop: string }>; dropped: Array<{ path: number; reason: string }>; paretoK: number; gradientEvaluations: number; seconds: number };

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
