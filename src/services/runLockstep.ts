// Runs many chains in lockstep (ChEES-HMC) on a backend: the CPU (float64,
// in this thread) or WebGPU (float32 shaders, whole trajectories on the GPU).
// Like runChains it takes a DensitySpec and returns per-chain results; the
// sampler itself (src/sampler/lockstep) knows nothing of backends.

import { ParameterLayout } from "../model/layout.js";
import { createDensity, type DensitySpec } from "./densitySpec.js";
import { lockstepNutsStart } from "./lockstepNutsStart.js";
import { lockstepPathfinderStart } from "./pathfinderStart.js";
import type { ChainProgress } from "./runChains.js";
import { cpuLockstepIntegrator } from "../sampler/lockstep/cpuIntegrator.js";
import { threadedLockstepIntegrator } from "./threadedLockstep.js";
import { threadsFor, type WorkerFactory } from "./workerHost.js";
import type { LockstepIntegrator } from "../sampler/lockstep/integrator.js";
import { sampleChees, type CheesOptions, type CheesResult } from "./lockstepChains.js";
import type { RunCounts } from "./cheesTypes.js";
import type { DrawStats } from "../sampler/chain.js";

export type LockstepBackend = "cpu" | "webgpu";

export interface RunLockstepOptions {
  density: DensitySpec;
  chains: number;
  seed: number;
  backend: LockstepBackend;
  /** Centre of the starting points (unconstrained); each superchain starts at centre + uniform(-initRadius, initRadius). */
  initialPosition: Float64Array;
  initRadius: number;
  warmup: number;
  draws: number;
  /** Target of each chain's acceptance probability (default 0.8). */
  targetAccept?: number;
  maxSteps?: number;
  /** Superchains for nested R-hat (default: see defaultSuperchains). */
  superchains?: number;
  /**
   * Warm-up iterations of a NUTS leader per superchain before the lockstep
   * chains start (services/lockstepNutsStart.ts; default 0: none). The
   * chains then start where their leader ended, with no burn-in.
   */
  nutsStartWarmup?: number;
  /**
   * Start from multi-path Pathfinder instead (services/pathfinderStart.ts;
   * default false): each superchain at one resampled draw, under the
   * diagonal of the best path's covariance, with no burn-in.
   */
  pathfinderStart?: boolean;
  onProgress?(p: ChainProgress): void;
  signal?: AbortSignal;
  /** CPU backend: worker threads the chains are shared among (0: this thread). Default: min(chains, cores). */
  threads?: number;
  /** WebGPU backend: invocations sharing each chain's density (GpuMmmKernelOptions.lanes). Default 1. */
  gpuLanes?: number;
  /** Where those workers come from (default: dist/worker.js, or the browser bundle's worker). */
  workerFactory?: WorkerFactory;
  /** How many more draws every chain makes after its draws (CheesOptions.moreDraws; default none). */
  moreDraws?: CheesOptions["moreDraws"];
}

/** One chain's share of a lockstep run, in the shape chains are stored in (fit/record.ts's StoredChain adds the metric's kind). */
export interface LockstepChain extends RunCounts<number> {
  /** Row-major [numDraws][dim]. */
  draws: Float64Array;
  stats: DrawStats;
  /** Where the chain started. */
  initialPosition: Float64Array;
  /** Frozen step size and inverse metric of sampling. */
  stepSize: number;
  inverseMetric: Float64Array;
}

export interface RunLockstepResult {
  chains: LockstepChain[];
  superchains: number;
  trajectoryLength: number;
  wallSeconds: number;
  backend: LockstepBackend;
  /** The GPU adapter's description (webgpu backend). */
  adapter?: string;
  /** CPU backend: the worker threads the chains were shared among (0: the calling thread). */
  threads: number;
  raw: CheesResult;
}

/**
 * Superchains for nested R-hat: the largest divisor of the chain count not
 * above 16 (so 1024 chains run as 16 superchains of 64; a handful of chains
 * each form their own).
 */
export function defaultSuperchains(chains: number): number {
  for (let k = Math.min(16, chains); k >= 1; k--) if (chains % k === 0) return k;
  return 1;
}

/**
 * Builds the integrator a backend provides for a density spec: on the CPU,
 * the chains shared among `threads` workers (0: this thread); on WebGPU,
 * `gpuLanes` invocations per chain.
 */
export async function lockstepIntegrator(
  spec: DensitySpec,
  backend: LockstepBackend,
  chains: number,
  threads = 0,
  workerFactory?: WorkerFactory,
  gpuLanes = 1,
): Promise<{ integrator: LockstepIntegrator; adapter?: string }> {
  if (backend === "cpu") {
    const integrator = threads === 0 ? cpuLockstepIntegrator(createDensity(spec), chains) : await threadedLockstepIntegrator(spec, chains, threads, workerFactory);
    return { integrator };
  }
  if (spec.kind !== "mmm") throw new Error(`the WebGPU backend has no kernel for density kind "${spec.kind as string}"`);
  // Loaded on demand: CPU-only users never load the GPU code.
  const { sharedGpuDevice } = await import("../gpu/device.js");
  const { WebGpuLockstepIntegrator } = await import("../gpu/webGpuLockstepIntegrator.js");
  const { device, adapter } = await sharedGpuDevice();
  // The kernels apply the trend coordinates themselves (and refuse coordinates they do not implement).
  const integrator = await WebGpuLockstepIntegrator.create({ layout: new ParameterLayout(spec.structure), data: spec.data }, chains, {
    device,
    ...(spec.parameterisation ? { parameterisation: spec.parameterisation } : {}),
    lanes: gpuLanes,
  });
  return { integrator, adapter };
}

export async function runLockstep(o: RunLockstepOptions): Promise<RunLockstepResult> {
  const started = performance.now();
  // As runChains's; the GPU needs none.
  const threads = o.backend === "cpu" ? await threadsFor(o.threads, o.chains) : 0;
  const { integrator, adapter } = await lockstepIntegrator(o.density, o.backend, o.chains, threads, o.workerFactory, o.gpuLanes);
  const superchains = o.superchains ?? defaultSuperchains(o.chains);
  const lanes = o.backend === "webgpu" && (o.gpuLanes ?? 1) > 1 ? `, ${o.gpuLanes} lanes a chain` : "";
  const label = `${o.chains} chains (${o.backend === "webgpu" ? "WebGPU" : "CPU"}${lanes}, lockstep)`;
  let raw: CheesResult;
  let startGradients = 0;
  try {
    let start: Partial<CheesOptions> = {
      init: o.initRadius > 0 ? { kind: "jitter", position: o.initialPosition, radius: o.initRadius } : { kind: "point", position: o.initialPosition },
    };
    if (o.pathfinderStart && o.warmup > 0) {
      const pf = lockstepPathfinderStart(createDensity(o.density), { chains: o.chains, superchains, seed: o.seed });
      startGradients = pf.gradientEvaluations;
      start = { initialPositions: pf.initialPositions, initialInverseMetric: pf.initialInverseMetric, burnIn: 0 };
    } else if ((o.nutsStartWarmup ?? 0) > 0 && o.warmup > 0) {
      const nuts = lockstepNutsStart(createDensity(o.density), {
        chains: o.chains,
        superchains,
        seed: o.seed,
        warmup: o.nutsStartWarmup!,
        initialPosition: o.initialPosition,
        initRadius: o.initRadius,
        ...(o.signal ? { shouldStop: () => o.signal!.aborted } : {}),
      });
      startGradients = nuts.gradientEvaluations;
      start = { initialPositions: nuts.initialPositions, initialInverseMetric: nuts.initialInverseMetric, initialStepSize: nuts.initialStepSize, burnIn: 0 };
    }
    raw = await sampleChees(integrator, {
      seed: o.seed,
      warmup: o.warmup,
      draws: o.draws,
      ...start,
      superchains,
      ...(o.targetAccept !== undefined ? { targetAccept: o.targetAccept } : {}),
      ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
      onProgress: (p) => o.onProgress?.({ chainId: 0, label, iteration: p.iteration, total: p.total, phase: p.phase, divergences: p.divergences }),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.moreDraws ? { moreDraws: o.moreDraws } : {}),
    });
  } finally {
    integrator.dispose();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const { dim } = integrator;
  const n = raw.numDraws;
  const steps = raw.iterations.sampling.steps;
  // Gradients are spent by all chains together; each chain is charged an equal share.
  const share = (g: number) => g / o.chains;
  const chains: LockstepChain[] = raw.draws.map((draws, c) => ({
    draws,
    stats: {
      treeDepth: new Uint8Array(n),
      nLeapfrog: Int32Array.from(steps.subarray(0, n)),
      divergent: raw.divergent[c]!.subarray(0, n),
      // ChEES reports no Hamiltonian per draw: E-BFMI is undefined here.
      energy: new Float64Array(n).fill(Number.NaN),
      acceptStat: raw.acceptProb[c]!.subarray(0, n),
      stepSize: new Float64Array(n).fill(raw.stepSizes[c]!),
      logp: raw.logp[c]!.subarray(0, n),
    },
    initialPosition: raw.initialPositions.slice(c * dim, (c + 1) * dim),
    stepSize: raw.stepSizes[c]!,
    inverseMetric: raw.inverseMetric,
    gradientEvaluations: { warmup: share(raw.gradientEvaluations.warmup + startGradients), sampling: share(raw.gradientEvaluations.sampling) },
    divergences: { warmup: raw.divergences.warmup[c]!, sampling: raw.divergences.sampling[c]! },
    numWarmup: raw.numWarmup,
    numDraws: n,
    interrupted: raw.interrupted,
  }));
  return { chains, superchains, trajectoryLength: raw.trajectoryLength, wallSeconds, backend: o.backend, ...(adapter ? { adapter } : {}), threads, raw };
}
