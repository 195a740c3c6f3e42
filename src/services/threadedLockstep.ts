// The CPU lockstep integrator spread over worker threads: the chains are cut
// into contiguous shards, one per worker, and each call sends every shard its
// chains' state, lets the workers run the whole call (a whole trajectory for
// a leapfrog) at once, and writes the answers back. A chain's arithmetic does
// not depend on the other chains in its batch (sampler/lockstep/cpuIntegrator.ts),
// so the draws are the same, bit for bit, at any thread count.

import { compileCore } from "../density/wasmCore.js";
import { SamplerFailure } from "../errors.js";
import { ParameterLayout } from "../model/layout.js";
import { checkLeapfrogArguments, checkLockstepState, type LockstepIntegrator } from "../sampler/lockstep/integrator.js";
import type { DensitySpec } from "./densitySpec.js";
import type { LockstepMessage, LockstepReply } from "./protocol.js";
import { defaultWorkerFactory, type WorkerFactory, type WorkerHandle } from "./workerHost.js";

interface Shard {
  worker: WorkerHandle;
  /** Its chains: [first, first + count). */
  first: number;
  count: number;
  pending: { resolve(r: Extract<LockstepReply, { type: "lockstep-done" }>): void; reject(e: Error): void } | undefined;
}

/** Chains cut into `threads` contiguous shards of near-equal size (the first ones one larger). */
export function shardsOf(chains: number, threads: number): { first: number; count: number }[] {
  const k = Math.max(1, Math.min(threads, chains));
  const base = Math.floor(chains / k);
  const extra = chains % k;
  const out: { first: number; count: number }[] = [];
  for (let i = 0, first = 0; i < k; i++) {
    const count = base + (i < extra ? 1 : 0);
    out.push({ first, count });
    first += count;
  }
  return out;
}

/**
 * `chains` lockstep chains of `density` in `threads` workers (at most one per
 * chain). A worker that fails rejects the call waiting on it, and every later
 * call, naming the worker's chains.
 */
export async function threadedLockstepIntegrator(density: DensitySpec, chains: number, threads: number, factory?: WorkerFactory): Promise<LockstepIntegrator> {
  const dim = new ParameterLayout(density.structure).dim;
  const module = await compileCore();
  const make = factory ?? (await defaultWorkerFactory());
  const shards: Shard[] = [];
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    for (const s of shards) {
      s.pending?.reject(failure);
      s.pending = undefined;
    }
  };
  const named = (s: { first: number; count: number }) => `the lockstep worker of chains ${s.first}-${s.first + s.count - 1}`;
  try {
    for (const part of shardsOf(chains, threads)) {
      let worker: WorkerHandle;
      try {
        worker = await make();
      } catch (e) {
        throw new SamplerFailure(`could not start a worker: ${(e as Error).message}`);
      }
      const shard: Shard = { worker, ...part, pending: undefined };
      shards.push(shard);
      worker.onMessage((m) => {
        // An error may answer a request or the opening (which has none): either way it ends the run.
        if (m.type === "lockstep-error") return fail(new SamplerFailure(`${named(shard)} failed: ${m.message}`));
        const p = shard.pending;
        if (!p || m.type !== "lockstep-done") return;
        shard.pending = undefined;
        p.resolve(m);
      });
      worker.onFailure((cause) => fail(new SamplerFailure(`${named(shard)} failed: ${cause}`)));
      worker.post({ type: "init", module });
      worker.post({ type: "lockstep-open", density, chains: part.count });
    }
  } catch (e) {
    await Promise.all(shards.map((s) => s.worker.terminate()));
    throw e;
  }

  const ask = (s: Shard, m: LockstepMessage) =>
    new Promise<Extract<LockstepReply, { type: "lockstep-done" }>>((resolve, reject) => {
      if (failure) return reject(failure);
      s.pending = { resolve, reject };
      s.worker.post(m);
    });
  const rows = (a: Float64Array, s: Shard, width: number) => a.slice(s.first * width, (s.first + s.count) * width);
  let disposed = false;
  const checkShapes = (positions: Float64Array, gradients: Float64Array, logps: Float64Array): void => {
    if (disposed) throw new Error("threadedLockstepIntegrator: used after dispose()");
    checkLockstepState("threadedLockstepIntegrator", chains, dim, positions, gradients, logps);
  };

  return {
    dim,
    chains,
    async evaluate(positions, gradients, logps) {
      checkShapes(positions, gradients, logps);
      const answers = await Promise.all(shards.map((s) => ask(s, { type: "lockstep-evaluate", positions: rows(positions, s, dim) })));
      answers.forEach((a, k) => {
        const s = shards[k]!;
        gradients.set(a.gradients, s.first * dim);
        logps.set(a.logps, s.first);
      });
    },
    async leapfrog(positions, momenta, gradients, logps, stepSize, steps, invMetric) {
      checkShapes(positions, gradients, logps);
      checkLeapfrogArguments("threadedLockstepIntegrator", chains, dim, momenta, stepSize, steps, invMetric);
      const answers = await Promise.all(
        shards.map((s) =>
          ask(s, {
            type: "lockstep-leapfrog",
            positions: rows(positions, s, dim),
            momenta: rows(momenta, s, dim),
            gradients: rows(gradients, s, dim),
            logps: rows(logps, s, 1),
            stepSize: typeof stepSize === "number" ? stepSize : rows(stepSize, s, 1),
            steps,
            invMetric,
          }),
        ),
      );
      answers.forEach((a, k) => {
        const s = shards[k]!;
        positions.set(a.positions, s.first * dim);
        momenta.set(a.momenta!, s.first * dim);
        gradients.set(a.gradients, s.first * dim);
        logps.set(a.logps, s.first);
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      fail(new Error("threadedLockstepIntegrator: disposed"));
      for (const s of shards) void s.worker.terminate();
    },
  };
}
