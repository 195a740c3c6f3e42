// Runs several chains, in worker threads or in the calling thread, behind
// one API. Each chain is fully determined by (seed, chainId, options), so the
// draws are identical whatever the thread count or scheduling order.

import type { ChainOptions, ChainResult } from "../sampler/index.js";
import { compileCore } from "../density/wasmCore.js";
import type { DensitySpec } from "./densitySpec.js";
import type { ChainJob, FromWorker, ToWorker } from "./protocol.js";
import { runChainJob, StagedChainHost } from "./runChainJob.js";
import { isStaged, runStaged, type StagedChain } from "./stagedChains.js";
import { coldChains, DEFAULT_MIN_BETA, isTempered, replicaJobs, runLadders, type TemperingOptions, type TemperingSummary } from "./temperedChains.js";
import { temperatureLadder } from "../sampler/tempering.js";
import { availableCores, defaultWorkerFactory, type WorkerFactory, type WorkerHandle } from "./workerHost.js";

export type PerChainOptions = Omit<ChainOptions, "seed" | "chainId" | "initialPosition">;

export interface ChainProgress {
  chainId: number;
  /** What the progress line is about when it is not one chain (e.g. "1024 chains (WebGPU, lockstep)"). */
  label?: string;
  /** Completed iterations, warm-up and sampling together. */
  iteration: number;
  total: number;
  phase: "warmup" | "sampling";
  divergences: number;
}

export interface RunChainsOptions {
  density: DensitySpec;
  chains: number;
  seed: number;
  /** Initial position per chain (unconstrained). */
  initialPosition: (chainId: number) => Float64Array;
  chainOptions?: PerChainOptions;
  /** Workers to use; 0 runs every chain in the calling thread. Default: min(chains, cores). */
  threads?: number;
  onProgress?(p: ChainProgress): void;
  /** Aborting stops every chain at its next iteration; the partial chains are returned. */
  signal?: AbortSignal;
  /** How to start a worker (browsers pass webWorkerFactory(url)); Node's default needs no help. */
  workerFactory?: WorkerFactory;
  /** Parallel tempering: each chain a ladder of replicas swapping states (services/temperedChains.ts); off when absent or 1 replica. */
  tempering?: TemperingOptions;
}

export interface RunChainsResult {
  /** Ordered by chain id. */
  chains: ChainResult[];
  /** Seconds each chain ran inside its worker. */
  chainSeconds: number[];
  wallSeconds: number;
  threads: number;
  /** With tempering: the ladder and each chain's swap rates. */
  tempering?: TemperingSummary;
}

/** A chain or its worker failed; names the chain and the cause. */
export class ChainFailure extends Error {
  override name = "ChainFailure";
  constructor(
    readonly chainId: number,
    readonly causeText: string,
  ) {
    super(`chain ${chainId} failed: ${causeText}`);
  }
}

function validate(o: RunChainsOptions): void {
  if (!Number.isInteger(o.chains) || o.chains < 1) throw new Error(`chains must be a positive integer, got ${o.chains}`);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new Error(`seed must be a non-negative integer, got ${o.seed}`);
  if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 0)) {
    throw new Error(`threads must be a non-negative integer, got ${o.threads}`);
  }
}

function makeJobs(o: RunChainsOptions): ChainJob[] {
  return Array.from({ length: o.chains }, (_, chainId) => ({
    chainId,
    density: o.density,
    options: { ...(o.chainOptions ?? {}), seed: o.seed, chainId, initialPosition: o.initialPosition(chainId) },
  }));
}

function totalIterations(o: RunChainsOptions): number {
  return (o.chainOptions?.numWarmup ?? 1000) + (o.chainOptions?.numDraws ?? 1000);
}

/** What the ways of running chains share: the options, the jobs, the compiled core, the threads, and where results go (by chain). */
interface ChainRun {
  o: RunChainsOptions;
  jobs: ChainJob[];
  module: WebAssembly.Module;
  threads: number;
  onMessage: (m: FromWorker) => void;
  results: (ChainResult | undefined)[];
  seconds: number[];
}

export async function runChains(o: RunChainsOptions): Promise<RunChainsResult> {
  validate(o);
  const cores = await availableCores();
  // More workers than chains would sit idle: the run uses (and records) at most one per chain.
  const threads = Math.min(o.threads ?? Math.min(o.chains, cores), o.chains);
  const started = performance.now();
  const jobs = makeJobs(o);
  const total = totalIterations(o);
  const results = new Array<ChainResult | undefined>(o.chains);
  const seconds = new Array<number>(o.chains).fill(0);
  const onMessage = (m: FromWorker) => {
    if (m.type === "progress") {
      o.onProgress?.({ chainId: m.chainId, iteration: m.iteration, total, phase: m.phase, divergences: m.divergences });
    }
  };
  // Compiled asynchronously: browsers refuse to compile a module this size synchronously on the main thread.
  const module = await compileCore();
  const run: ChainRun = { o, jobs, module, threads: Math.min(threads, o.chains), onMessage, results, seconds };
  let tempering: TemperingSummary | undefined;
  if (isTempered(o.tempering)) {
    const betas = temperatureLadder(o.tempering.replicas, o.tempering.minBeta ?? DEFAULT_MIN_BETA);
    const replicas = replicaJobs(jobs, betas);
    // Only the chains' own (beta = 1) replicas report progress.
    const ownProgress = {
      ...run,
      onMessage: (m: FromWorker) => {
        if (m.type !== "progress" || m.chainId < o.chains) onMessage(m);
      },
    };
    const out = await runStagedJobs(ownProgress, replicas, async (staged) => {
      const ladders = await runLadders(staged, betas, total, o.seed);
      tempering = ladders.summary;
      return ladders.results;
    });
    const cold = coldChains(out.results, betas.length, out.seconds);
    cold.chains.forEach((r, c) => (results[c] = r));
    cold.seconds.forEach((t, c) => (seconds[c] = t));
  } else if (isStaged(o.chainOptions ?? {}, o.chains)) {
    const out = await runStagedJobs(run, jobs, (staged) => runStaged(staged, o.chainOptions?.numWarmup ?? 1000, o.seed));
    out.results.forEach((r, c) => (results[c] = r));
    out.seconds.forEach((t, c) => (seconds[c] = t));
  } else if (threads === 0) {
    for (const job of jobs) {
      let failure: ChainFailure | undefined;
      runChainJob(
        job,
        (m) => {
          onMessage(m);
          if (m.type === "done") {
            results[m.chainId] = m.result;
            seconds[m.chainId] = m.seconds;
          } else if (m.type === "error") failure = new ChainFailure(m.chainId, m.message);
        },
        module,
        () => o.signal?.aborted ?? false,
      );
      if (failure) throw failure;
    }
  } else {
    await runInWorkers(run);
  }
  return {
    chains: results as ChainResult[],
    chainSeconds: seconds,
    wallSeconds: (performance.now() - started) / 1000,
    threads,
    ...(tempering ? { tempering } : {}),
  };
}

/** The error of a run stopped where no chain could keep its draws. */
function abortedWithoutResults(): Error {
  return new DOMException(
    "aborted: the chains were stopped without results (returning partial chains needs SharedArrayBuffer, i.e. a cross-origin isolated page)",
    "AbortError",
  ) as unknown as Error;
}

/**
 * Listens for the abort signal. With workers (`workers` true) and a
 * SharedArrayBuffer, abort raises a flag the workers share (running chains
 * stop between iterations and keep their draws); without one, `withoutFlag`
 * runs. `release` stops listening.
 */
function stopOnAbort(signal: AbortSignal | undefined, workers: boolean, withoutFlag: () => void) {
  const stopBuffer = workers && typeof SharedArrayBuffer !== "undefined" ? new SharedArrayBuffer(4) : undefined;
  const stopFlag = stopBuffer ? new Int32Array(stopBuffer) : undefined;
  const onAbort = () => {
    if (!workers) return;
    if (stopFlag) Atomics.store(stopFlag, 0, 1);
    else withoutFlag();
  };
  signal?.addEventListener("abort", onAbort);
  return { stopBuffer, onAbort, release: () => signal?.removeEventListener("abort", onAbort) };
}

async function runInWorkers({ o, jobs, module, threads, onMessage, results, seconds }: ChainRun): Promise<void> {
  const factory = o.workerFactory ?? (await defaultWorkerFactory());
  // A shared flag stops running chains between iterations. Pages that are not
  // cross-origin isolated have no SharedArrayBuffer: there, aborting ends the
  // workers instead and the run rejects with an AbortError (no partial chains).
  const workers: WorkerHandle[] = [];
  const queue = [...jobs];
  let abortWithoutFlag: (() => void) | undefined;
  const { stopBuffer, onAbort, release } = stopOnAbort(o.signal, true, () => abortWithoutFlag?.());
  try {
    await new Promise<void>((resolve, reject) => {
      let remaining = jobs.length;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      abortWithoutFlag = () => fail(abortedWithoutResults());
      if (o.signal?.aborted) onAbort();
      const startWorker = async () => {
        let current: number | undefined;
        let w: WorkerHandle;
        try {
          w = await factory();
        } catch (e) {
          fail(new Error(`could not start a worker: ${(e as Error).message}`));
          return;
        }
        workers.push(w);
        const next = () => {
          const job = queue.shift();
          if (!job) return;
          current = job.chainId;
          w.post({ type: "run", job });
        };
        w.onFailure((cause) => fail(new ChainFailure(current ?? -1, cause)));
        w.onMessage((m) => {
          onMessage(m);
          if (m.type === "error") fail(new ChainFailure(m.chainId, m.message));
          else if (m.type === "done") {
            results[m.chainId] = m.result;
            seconds[m.chainId] = m.seconds;
            current = undefined;
            remaining -= 1;
            if (remaining === 0) {
              settled = true;
              resolve();
            } else next();
          }
        });
        w.post({ type: "init", module, stopFlag: stopBuffer });
        next();
      };
      for (let i = 0; i < threads; i++) void startWorker();
    });
  } finally {
    release();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Chains that meet while they run (at warm-up window ends, or every
 * iteration for tempering's replicas): job i lives in thread i mod threads
 * (the calling thread when threads = 0) for the whole run, and `drive` moves
 * them; the draws do not depend on the threads. Returns each job's result
 * and seconds, in `jobs`' order.
 */
async function runStagedJobs(
  { o, module, threads, onMessage }: ChainRun,
  jobs: ChainJob[],
  drive: (staged: StagedChain[]) => Promise<ChainResult[]>,
): Promise<{ results: ChainResult[]; seconds: number[] }> {
  const slot = new Map(jobs.map((job, i) => [job.chainId, i]));
  const seconds = new Array<number>(jobs.length).fill(0);
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const settle = (m: FromWorker) => {
    onMessage(m);
    const w = waiting.get(m.chainId);
    if (m.type === "progress" || !w) return;
    waiting.delete(m.chainId);
    if (m.type === "error") w.reject(new ChainFailure(m.chainId, m.message));
    else if (m.type === "report") w.resolve(m.report);
    else {
      seconds[slot.get(m.chainId)!] = m.seconds;
      w.resolve(m.result);
    }
  };
  const workers: WorkerHandle[] = [];
  let posts: Array<(m: ToWorker) => void>;
  let failAll: ((e: Error) => void) | undefined;
  // The chains in this thread (threads = 0) poll the signal themselves.
  const { stopBuffer, onAbort, release } = stopOnAbort(o.signal, threads > 0, () => failAll?.(abortedWithoutResults()));
  try {
    if (threads === 0) {
      const host = new StagedChainHost(settle, module, () => o.signal?.aborted ?? false);
      posts = [(m) => host.handle(m as Extract<ToWorker, { type: "open" | "advance" | "finish" }>)];
    } else {
      const factory = o.workerFactory ?? (await defaultWorkerFactory());
      for (let i = 0; i < threads; i++) {
        const w = await factory();
        workers.push(w);
        w.onMessage(settle);
        w.onFailure((cause) => failAll?.(new ChainFailure(-1, cause)));
        w.post({ type: "init", module, stopFlag: stopBuffer });
      }
      posts = workers.map((w) => (m: ToWorker) => w.post(m));
    }
    const failed = new Promise<never>((_, reject) => {
      failAll = (e) => {
        for (const w of waiting.values()) w.reject(e);
        waiting.clear();
        reject(e);
      };
    });
    failed.catch(() => {});
    const postTo = (chainId: number, m: ToWorker) => posts[slot.get(chainId)! % posts.length]!(m);
    const request = <T>(chainId: number, m: ToWorker) =>
      Promise.race([
        new Promise<T>((resolve, reject) => {
          waiting.set(chainId, { resolve: resolve as (v: unknown) => void, reject });
          postTo(chainId, m);
        }),
        failed,
      ]);
    const staged: StagedChain[] = jobs.map((job) => {
      postTo(job.chainId, { type: "open", job });
      return {
        advance: (until, collectFrom, directive) =>
          request(job.chainId, { type: "advance", chainId: job.chainId, until, collectFrom, ...(directive ? { directive } : {}) }),
        finish: (directive) => request(job.chainId, { type: "finish", chainId: job.chainId, ...(directive ? { directive } : {}) }),
      };
    });
    if (o.signal?.aborted) onAbort();
    return { results: await drive(staged), seconds };
  } finally {
    release();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
