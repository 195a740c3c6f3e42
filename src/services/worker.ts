// Worker entry point (bundled separately as dist/worker.js). Runs in Node's
// worker_threads and in browser Web Workers: only the port differs.

import { isLockstepMessage, resultBuffers, type FromWorker, type ToWorker } from "./protocol.js";
import { ChainHost } from "./chainHost.js";
import { LockstepShard } from "./lockstepShard.js";

interface Port {
  post(m: FromWorker, transfer?: ArrayBuffer[]): void;
  listen(handler: (m: ToWorker) => void): void;
}

async function openPort(): Promise<Port> {
  const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
  if (isNode) {
    const { parentPort } = await import("node:worker_threads");
    if (!parentPort) throw new Error("worker.js must run in a worker thread");
    return {
      post: (m, transfer) => parentPort.postMessage(m, transfer ?? []),
      listen: (h) => parentPort.on("message", h),
    };
  }
  const scope = globalThis as unknown as {
    postMessage(m: unknown, transfer?: Transferable[]): void;
    addEventListener(t: "message", h: (e: MessageEvent) => void): void;
  };
  return {
    post: (m, transfer) => scope.postMessage(m, transfer ?? []),
    listen: (h) => scope.addEventListener("message", (e) => h(e.data as ToWorker)),
  };
}

const port = await openPort();
let module: WebAssembly.Module | undefined;
let stopFlag: Int32Array | undefined;
let host: ChainHost | undefined;
let shard: LockstepShard | undefined;
const post = (m: FromWorker) => port.post(m, m.type === "done" ? resultBuffers(m.result) : undefined);

port.listen((msg) => {
  if (msg.type === "init") {
    module = msg.module;
    stopFlag = msg.stopFlag ? new Int32Array(msg.stopFlag) : undefined;
    return;
  }
  if (isLockstepMessage(msg)) {
    shard ??= new LockstepShard((m, transfer) => port.post(m, transfer), module);
    shard.handle(msg);
    return;
  }
  host ??= new ChainHost(post, module, stopFlag ? () => Atomics.load(stopFlag!, 0) !== 0 : undefined);
  host.handle(msg);
});
