// Runs several chains, in worker threads or in the calling thread, behind
// one API. Each chain is fully determined by (seed, chainId, options), so the
// draws are identical whatever the thread count or scheduling order.

import type { ChainOptions, ChainResult } from "../sampler/index.js";
import { SamplerFailure } from "../errors.js";
import { compileCore } from "../density/wasmCore.js";
import type { DensitySpec } from "./densitySpec.js";
import { isLockstepReply, type ChainJob, type ChainMessage, type ChainReply, type FromWorker, type ToWorker } from "./protocol.js";
import { ChainHost } from "./chainHost.js";
import { isStaged, runStaged, type StagedChain } from "./stagedChains.js";
import { coldChains, DEFAULT_MIN_BETA, isTempered, replicaJobs, runLadders, type TemperingOptions, type TemperingSummary } from "./temperedChains.js";
import { temperatureLadder } from "../sampler/tempering.js";
import { defaultWorkerFactory, threadsFor, type WorkerFactory, type WorkerHandle } from "./workerHost.js";

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
  /**
   * Asked when every chain has its draws, with the chains so far: how many
   * draws each chain should add (0: none). The chains then go on where they
   * are (the same draws as if those had been asked for at the start), and it
   * is asked again. Not with tempering; not after a stop.
   */
  moreDraws?(chains: ChainResult[]): number | Promise<number>;
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
export class ChainFailure extends SamplerFailure {
  override name = "ChainFailure";
  /** `chainId` -1: a worker thread failed while none of its chains was running (between chains, or waiting for the others). */
  constructor(
    readonly chainId: number,
    readonly causeText: string,
  ) {
    super(chainId >= 0 ? `chain ${chainId} failed: ${causeText}` : `a worker thread failed while none of its chains was running: ${causeText}`);
  }
}

function validate(o: RunChainsOptions): void {
  if (!Number.isInteger(o.chains) || o.chains < 1) throw new Error(`chains must be a positive integer, got ${o.chains}`);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new Error(`seed must be a non-negative integer, got ${o.seed}`);
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
  onMessage: (m: ChainReply) => void;
  results: (ChainResult | undefined)[];
  seconds: number[];
}

export async function runChains(o: RunChainsOptions): Promise<RunChainsResult> {
  validate(o);
  // The run uses (and records) at most one worker per chain.
  const threads = await threadsFor(o.threads, o.chains);
  const started = performance.now();
  const jobs = makeJobs(o);
  let total = totalIterations(o);
  const results = new Array<ChainResult | undefined>(o.chains);
  const seconds = new Array<number>(o.chains).fill(0);
  const onMessage = (m: ChainReply) => {
    if (m.type === "progress") {
      o.onProgress?.({ chainId: m.chainId, iteration: m.iteration, total, phase: m.phase, divergences: m.divergences });
    }
  };
  // Compiled asynchronously: browsers refuse to compile a module this size synchronously on the main thread.
  const module = await compileCore();
  const run: ChainRun = { o, jobs, module, threads, onMessage, results, seconds };
  // Chains asked for more draws continue where they are (ChainRunner.extend); the progress total grows with them.
  const extend = async (first: ChainResult[], more: (chainId: number, draws: number) => Promise<ChainResult>) =>
    extendChains(first, o.moreDraws, (draws) => (total += draws), more);
  let tempering: TemperingSummary | undefined;
  if (isTempered(o.tempering)) {
    const betas = temperatureLadder(o.tempering.replicas, o.tempering.minBeta ?? DEFAULT_MIN_BETA);
    const replicas = replicaJobs(jobs, betas);
    // Only the chains' own (beta = 1) replicas report progress.
    const ownProgress = {
      ...run,
      onMessage: (m: ChainReply) => {
        if (m.type !== "progress" || m.chainId < o.chains) onMessage(m);
      },
    };
    const out = await runStagedJobs(ownProgress, replicas, false, async (staged) => {
      const ladders = await runLadders(staged, betas, total, o.seed);
      tempering = ladders.summary;
      return ladders.results;
    });
    const cold = coldChains(out.results, betas.length, out.seconds);
    cold.chains.forEach((r, c) => (results[c] = r));
    cold.seconds.forEach((t, c) => (seconds[c] = t));
  } else if (isStaged(o.chainOptions ?? {}, o.chains)) {
    const out = await runStagedJobs(run, jobs, o.moreDraws !== undefined, async (staged) =>
      extend(await runStaged(staged, o.chainOptions?.numWarmup ?? 1000, o.seed), (c, n) => staged[c]!.extend(n)),
    );
    out.results.forEach((r, c) => (results[c] = r));
    out.seconds.forEach((t, c) => (seconds[c] = t));
  } else {
    await runQueued(run, extend);
  }
  return {
    chains: results as ChainResult[],
    chainSeconds: seconds,
    wallSeconds: (performance.now() - started) / 1000,
    threads,
    ...(tempering ? { tempering } : {}),
  };
}

/**
 * Asks `moreDraws` (if given) how many draws each chain should add, runs
 * them with `more` and joins them to the chains, until it says 0 or a chain
 * was stopped. `grow` learns each addition first (for the progress total).
 */
async function extendChains(
  chains: ChainResult[],
  moreDraws: RunChainsOptions["moreDraws"],
  grow: (draws: number) => void,
  more: (chainId: number, draws: number) => Promise<ChainResult>,
): Promise<ChainResult[]> {
  if (!moreDraws) return chains;
  for (;;) {
    if (chains.some((c) => c.interrupted)) return chains;
    const draws = await moreDraws(chains);
    if (!Number.isInteger(draws) || draws < 0) throw new Error(`moreDraws must return a non-negative integer, got ${draws}`);
    if (draws === 0) return chains;
    grow(draws);
    const blocks = await Promise.all(chains.map((_, k) => more(k, draws)));
    chains = chains.map((c, k) => appendBlock(c, blocks[k]!));
  }
}

/** A chain joined with the block of draws it added after (ChainRunner.extend). */
function appendBlock(chain: ChainResult, block: ChainResult): ChainResult {
  const dim = chain.dim;
  const n = chain.numDraws + block.numDraws;
  const draws = new Float64Array(n * dim);
  draws.set(chain.draws);
  draws.set(block.draws, chain.numDraws * dim);
  const stats = { ...chain.stats };
  for (const key of Object.keys(stats) as (keyof typeof stats)[]) {
    const a = chain.stats[key];
    const b = block.stats[key];
    const joined = new (a.constructor as { new (n: number): typeof a })(n);
    joined.set(a as never);
    joined.set(b as never, chain.numDraws);
    (stats as Record<string, unknown>)[key] = joined;
  }
  return {
    ...chain,
    numDraws: n,
    draws,
    stats,
    stepSize: block.stepSize,
    metric: block.metric,
    gradientEvaluations: { warmup: chain.gradientEvaluations.warmup, sampling: chain.gradientEvaluations.sampling + block.gradientEvaluations.sampling },
    divergences: { warmup: chain.divergences.warmup, sampling: chain.divergences.sampling + block.divergences.sampling },
    interrupted: block.interrupted,
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

/** The threads chains run in: workers, or this thread alone (threads = 0). */
interface ChainThreads {
  /** How many (1 for this thread). */
  count: number;
  /** Sends `m` about `chainId` to thread `t`, expecting no answer ("open"). */
  post(t: number, m: ToWorker): void;
  /** Sends `m` about `chainId` to thread `t` and resolves with the chain's report or result; rejects with a ChainFailure. */
  request<T>(t: number, chainId: number, m: ToWorker): Promise<T>;
  /** Each chain's seconds in its thread so far (every block included). */
  seconds: Map<number, number>;
}

/**
 * Starts the threads (`run.threads` workers, or this thread alone), gives
 * them to `use`, and ends them when it settles. A failing chain or worker
 * rejects every request waiting; an abort stops the chains (or, without a
 * SharedArrayBuffer, ends the workers with an AbortError).
 */
async function withChainThreads<T>({ o, module, threads, onMessage }: ChainRun, use: (t: ChainThreads) => Promise<T>): Promise<T> {
  const seconds = new Map<number, number>();
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  // Per chain, the thread holding it (a chain never moves): with `waiting`, what a dead worker takes down.
  const threadOf = new Map<number, number>();
  const settle = (m: FromWorker) => {
    // Chain workers answer chain messages only: a lockstep reply here would be a protocol error, and is ignored.
    if (isLockstepReply(m)) return;
    onMessage(m);
    const w = waiting.get(m.chainId);
    if (m.type === "progress" || !w) return;
    waiting.delete(m.chainId);
    if (m.type === "error") w.reject(new ChainFailure(m.chainId, m.message));
    else if (m.type === "report") w.resolve(m.report);
    else {
      seconds.set(m.chainId, m.seconds);
      w.resolve(m.result);
    }
  };
  const workers: WorkerHandle[] = [];
  let posts: Array<(m: ToWorker) => void>;
  let failAll: ((e: Error) => void) | undefined;
  // The chains in this thread (threads = 0) poll the signal themselves.
  const { stopBuffer, onAbort, release } = stopOnAbort(o.signal, threads > 0, () => failAll?.(abortedWithoutResults()));
  try {
    const failed = new Promise<never>((_, reject) => {
      failAll = (e) => {
        for (const w of waiting.values()) w.reject(e);
        waiting.clear();
        reject(e);
      };
    });
    failed.catch(() => {});
    if (threads === 0) {
      const host = new ChainHost(settle, module, () => o.signal?.aborted ?? false);
      posts = [(m) => host.handle(m as ChainMessage)];
    } else {
      const factory = o.workerFactory ?? (await defaultWorkerFactory());
      for (let i = 0; i < threads; i++) {
        let w: WorkerHandle;
        try {
          w = await factory();
        } catch (e) {
          throw new SamplerFailure(`could not start a worker: ${(e as Error).message}`);
        }
        workers.push(w);
        w.onMessage(settle);
        w.onFailure((cause) => {
          const on = (ids: Iterable<number>) => [...ids].filter((c) => threadOf.get(c) === i).sort((a, b) => a - b);
          failAll?.(workerFailure(on(waiting.keys()), on(threadOf.keys()), cause));
        });
        w.post({ type: "init", module, stopFlag: stopBuffer });
      }
      posts = workers.map((w) => (m: ToWorker) => w.post(m));
    }
    const request = <R>(t: number, chainId: number, m: ToWorker) =>
      Promise.race([
        new Promise<R>((resolve, reject) => {
          waiting.set(chainId, { resolve: resolve as (v: unknown) => void, reject });
          threadOf.set(chainId, t);
          posts[t]!(m);
        }),
        failed,
      ]);
    if (o.signal?.aborted) onAbort();
    const post = (t: number, m: ToWorker) => {
      if ("job" in m) threadOf.set(m.job.chainId, t);
      posts[t]!(m);
    };
    return await Promise.race([use({ count: posts.length, post, request, seconds }), failed]);
  } finally {
    release();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * A dead worker's failure: under the first chain that was running in it (naming the others), or,
 * where none was (between chains, or waiting for the others), naming the chains it held. Both lists sorted.
 */
function workerFailure(running: number[], held: number[], cause: string): ChainFailure {
  if (running.length) return new ChainFailure(running[0]!, running.length > 1 ? `${cause} (chains ${running.join(", ")} were running in that worker)` : cause);
  return new ChainFailure(-1, held.length ? `${cause} (it held chain${held.length > 1 ? "s" : ""} ${held.join(", ")})` : cause);
}

/**
 * Chains run each to its end, queued for the first free thread; then, with
 * moreDraws, extended by the thread holding each (`extend`).
 */
async function runQueued(
  run: ChainRun,
  extend: (first: ChainResult[], more: (chainId: number, draws: number) => Promise<ChainResult>) => Promise<ChainResult[]>,
): Promise<void> {
  const { o, jobs, results, seconds } = run;
  const keep = o.moreDraws !== undefined;
  await withChainThreads(run, async (threads) => {
    const queue = [...jobs];
    const holder = new Map<number, number>();
    const first = new Array<ChainResult>(jobs.length);
    await Promise.all(
      Array.from({ length: threads.count }, async (_, t) => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          holder.set(job.chainId, t);
          first[job.chainId] = await threads.request<ChainResult>(t, job.chainId, { type: "run", job, ...(keep ? { keep } : {}) });
        }
      }),
    );
    const chains = await extend(first, (chainId, draws) => threads.request<ChainResult>(holder.get(chainId)!, chainId, { type: "extend", chainId, draws }));
    chains.forEach((r, c) => {
      results[c] = r;
      seconds[c] = threads.seconds.get(c) ?? 0;
    });
  });
}

/**
 * Chains that meet while they run (at warm-up window ends, or every
 * iteration for tempering's replicas): job i lives in thread i mod threads
 * (the calling thread when threads = 0) for the whole run, and `drive` moves
 * them; the draws do not depend on the threads. With `keep`, finished chains
 * stay in their threads for extend. Returns each job's result and seconds,
 * in `jobs`' order.
 */
async function runStagedJobs(
  run: ChainRun,
  jobs: ChainJob[],
  keep: boolean,
  drive: (staged: StagedChain[]) => Promise<ChainResult[]>,
): Promise<{ results: ChainResult[]; seconds: number[] }> {
  return withChainThreads(run, async (threads) => {
    const staged: StagedChain[] = jobs.map((job, i) => {
      const t = i % threads.count;
      const chainId = job.chainId;
      threads.post(t, { type: "open", job });
      return {
        advance: (until, collectFrom, directive) =>
          threads.request(t, chainId, { type: "advance", chainId, until, collectFrom, ...(directive ? { directive } : {}) }),
        finish: (directive) => threads.request(t, chainId, { type: "finish", chainId, ...(directive ? { directive } : {}), ...(keep ? { keep } : {}) }),
        extend: (draws) => threads.request(t, chainId, { type: "extend", chainId, draws }),
      };
    });
    const results = await drive(staged);
    return { results, seconds: jobs.map((job) => threads.seconds.get(job.chainId) ?? 0) };
  });
}
