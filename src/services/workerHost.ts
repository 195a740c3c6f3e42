// A uniform handle on a worker, whether a Node worker_thread or a browser
// Web Worker, so the pool has one code path for both.

import type { FromWorker, ToWorker } from "./protocol.js";

export interface WorkerHandle {
  post(m: ToWorker): void;
  /** Exactly one of these fires when the worker ends abnormally. */
  onMessage(h: (m: FromWorker) => void): void;
  onFailure(h: (cause: string) => void): void;
  terminate(): Promise<void>;
}

export type WorkerFactory = () => WorkerHandle | Promise<WorkerHandle>;

const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";

/** Where the bundled worker lives: beside the bundle (dist/), or dist/ from the sources. */
async function nodeWorkerUrl(): Promise<URL> {
  const { existsSync } = await import("node:fs");
  const candidates = [new URL("./worker.js", import.meta.url), new URL("../../dist/worker.js", import.meta.url)];
  const found = candidates.find((u) => existsSync(u));
  if (!found) throw new Error("dist/worker.js not found: run `npm run build` first");
  return found;
}

/**
 * Reports the first abnormal end of a worker once, and nothing after a
 * deliberate terminate(): the part both kinds of worker handle share.
 */
function failureLatch() {
  let ended = false;
  const handlers: ((cause: string) => void)[] = [];
  return {
    fail(cause: string) {
      if (ended) return;
      ended = true;
      for (const h of handlers) h(cause);
    },
    onFailure: (h: (cause: string) => void) => void handlers.push(h),
    end() {
      ended = true;
    },
  };
}

export interface NodeWorkerOptions {
  /** Heap limits per worker (Node's ResourceLimits), e.g. to cap memory. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number };
}

export async function nodeWorkerFactory(options: NodeWorkerOptions = {}): Promise<WorkerFactory> {
  const { Worker } = await import("node:worker_threads");
  const url = await nodeWorkerUrl();
  return () => {
    const w = new Worker(url, { resourceLimits: options.resourceLimits });
    const latch = failureLatch();
    w.on("error", (e) => latch.fail(`worker error: ${e?.message ?? e}`));
    w.on("messageerror", (e) => latch.fail(`message could not be decoded: ${e?.message ?? e}`));
    w.on("exit", (code) => latch.fail(`worker exited unexpectedly with code ${code}`));
    return {
      post: (m) => w.postMessage(m),
      onMessage: (h) => w.on("message", h),
      onFailure: latch.onFailure,
      terminate: async () => {
        latch.end();
        await w.terminate();
      },
    };
  };
}

/** Browser Web Workers from a script URL (the bundled worker entry). */
export function webWorkerFactory(scriptUrl: string | URL): WorkerFactory {
  return () => {
    const w = new Worker(scriptUrl, { type: "module" });
    const latch = failureLatch();
    w.addEventListener("error", (e) => latch.fail(`worker error: ${(e as ErrorEvent).message ?? "unknown"}`));
    w.addEventListener("messageerror", () => latch.fail("message could not be decoded"));
    return {
      post: (m) => w.postMessage(m),
      onMessage: (h) => w.addEventListener("message", (e) => h((e as MessageEvent).data as FromWorker)),
      onFailure: latch.onFailure,
      terminate: async () => {
        latch.end();
        w.terminate();
      },
    };
  };
}

/**
 * Node: dist/worker.js in worker_threads. Browsers: the worker bundle beside
 * this module (dist/browser/worker.js sits next to dist/browser/index.js);
 * hosts that serve it elsewhere pass webWorkerFactory(theirUrl) instead.
 */
export async function defaultWorkerFactory(): Promise<WorkerFactory> {
  if (isNode) return nodeWorkerFactory();
  return webWorkerFactory(new URL("./worker.js", import.meta.url));
}

export async function availableCores(): Promise<number> {
  if (isNode) {
    const os = await import("node:os");
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
}

/**
 * Worker threads for `chains` chains: the number asked (0: the calling
 * thread), else one per core; never more than one per chain (more would sit idle).
 */
export async function threadsFor(asked: number | undefined, chains: number): Promise<number> {
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 0)) throw new Error(`threads must be a non-negative integer, got ${asked}`);
  return Math.min(asked ?? (await availableCores()), chains);
}
