// Real worker threads (dist/worker.js), one of which "dies": right after it
// delivers the message a test picks, its failure handlers hear that it exited,
// as they would if the thread had crashed there.
import { nodeWorkerFactory, type WorkerFactory, type WorkerHandle } from "../../src/services/workerHost.js";
import type { FromWorker } from "../../src/services/protocol.js";

/** Workers of which the `which`-th made (0-based) dies after the first message `diesAfter` picks (it sees that worker's messages in order). */
export async function factoryWithDyingWorker(which: number, diesAfter: (m: FromWorker) => boolean): Promise<WorkerFactory> {
  const real = await nodeWorkerFactory();
  let made = 0;
  return async (): Promise<WorkerHandle> => {
    const w = await real();
    const doomed = made++ === which;
    let dead = false;
    const failures: Array<(cause: string) => void> = [];
    return {
      post: w.post,
      terminate: w.terminate,
      onFailure: (h) => (failures.push(h), w.onFailure(h)),
      onMessage: (h) =>
        w.onMessage((m) => {
          h(m);
          if (doomed && !dead && diesAfter(m)) {
            dead = true;
            for (const f of failures) f("worker exited unexpectedly with code 1");
          }
        }),
    };
  };
}
