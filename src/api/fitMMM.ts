// fitMMM: dataset + configuration in, fitted model out, for a national
// dataset or a geo one (the hierarchical model, MODEL.md "Geo (hierarchical)
// model": nGeos = G, scalers per (column, geo)). It wires the model
// (structure, scalers, layout) to the chain pool and keeps everything a
// fitted model needs to answer questions later.

import { InputError } from "../errors.js";
import { scaleLiftTests } from "../model/liftTests.js";
import { drawsCanGoOn, lockstepMostDraws, withCadenceDefaults, withGeoDefaults, MATH_MODE, resolveConfig, type FitConfig, type FitConfigInput } from "../fit/config.js";
import { datasetCosts, isGeoDataset, validateGeoTrainingRows, type GeoMediaDataset, type MediaDataset } from "../model/dataset.js";
import { ParameterLayout } from "../model/layout.js";
import { asGeoScalers, fitGeoScalers, fitScalers, geoLiftScales, scaleGeoRows, scaleRows, type FittedGeoScalers } from "../model/scaling.js";
import { isGeoModel, makeStructure, mediaPriorFromCosts, type ModelStructure } from "../model/structure.js";
import type { ScaledData } from "../model/scaledData.js";
import { planSampling } from "../services/backend.js";
import { runChains, type ChainProgress } from "../services/runChains.js";
import { defaultSuperchains, runLockstep } from "../services/runLockstep.js";
import { pathfinderChainStarts } from "../services/pathfinderStart.js";
import { requireLockstepAgreement } from "./lockstepAgreement.js";
import type { WorkerFactory } from "../services/workerHost.js";
import { keepChains } from "./interruptedChains.js";
import { drawsUntilAgreement, lockstepDrawsUntilAgreement } from "./drawsUntilAgreement.js";
import { samplingCoordinates } from "../services/densitySpec.js";
import type { Parameterisation, SamplingCoordinates } from "../model/samplingCoordinates.js";
import { gpuCoordinatesProblem } from "../gpu/coordinates.js";
import { FittedMMM } from "./fittedMMM.js";
import { FittedGeoMMM } from "./fittedGeoMMM.js";
import type { FitTiming, SamplingInfo, StartInfo, StoredChain } from "../fit/record.js";
import { coefficientChains, coefficientStructure, roiPriorModel } from "./roiPriorFit.js";

/** Whether a dataset holds geo data (model/dataset.ts; exported here too for older imports). */
export { isGeoDataset };

export interface FitCallbacks {
  onProgress?(p: ChainProgress): void;
  signal?: AbortSignal;
  workerFactory?: WorkerFactory;
}

export interface FitOptions {
  /** Rows (for geo data, dates in every geo) used for fitting: the first trainRows; the rest are test rows. Default: all. */
  trainRows?: number;
}

/** Fits a national dataset, or a geo dataset (then the geo model: per-geo answers and a national roll-up). */
export function fitMMM(dataset: GeoMediaDataset, configInput?: FitConfigInput, callbacks?: FitCallbacks & FitOptions): Promise<FittedGeoMMM>;
export function fitMMM(dataset: MediaDataset, configInput?: FitConfigInput, callbacks?: FitCallbacks & FitOptions): Promise<FittedMMM>;
export function fitMMM(dataset: MediaDataset | GeoMediaDataset, configInput?: FitConfigInput, callbacks?: FitCallbacks & FitOptions): Promise<FittedMMM | FittedGeoMMM>;
export function fitMMM(dataset: MediaDataset | GeoMediaDataset, configInput: FitConfigInput = {}, callbacks: FitCallbacks & FitOptions = {}): Promise<FittedMMM | FittedGeoMMM> {
  return fitAnyMMM(dataset, configInput, callbacks);
}

/** fitMMM for a caller holding data of either kind (a union type picks no overload above). */
export async function fitAnyMMM(
  dataset: MediaDataset | GeoMediaDataset,
  configInput: FitConfigInput = {},
  callbacks: FitCallbacks & FitOptions = {},
): Promise<FittedMMM | FittedGeoMMM> {
  return isGeoDataset(dataset) ? fitGeo(dataset, configInput, callbacks) : fitNational(dataset, configInput, callbacks);
}

async function fitNational(dataset: MediaDataset, configInput: FitConfigInput, callbacks: FitCallbacks & FitOptions): Promise<FittedMMM> {
  const config: FitConfig = resolveConfig(withCadenceDefaults(configInput, dataset.frequency));
  const trainRows = trainingRows(callbacks.trainRows, dataset.T, "rows");
  const costs = datasetCosts(dataset, trainRows, config.costs);
  const structure = structureFor(config, costs, { nChannels: dataset.channelNames.length, nExtra: dataset.extraNames.length });
  const scalers = fitScalers(dataset, trainRows, config.scalers);
  const data = scaleRows(dataset, scalers, 0, trainRows);
  const run = await sampleFit(structure, data, asGeoScalers(scalers), { channelNames: dataset.channelNames, dates: dataset.dates }, config, callbacks);
  const { structure: fitted, chains, timing, sampling } = run;
  return requireLockstepAgreement(new FittedMMM({ config, structure: fitted, scalers, dataset, trainRows, costs, chains, timing, sampling }));
}

async function fitGeo(dataset: GeoMediaDataset, configInput: FitConfigInput, callbacks: FitCallbacks & FitOptions): Promise<FittedGeoMMM> {
  const config: FitConfig = resolveConfig(withCadenceDefaults({ ...configInput, sampler: withGeoDefaults(configInput.sampler) }, dataset.frequency));
  const trainRows = trainingRows(callbacks.trainRows, dataset.T, "dates");
  validateGeoTrainingRows(dataset, trainRows);
  const costs = datasetCosts(dataset, trainRows, config.costs);
  const shape = { nChannels: dataset.channelNames.length, nExtra: dataset.extraNames.length, nGeos: dataset.G, geoExtra: dataset.extraPerGeo };
  const structure = structureFor(config, costs, shape);
  const scalers = fitGeoScalers(dataset, trainRows, config.scalers);
  const data = scaleGeoRows(dataset, scalers, 0, trainRows);
  const run = await sampleFit(structure, data, scalers, dataset, config, callbacks);
  const { structure: fitted, chains, timing, sampling } = run;
  return requireLockstepAgreement(new FittedGeoMMM({ kind: "geo", config, structure: fitted, scalers, dataset, trainRows, costs, chains, timing, sampling }));
}

/**
 * Samples a model on its scaled training data, national (one geo) or geo
 * alike: lift tests scaled by the (channel, geo) scalers, ROI priors
 * sampled through the derived coefficients (api/roiPriorFit.ts), whose
 * structure the fit then keeps.
 */
export async function sampleFit(
  structure: ModelStructure,
  data: ScaledData,
  scalers: FittedGeoScalers,
  names: { channelNames: string[]; geoNames?: string[]; dates?: string[] },
  config: FitConfig,
  callbacks: FitCallbacks,
): Promise<{ structure: ModelStructure; chains: StoredChain[]; timing: FitTiming; sampling: SamplingInfo }> {
  if (config.liftTests) data.liftTests = scaleLiftTests(config.liftTests, names.channelNames, names.geoNames, geoLiftScales(scalers));
  const G = scalers.target.length;
  const run = config.roiPrior
    ? await sampleWithRoiPrior(
        roiPriorModel(structure, data, config.roiPrior, {
          channelNames: names.channelNames,
          dates: names.dates,
          mediaScale: (series) => scalers.media[Math.floor(series / G)][series % G],
          targetScale: (g) => scalers.target[g],
        }),
        config,
        callbacks,
      )
    : await sampleModel(structure, data, config, callbacks);
  return { ...run, structure: config.roiPrior ? coefficientStructure(structure) : structure };
}

/**
 * Samples a model with ROI priors (api/roiPriorFit.ts); the chains come back
 * in the coordinates of the structure without them (derived coefficients).
 */
export async function sampleWithRoiPrior(
  model: { structure: ModelStructure; data: ScaledData },
  config: FitConfig,
  callbacks: FitCallbacks,
): Promise<{ chains: StoredChain[]; timing: FitTiming; sampling: SamplingInfo }> {
  const run = await sampleModel(model.structure, model.data, config, callbacks);
  return { ...run, chains: coefficientChains(model.structure, model.data, run.chains, MATH_MODE[config.sampler.math]) };
}

/** The first rows (dates, for geo data) a fit uses: `requested`, or all T, checked. */
export function trainingRows(requested: number | undefined, T: number, unit: "rows" | "dates"): number {
  const n = requested ?? T;
  if (!Number.isInteger(n) || n < 1 || n > T) throw new InputError(`train ${unit} must be an integer between 1 and ${T}, got ${n}`);
  return n;
}

/** The model structure a configuration gives data of this shape (costs set the media prior). */
export function structureFor(
  config: FitConfig,
  costs: number[],
  shape: { nChannels: number; nExtra: number; nGeos?: number; geoExtra?: boolean },
): ModelStructure {
  return makeStructure({
    model: config.model,
    ...shape,
    degreesSeasonality: config.degreesSeasonality,
    seasonalityFrequency: config.seasonalityFrequency,
    weekdaySeasonality: config.weekdaySeasonality,
    normaliseAdstock: config.normaliseAdstock ?? true,
    ...(config.maxLag !== undefined ? { carryoverLags: config.maxLag } : {}),
    mediaPrior: mediaPriorFromCosts(costs, config.mediaPriorScale),
    customPriors: config.customPriors,
  });
}

/**
 * The WGSL kernels cover every adstock x saturation, national with its ROI
 * priors and geo in the model's coordinates; what they lack (geo ROI priors,
 * lift tests, other coordinates) runs the same ChEES sampler
 * on the CPU, decided here before any GPU probe so that the outcome (and the
 * reason written in the fit's record and warnings) is the same on every
 * machine, with or without a GPU (docs/gpu.md).
 */
export function gpuProbeFor(structure: ModelStructure, data: Pick<ScaledData, "liftTests">, parameterisation?: Parameterisation) {
  const geo = isGeoModel(structure);
  const coordinates = gpuCoordinatesProblem(parameterisation, geo);
  const reasons = [
    ...(geo && structure.roiPrior === true ? ["the WebGPU geo kernel has no ROI priors"] : []),
    ...(data.liftTests ? ["the WebGPU kernels have no lift-test term"] : []),
    ...(coordinates ? [coordinates] : []),
  ];
  return reasons.length === 0 ? undefined : async () => ({ available: false, reason: reasons.join("; ") });
}

/**
 * Runs the chains on a model and its scaled training data, national or geo
 * alike: starts, warm-up and sampling as the configuration says.
 */
export async function sampleModel(
  structure: ModelStructure,
  data: ScaledData,
  config: FitConfig,
  callbacks: FitCallbacks = {},
): Promise<{ chains: StoredChain[]; timing: FitTiming; sampling: SamplingInfo }> {
  const layout = new ParameterLayout(structure);
  const s = config.sampler;
  // Chains start at the user's values or the prior medians, jittered by
  // initJitter; "median" starts exactly there; "random" without values is
  // Stan's uniform(-2, 2) around zero.
  const stanRandom = s.init === "random" && s.initValues === undefined;
  const start = stanRandom
    ? new Float64Array(layout.dim)
    : s.initValues === undefined
      ? layout.medianPoint()
      : layout.unconstrainFlat(layout.readValues(s.initValues));
  const initRadius = s.init === "median" ? 0 : stanRandom ? 2 : s.initJitter;
  // The WGSL kernels integrate in the model's own coordinates or the trend coordinates (gpu/wgsl/program.ts).
  const plan = await planSampling(s.backend, s.method, s.chains, gpuProbeFor(structure, data, s.parameterisation));
  const density = { kind: "mmm" as const, structure, data, mathMode: MATH_MODE[s.math], parameterisation: s.parameterisation };
  // Chains start and move in the sampler's coordinates; draws are stored in the model's.
  const coordinates = samplingCoordinates(density);
  // Stan's uniform(-2, 2) around zero is taken in the sampler's coordinates, as Stan takes it in its own.
  const startHere = coordinates && !stanRandom ? samplingPoint(coordinates, start) : start;
  const pathfinder = s.init === "pathfinder";
  if (pathfinder && s.initValues !== undefined) throw new InputError("init: pathfinder chooses the starting points itself; leave out init values, or use init jitter or median with them");
  if (plan.method === "chees") {
    const began = performance.now();
    let samplingBegan = NaN;
    // Chains that do not agree yet go on, as NUTS's do, by the lockstep rule (api/drawsUntilAgreement.ts).
    const most = lockstepMostDraws(s, layout.dim);
    const checks = { rHat: [] as number[], ess: [] as number[], nestedRHat: [] as number[] };
    const superchains = defaultSuperchains(s.chains);
    const run = await runLockstep({
      density,
      chains: s.chains,
      seed: s.seed,
      backend: plan.backend,
      initialPosition: startHere,
      initRadius,
      // Each superchain from one Pathfinder draw (its gradients are in the chains' warm-up totals).
      pathfinderStart: pathfinder,
      warmup: s.warmup,
      draws: s.samples,
      // The same cap on leapfrog steps per iteration as NUTS's tree depth.
      maxSteps: 2 ** s.maxTreeDepth - 1,
      // Each chain's step size adapts to it (LOCKSTEP_TARGET_ACCEPT unless the fit says otherwise).
      targetAccept: s.targetAccept,
      ...(s.threads !== undefined ? { threads: s.threads } : {}),
      ...(s.gpuLanes !== undefined ? { gpuLanes: s.gpuLanes } : {}),
      ...(callbacks.workerFactory ? { workerFactory: callbacks.workerFactory } : {}),
      onProgress: (p) => {
        if (p.phase === "sampling" && Number.isNaN(samplingBegan)) samplingBegan = performance.now();
        callbacks.onProgress?.(p);
      },
      ...(callbacks.signal ? { signal: callbacks.signal } : {}),
      superchains,
      ...(most > s.samples ? { moreDraws: lockstepDrawsUntilAgreement(layout, coordinates, superchains, s.samples, most, checks) } : {}),
    });
    const warmupSeconds = Number.isNaN(samplingBegan) ? run.wallSeconds : (samplingBegan - began) / 1000;
    return {
      chains: keepChains(
        run.chains.map((c) => inModelCoordinates({ ...c, metricKind: "diag" as const }, coordinates)),
        layout.dim,
        { warmup: s.warmup, samples: s.samples },
      ),
      timing: {
        wallSeconds: run.wallSeconds,
        warmupSeconds,
        samplingSeconds: Math.max(0, run.wallSeconds - warmupSeconds),
        chainSeconds: [],
        threads: run.threads,
      },
      sampling: {
        method: "chees",
        backend: run.backend,
        ...(run.adapter ? { adapter: run.adapter } : {}),
        superchains: run.superchains,
        trajectoryLength: run.trajectoryLength,
        ...(plan.fallback ? { fallback: plan.fallback } : {}),
        ...(checks.rHat.length > 0
          ? { extension: { asked: s.samples, most, rHat: checks.rHat, ess: checks.ess, ...(checks.nestedRHat.length > 0 ? { nestedRHat: checks.nestedRHat } : {}) } }
          : {}),
      },
    };
  }
  // Pathfinder's starts are in the sampler's coordinates already (it ran on the density the chains move on).
  const chosen = pathfinder ? await pathfinderChainStarts(density, s.chains, s.seed, callbacks.signal) : undefined;
  const startInfo: StartInfo = chosen ? chosen.info : { method: s.initValues !== undefined ? "values" : (s.init as "jitter" | "median" | "random") };
  // Chains that still disagree after their draws go on (api/drawsUntilAgreement.ts); not tempering's ladders.
  const most = drawsCanGoOn(s, plan.method) ? (s.maxSamples ?? s.samples) : s.samples;
  const checks = { rHat: [] as number[], ess: [] as number[] };
  const run = await runChains({
    density,
    chains: s.chains,
    seed: s.seed,
    threads: s.threads,
    initialPosition: chosen ? (c) => chosen.starts[c]! : () => startHere,
    chainOptions: {
      numWarmup: s.warmup,
      numDraws: s.samples,
      targetAccept: s.targetAccept,
      maxTreeDepth: s.maxTreeDepth,
      adaptation: s.adaptation,
      ...(s.initialMetric ? { initialMetric: s.initialMetric } : {}),
      initRadius: chosen ? 0 : initRadius,
    },
    onProgress: callbacks.onProgress,
    signal: callbacks.signal,
    workerFactory: callbacks.workerFactory,
    ...(s.tempering !== undefined ? { tempering: { replicas: s.tempering, minBeta: s.temperingMinBeta } } : {}),
    ...(most > s.samples ? { moreDraws: drawsUntilAgreement(layout, coordinates, s.samples, most, checks) } : {}),
  });
  const finished: StoredChain[] = run.chains.map((c) => inModelCoordinates({
    draws: c.draws,
    stats: c.stats,
    initialPosition: c.initialPosition,
    stepSize: c.stepSize,
    inverseMetric: c.metric.inverseMetric,
    metricKind: c.metric.kind,
    gradientEvaluations: c.gradientEvaluations,
    divergences: c.divergences,
    numWarmup: c.numWarmup,
    numDraws: c.numDraws,
    interrupted: c.interrupted,
  }, coordinates));
  const chains = keepChains(finished, layout.dim, { warmup: s.warmup, samples: s.samples });
  // Pathfinder ran before the chains, in warm-up's time.
  const pathfinderSeconds = chosen?.info.seconds ?? 0;
  const wall = run.wallSeconds + pathfinderSeconds;
  // Chains share threads one after another, so no moment divides warm-up from sampling (the first
  // chain samples while later ones have not started): warm-up's time is its share of the chains'
  // gradients, which cost alike in both phases.
  const warm = run.chains.reduce((a, c) => a + c.gradientEvaluations.warmup, 0);
  const all = warm + run.chains.reduce((a, c) => a + c.gradientEvaluations.sampling, 0);
  const warmupSeconds = pathfinderSeconds + (all > 0 ? (run.wallSeconds * warm) / all : run.wallSeconds);
  return {
    chains,
    timing: { wallSeconds: wall, warmupSeconds, samplingSeconds: Math.max(0, wall - warmupSeconds), chainSeconds: run.chainSeconds, threads: run.threads },
    sampling: {
      method: "nuts",
      backend: "cpu",
      start: startInfo,
      ...(run.tempering ? { tempering: run.tempering } : {}),
      ...(checks.rHat.length > 0 ? { extension: { asked: s.samples, most, ...checks } } : {}),
    },
  };
}

/** A point of the model's unconstrained coordinates in the sampler's. */
function samplingPoint(coordinates: SamplingCoordinates, u: Float64Array): Float64Array {
  const v = new Float64Array(u.length);
  coordinates.fromModel(u, v);
  return v;
}

/**
 * A chain's draws and starting point mapped from the sampler's coordinates to
 * the model's, in place (the step size and metric stay the sampler's).
 */
function inModelCoordinates<C extends { draws: Float64Array; initialPosition: Float64Array; numDraws: number }>(
  chain: C,
  coordinates: SamplingCoordinates | undefined,
): C {
  if (!coordinates) return chain;
  const dim = coordinates.dim;
  const u = new Float64Array(dim);
  for (let i = 0; i < chain.numDraws; i++) {
    const row = chain.draws.subarray(i * dim, (i + 1) * dim);
    coordinates.toModel(row, u);
    row.set(u);
  }
  coordinates.toModel(chain.initialPosition.slice(), chain.initialPosition);
  return chain;
}
