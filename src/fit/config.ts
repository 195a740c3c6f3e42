// Fit configuration with LightweightMMM's defaults, validated with errors
// that name the option at fault.

import { InputError } from "../errors.js";
import type { Prior } from "../model/priors.js";
import type { LiftTest } from "../model/liftTests.js";
import type { ScalerOptions } from "../model/scaling.js";
import { MODEL_NAMES, type ModelName } from "../model/structure.js";
import { defaultCarryoverLags, periodsPerYear } from "../model/cadence.js";
import type { Frequency } from "../model/dataset.js";
import { ADAPTATION_KINDS, INITIAL_METRICS, type AdaptationKind, type InitialMetric } from "../sampler/chain.js";
import {
  ADSTOCK_NAMES,
  composedName,
  parseModelName,
  SATURATION_NAMES,
  type AdstockName,
  type SaturationName,
} from "../model/modelChoice.js";
import { lockstepRequested, type BackendSetting, type MethodSetting } from "../services/backend.js";
import { LOCKSTEP_TARGET_ACCEPT } from "../services/lockstepChains.js";
import { checkParameterisation, type Parameterisation } from "../model/samplingCoordinates.js";

/** How chains start; "pathfinder" runs multi-path Pathfinder (sampler/pathfinder) and resamples one start per chain. */
export const INIT_STRATEGIES = ["jitter", "median", "random", "pathfinder"] as const;
export type InitStrategy = (typeof INIT_STRATEGIES)[number];

/**
 * How the density core evaluates exp/log while sampling: "accurate" (f64,
 * ~1e-15 relative, default), "fast" (f32 SIMD for the per-cell media work,
 * ~3e-7 relative, about twice as fast) or "exact" (the std lib, lane by lane).
 */
export type MathSetting = "accurate" | "fast" | "exact";
export const MATH_MODE: Record<MathSetting, 0 | 1 | 2> = { accurate: 0, exact: 1, fast: 2 };

export interface SamplerConfig {
  chains: number;
  warmup: number;
  samples: number;
  seed: number;
  targetAccept: number;
  maxTreeDepth: number;
  adaptation: AdaptationKind;
  /**
   * The metric the Stan-style warm-ups (stan-diag, dense, pooled-*) start from
   * before their first window: "unit" (Stan's) or "gradient" (1 / |grad| per
   * coordinate at each chain's start, nutpie's first guess). Absent in fits
   * saved before it existed: "unit".
   */
  initialMetric?: InitialMetric;
  /** jitter: prior medians plus uniform(-initJitter, initJitter) on the unconstrained scale (default). */
  init: InitStrategy;
  initJitter: number;
  /** Worker threads for the chains (NUTS, and lockstep chains on the CPU); 0 runs in the calling thread. Default: min(chains, cores). */
  threads?: number;
  /**
   * WebGPU lockstep chains: GPU invocations sharing each chain's density (a
   * power of two up to 256; gpu/wgsl/program.ts). Default 1, one invocation
   * walks a chain's whole density; more split its periods, channels and
   * parameters over a workgroup, for GPUs where a chain's latency, not the
   * number of chains, bounds a step. Values agree to f32 rounding, so the
   * draws of a seed differ slightly between lane counts.
   */
  gpuLanes?: number;
  math: MathSetting;
  /**
   * Where chains run: "cpu" (NUTS in worker threads), "webgpu" (ChEES-HMC,
   * many chains in lockstep on the GPU; the CPU when no adapter exists) or
   * "auto" (default: NUTS in worker threads at any chain count; with method
   * "chees", lockstep on the GPU when there is one).
   */
  backend: BackendSetting;
  /** Sampler: "nuts" or "chees"; default by backend (see backend). ChEES caps its steps per iteration at 2^maxTreeDepth - 1, as NUTS does. */
  method?: MethodSetting;
  /**
   * Starting values on the constrained scale, keyed by parameter name (MODEL.md's
   * JSON form); when given, every chain starts there (plus initJitter when init is "jitter").
   */
  initValues?: unknown;
  /**
   * The coordinates the sampler moves in (model/samplingCoordinates.ts): "trend"
   * samples the trend's value at the last period in place of coef_trend;
   * "baseline" shears the extra features' coefficients and the weekday effects along the intercept;
   * "trend+hill" the media effect at the mean spend in place of coef_media;
   * "model" the model's own coordinates, as Stan's program. The posterior and
   * every output are the same; the draws of a seed differ.
   */
  parameterisation: Parameterisation;
  /**
   * Parallel tempering (NUTS only): replicas per chain, the chain's own
   * included; 1 or absent turns it off. Each chain becomes a ladder of
   * replicas sampling the posterior raised to powers from 1 down to
   * temperingMinBeta, which swap states after every iteration; the chain's
   * draws are its power-1 replica's. For posteriors whose chains split
   * between regions they rarely cross (docs/convergence.md); it costs
   * `tempering` times the gradients.
   */
  tempering?: number;
  /** The hottest replica's power, in (0, 1) (default 0.5). */
  temperingMinBeta?: number;
  /**
   * Most draws per chain (NUTS without tempering). While the chains disagree
   * after their draws (max R-hat > 1.01), each goes on where it is by
   * `samples` more, up to this many (api/drawsUntilAgreement.ts). Resolved:
   * MAX_SAMPLES_FACTOR x samples when neither samples nor maxSamples was
   * given, else samples (exactly the draws asked for) unless given.
   * Absent in records from before it existed (no extension).
   */
  maxSamples?: number;
}

export interface ModelConfig {
  /** A LightweightMMM preset or "adstock+saturation" (model/modelChoice.ts). */
  model: ModelName;
  /** Geometric adstock output times (1 - lag_weight) (default true, as LightweightMMM and PyMC-Marketing). */
  normaliseAdstock: boolean;
  /** Window of the convolution adstocks (carryover, delayed, Weibull); default 13 (13 * 7 with weekday seasonality). */
  maxLag?: number;
  degreesSeasonality: number;
  seasonalityFrequency: number;
  weekdaySeasonality: boolean;
  mediaPriorScale: number;
  /** Total cost per channel; default the spend over the training rows. */
  costs?: number[];
  customPriors: Record<string, Prior | Prior[]>;
  scalers: ScalerOptions;
  /** Experiments calibrating the channels' saturation curves (model/liftTests.ts). */
  liftTests?: LiftTest[];
  /** Meridian's ROI priors instead of priors on the coefficients (docs/roi-priors.md). */
  roiPrior?: RoiPriorConfig;
}

/**
 * ROI priors: each channel's ROI over the calibration period is sampled
 * (prior: the custom prior "roi", default LogNormal(0.2, 0.9)). The period
 * is every training row unless rows [start, end) or dates (first, last,
 * inclusive; needs the dataset's dates) are given.
 */
export interface RoiPriorConfig {
  calibrationRows?: [number, number];
  calibrationDates?: [string, string];
}

export interface FitConfig extends ModelConfig {
  sampler: SamplerConfig;
}

export type FitConfigInput = Omit<Partial<ModelConfig>, "roiPrior"> & {
  /** true (or a calibration period) for ROI priors. */
  roiPrior?: boolean | RoiPriorConfig;
  sampler?: Partial<SamplerConfig>;
  /** With `saturation`, instead of `model`: any adstock with any saturation. */
  adstock?: AdstockName;
  saturation?: SaturationName;
};

/** The model a configuration names: `model`, or `adstock` with `saturation` (each defaulting to geometric, hill). */
export function resolveModelName(input: FitConfigInput): ModelName {
  if (input.adstock === undefined && input.saturation === undefined) {
    const model = input.model ?? "hill_adstock";
    if (!parseModelName(model)) {
      throw new InputError(
        `model must be one of ${MODEL_NAMES.join(", ")} or "adstock+saturation" (adstock: ${ADSTOCK_NAMES.join(", ")}; saturation: ${SATURATION_NAMES.join(", ")}), got "${model}"`,
      );
    }
    return model;
  }
  if (input.model !== undefined) {
    throw new InputError(`give a model or an adstock and a saturation, not both (model "${input.model}")`);
  }
  const adstock = input.adstock ?? "geometric";
  const saturation = input.saturation ?? "hill";
  if (!ADSTOCK_NAMES.includes(adstock)) {
    throw new InputError(`adstock must be one of ${ADSTOCK_NAMES.join(", ")}, got "${adstock}"`);
  }
  if (!SATURATION_NAMES.includes(saturation)) {
    throw new InputError(`saturation must be one of ${SATURATION_NAMES.join(", ")}, got "${saturation}"`);
  }
  return composedName(adstock, saturation);
}

/**
 * The defaults of a national NUTS fit. Its coordinates, "trend+baseline",
 * straighten the trend ridge and shear the extra features' coefficients along
 * the intercept (a near-constant control is almost a second intercept); their
 * larger steps reach narrow regions of the saturation block, which the higher
 * target acceptance keeps the step size small enough for (docs/convergence.md,
 * 2026-12-06). Geo fits (GEO_SAMPLER_DEFAULTS) and lockstep chains
 * (LOCKSTEP_PARAMETERISATION) default otherwise.
 */
export const DEFAULT_SAMPLER: SamplerConfig = {
  chains: 4,
  warmup: 1000,
  samples: 1000,
  seed: 1,
  targetAccept: 0.95,
  maxTreeDepth: 10,
  adaptation: "stan-diag",
  initialMetric: "unit",
  init: "jitter",
  initJitter: 0.5,
  math: "accurate",
  backend: "auto",
  parameterisation: "trend+baseline",
};

/**
 * Lockstep chains' coordinates when none are given: those the WGSL kernels
 * apply (gpu/coordinates.ts) and in which the lockstep benchmark's rows agreed
 * with NUTS (docs/lockstep.md). Their step size adapts to their own target.
 */
export const LOCKSTEP_PARAMETERISATION: Parameterisation = "trend";

/**
 * Where geo fits' defaults differ from DEFAULT_SAMPLER's. National models
 * sample in the trend coordinates, which straighten the curved trend ridge
 * (docs/convergence.md); on the bundled geo example those did worse, 8 of 8
 * fits with R-hat >= 1.01 against 5 of 8 in the model's own (the per-geo
 * trends and the media block, not the shared exponent's ridge, hold those
 * chains back). Geo fits were measured at target acceptance 0.85, and keep it.
 */
export const GEO_SAMPLER_DEFAULTS = { parameterisation: "model", targetAccept: 0.85 } as const satisfies Partial<SamplerConfig>;

/** The target acceptance to suggest to a fit that diverged or got stuck at `current`: the next of 0.95, 0.98, 0.99 above it. */
export function higherTargetAccept(current: number): number {
  return current < 0.95 ? 0.95 : current < 0.98 ? 0.98 : 0.99;
}

/**
 * A geo fit's sampler settings: those given, GEO_SAMPLER_DEFAULTS where they leave one out (absent or
 * undefined). Lockstep chains keep their own target acceptance (resolveConfig), geo or not.
 */
export function withGeoDefaults(sampler: Partial<SamplerConfig> = {}): Partial<SamplerConfig> {
  const lockstep = lockstepRequested(sampler.backend ?? DEFAULT_SAMPLER.backend, sampler.method);
  const targetAccept = sampler.targetAccept ?? (lockstep ? undefined : GEO_SAMPLER_DEFAULTS.targetAccept);
  return {
    ...sampler,
    parameterisation: sampler.parameterisation ?? GEO_SAMPLER_DEFAULTS.parameterisation,
    ...(targetAccept !== undefined ? { targetAccept } : {}),
  };
}

/** With the default draws, chains that still disagree go on to at most this many times them (SamplerConfig.maxSamples). */
export const MAX_SAMPLES_FACTOR = 10;

/**
 * Draws per chain and the most they may grow to while the chains disagree:
 * the default draws go on (MAX_SAMPLES_FACTOR x them); draws asked for are
 * exactly those unless maxSamples is given too.
 */
export function resolveDraws(s: { samples?: number; maxSamples?: number }): { samples: number; maxSamples: number } {
  const samples = s.samples ?? DEFAULT_SAMPLER.samples;
  if (s.maxSamples === undefined) return { samples, maxSamples: s.samples === undefined ? MAX_SAMPLES_FACTOR * samples : samples };
  intOption(s.maxSamples, "max samples", 1);
  if (s.maxSamples < samples) throw new InputError(`max samples (${s.maxSamples}) must be at least samples (${samples}), the draws every chain makes`);
  return { samples, maxSamples: s.maxSamples };
}

/**
 * Whether a fit's chains can go on while they disagree: NUTS chains and lockstep ones (each by its own
 * rule of agreement), not tempering's ladders. `method` is the fit's (either goes on since lockstep
 * chains learned to).
 */
export function drawsCanGoOn(s: Pick<SamplerConfig, "tempering">, method?: "nuts" | "chees"): boolean {
  return method === "chees" || !(s.tempering !== undefined && s.tempering > 1);
}

/**
 * Most numbers a lockstep fit's draws may hold when its chains go on: 2^26 (512 MiB as float64; the
 * summary's constrained copy doubles it), so that going on never exhausts a machine's memory: 3,542
 * draws a chain for 256 chains of the geo example's 74 parameters, 2,621 for 1024 of a national model's 25.
 */
export const LOCKSTEP_MAX_STORED_VALUES = 2 ** 26;

/** The most draws per chain lockstep chains may go on to: max samples, within LOCKSTEP_MAX_STORED_VALUES over all chains, never fewer than the draws asked for. */
export function lockstepMostDraws(s: { samples: number; maxSamples?: number; chains: number }, dim: number): number {
  const most = s.maxSamples ?? s.samples;
  return Math.max(s.samples, Math.min(most, lockstepDrawsBound(s.chains, dim)));
}

/** The most draws per chain LOCKSTEP_MAX_STORED_VALUES allows `chains` chains of `dim` parameters. */
export function lockstepDrawsBound(chains: number, dim: number): number {
  return Math.floor(LOCKSTEP_MAX_STORED_VALUES / (chains * dim));
}

/**
 * Advice for lockstep chains that need more draws than the `wentTo` they
 * made: twice as many (--max-samples), where the memory bound lets these
 * chains go that far; else as far as it lets them; else, when they already
 * stopped at it, fewer chains (each may then go further).
 */
export function lockstepLongerChains(chains: number, dim: number, wentTo: number): string {
  const bound = lockstepDrawsBound(chains, dim);
  const want = 2 * wentTo;
  if (want <= bound) return `longer chains (--max-samples ${want})`;
  const mib = (LOCKSTEP_MAX_STORED_VALUES * 8) / 2 ** 20;
  if (bound > wentTo) return `longer chains (--max-samples ${bound}, the most ${chains} chains' draws may hold in ${mib} MiB; fewer chains may go further)`;
  // The largest power of two of chains whose draws fit `want` each.
  const fewer = 2 ** Math.floor(Math.log2(Math.max(2, LOCKSTEP_MAX_STORED_VALUES / (want * dim))));
  return `fewer, longer chains (${chains} chains stop at ${bound} draws each, the most their draws may hold in ${mib} MiB; e.g. --chains ${fewer} --max-samples ${want})`;
}

/** Most replicas per chain that tempering takes. */
export const MAX_TEMPERING_REPLICAS = 64;

/** Tempering's options, checked against the rest of the sampler's. */
function checkTempering(s: SamplerConfig): void {
  if (s.tempering === undefined && s.temperingMinBeta === undefined) return;
  const replicas = s.tempering ?? 1;
  intOption(replicas, "tempering (replicas per chain)", 1);
  if (replicas > MAX_TEMPERING_REPLICAS) throw new InputError(`tempering must be at most ${MAX_TEMPERING_REPLICAS} replicas per chain, got ${replicas}`);
  if (s.temperingMinBeta !== undefined && !(s.temperingMinBeta > 0 && s.temperingMinBeta < 1)) {
    throw new InputError(`tempering min beta must lie strictly between 0 and 1, got ${s.temperingMinBeta}`);
  }
  if (replicas === 1) return;
  if (s.method === "chees" || s.backend === "webgpu") {
    throw new InputError("tempering runs NUTS chains on the CPU: leave out --method chees and --backend webgpu, or tempering");
  }
  if (s.adaptation.startsWith("pooled")) {
    throw new InputError(`tempering does not combine with adaptation ${s.adaptation} (its chains meet at window ends): use stan-diag, dense, nutpie-diag, lowrank or fisher-dense`);
  }
}

function intOption(v: number, name: string, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new InputError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function resolveRoiPrior(input: true | RoiPriorConfig): RoiPriorConfig {
  if (input === true) return {};
  if (typeof input !== "object") throw new InputError(`roiPrior must be true or { calibrationRows } / { calibrationDates }, got ${String(input)}`);
  if (input.calibrationRows && input.calibrationDates) {
    throw new InputError("roiPrior: give calibrationRows or calibrationDates, not both");
  }
  const out: RoiPriorConfig = {};
  if (input.calibrationRows) {
    const [a, b] = input.calibrationRows;
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a < b)) {
      throw new InputError(`roiPrior.calibrationRows must be integers [start, end) with 0 <= start < end, got [${a}, ${b}]`);
    }
    out.calibrationRows = [a, b];
  }
  if (input.calibrationDates) out.calibrationDates = [input.calibrationDates[0], input.calibrationDates[1]];
  return out;
}

/**
 * The seasonal period and carryover window a fit of data with this spacing of
 * dates gets where the input leaves them out (model/cadence.ts): a year of
 * periods (365 daily, 52 weekly, 12 monthly), 13 weeks of daily lags. Weekday
 * seasonality on dates that are not daily is refused.
 */
export function withCadenceDefaults(input: FitConfigInput, frequency: Frequency | undefined): FitConfigInput {
  const weekday = input.weekdaySeasonality ?? false;
  // weekday[t mod 7] is a day-of-week effect only where the rows are days (MODEL.md: daily data only).
  if (weekday && frequency !== undefined && frequency !== "daily") {
    throw new InputError(`weekday seasonality (--weekday-seasonality) needs daily data; the dates are ${frequency}`);
  }
  const lags = defaultCarryoverLags(frequency, weekday);
  return {
    ...input,
    seasonalityFrequency: input.seasonalityFrequency ?? periodsPerYear(frequency, weekday),
    // Only where it differs from the structure's own default (makeStructure's, without dates), so records stay as they were.
    ...(input.maxLag === undefined && lags !== defaultCarryoverLags(undefined, weekday) ? { maxLag: lags } : {}),
  };
}

export function resolveConfig(input: FitConfigInput = {}): FitConfig {
  const model = resolveModelName(input);
  const weekday = input.weekdaySeasonality ?? false;
  const given = input.sampler ?? {};
  const s = { ...DEFAULT_SAMPLER, ...given };
  // Lockstep chains run in the coordinates their kernels and benchmark have, and adapt each chain's step
  // size to their own target acceptance, unless told otherwise.
  const lockstep = lockstepRequested(s.backend, s.method);
  if (given.parameterisation === undefined && lockstep) s.parameterisation = LOCKSTEP_PARAMETERISATION;
  if (given.targetAccept === undefined) s.targetAccept = lockstep ? LOCKSTEP_TARGET_ACCEPT : DEFAULT_SAMPLER.targetAccept;
  intOption(s.chains, "chains", 1);
  intOption(s.warmup, "warmup", 0);
  intOption(s.samples, "samples", 1);
  intOption(s.seed, "seed", 0);
  intOption(s.maxTreeDepth, "max tree depth", 1);
  if (s.gpuLanes !== undefined && !(Number.isInteger(s.gpuLanes) && s.gpuLanes >= 1 && s.gpuLanes <= 256 && (s.gpuLanes & (s.gpuLanes - 1)) === 0)) {
    throw new InputError(`gpu lanes must be a power of two from 1 to 256, got ${s.gpuLanes}`);
  }
  // Lanes are a WebGPU kernel's: asked for where no WebGPU lockstep chains can run, they would be ignored.
  if ((s.gpuLanes ?? 1) > 1 && (!lockstep || s.backend === "cpu")) {
    throw new InputError("gpu lanes apply to lockstep chains on WebGPU: use them with --backend webgpu (or --method chees), not with NUTS or --backend cpu");
  }
  if (s.maxTreeDepth > 30) throw new InputError(`max tree depth must be at most 30 (2^depth leapfrog steps per draw), got ${s.maxTreeDepth}`);
  if (!Number.isSafeInteger(s.seed)) throw new InputError(`seed must be a safe integer, got ${s.seed}`);
  if (!(s.targetAccept > 0 && s.targetAccept < 1)) {
    throw new InputError(`target accept must lie strictly between 0 and 1, got ${s.targetAccept}`);
  }
  if (!INIT_STRATEGIES.includes(s.init)) {
    throw new InputError(`init must be one of ${INIT_STRATEGIES.join(", ")}, got "${s.init}"`);
  }
  if (!ADAPTATION_KINDS.includes(s.adaptation)) {
    throw new InputError(`adaptation must be one of ${ADAPTATION_KINDS.join(", ")}, got "${s.adaptation}"`);
  }
  if (s.initialMetric !== undefined && !INITIAL_METRICS.includes(s.initialMetric)) {
    throw new InputError(`initial metric must be one of ${INITIAL_METRICS.join(", ")}, got "${s.initialMetric}"`);
  }
  if (!(s.math in MATH_MODE)) {
    throw new InputError(`math must be one of accurate, fast, exact, got "${s.math}"`);
  }
  if (!(s.initJitter >= 0 && Number.isFinite(s.initJitter))) {
    throw new InputError(`init jitter must be a non-negative number, got ${s.initJitter}`);
  }
  if (s.threads !== undefined) intOption(s.threads, "threads", 0);
  s.parameterisation = checkParameterisation(s.parameterisation);
  if (!["auto", "cpu", "webgpu"].includes(s.backend)) {
    throw new InputError(`backend must be one of auto, cpu, webgpu, got "${s.backend}"`);
  }
  if (s.method !== undefined && !["nuts", "chees"].includes(s.method)) {
    throw new InputError(`method must be nuts or chees, got "${s.method}"`);
  }
  checkTempering(s);
  s.maxSamples = resolveDraws(input.sampler ?? {}).maxSamples;
  const degrees = intOption(input.degreesSeasonality ?? 2, "degrees of seasonality", 0);
  const frequency = input.seasonalityFrequency ?? periodsPerYear(undefined, weekday);
  if (!(frequency > 0 && Number.isFinite(frequency))) {
    throw new InputError(`seasonality frequency must be a positive number, got ${frequency}`);
  }
  // Fourier terms above half the period alias onto lower ones: the data cannot tell them apart.
  if (degrees > Math.floor(frequency / 2)) {
    throw new InputError(
      `degrees of seasonality ${degrees} is more than the data can resolve at a period of ${frequency} (at most ${Math.floor(frequency / 2)}: higher terms repeat lower ones)`,
    );
  }
  const scale = input.mediaPriorScale ?? 0.15;
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new InputError(`media prior scale must be a positive number, got ${scale}`);
  }
  if (input.maxLag !== undefined) intOption(input.maxLag, "max lag", 1);
  return {
    model,
    normaliseAdstock: input.normaliseAdstock ?? true,
    ...(input.maxLag !== undefined ? { maxLag: input.maxLag } : {}),
    degreesSeasonality: degrees,
    seasonalityFrequency: frequency,
    weekdaySeasonality: weekday,
    mediaPriorScale: scale,
    costs: input.costs,
    customPriors: input.customPriors ?? {},
    scalers: input.scalers ?? {},
    ...(input.liftTests?.length ? { liftTests: input.liftTests } : {}),
    ...(input.roiPrior ? { roiPrior: resolveRoiPrior(input.roiPrior) } : {}),
    sampler: s,
  };
}
