// A worker's share of lockstep chains on the CPU: the float64 CPU integrator
// over its own copy of the density, for the chains the host gave this worker.
// Every chain's arithmetic is its own (sampler/lockstep/cpuIntegrator.ts), so
// a chain moves the same, bit for bit, whichever worker holds it.

import { cpuLockstepIntegrator } from "../sampler/lockstep/cpuIntegrator.js";
import type { LockstepIntegrator } from "../sampler/lockstep/integrator.js";
import { createDensity } from "./densitySpec.js";
import type { LockstepMessage, LockstepReply } from "./protocol.js";

export class LockstepShard {
  private integrator: LockstepIntegrator | undefined;
  private chains = 0;

  constructor(
    private readonly post: (m: LockstepReply, transfer?: ArrayBuffer[]) => void,
    private readonly module?: WebAssembly.Module,
  ) {}

  /** Handles one message; requests are answered in order (the host sends the next only after the answer). */
  handle(m: LockstepMessage): void {
    this.run(m).catch((e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      this.post({ type: "lockstep-error", message: err.message, ...(err.stack ? { stack: err.stack } : {}) });
    });
  }

  private async run(m: LockstepMessage): Promise<void> {
    if (m.type === "lockstep-open") {
      this.integrator?.dispose();
      this.chains = m.chains;
      this.integrator = cpuLockstepIntegrator(createDensity(m.density, this.module), m.chains);
      return;
    }
    const integrator = this.integrator;
    if (!integrator) throw new Error(`${m.type} before lockstep-open`);
    const gradients = new Float64Array(this.chains * integrator.dim);
    const logps = new Float64Array(this.chains);
    if (m.type === "lockstep-evaluate") {
      await integrator.evaluate(m.positions, gradients, logps);
      this.post({ type: "lockstep-done", positions: m.positions, gradients, logps }, [gradients.buffer, logps.buffer]);
      return;
    }
    await integrator.leapfrog(m.positions, m.momenta, m.gradients, m.logps, m.stepSize, m.steps, m.invMetric);
    this.post({ type: "lockstep-done", positions: m.positions, momenta: m.momenta, gradients: m.gradients, logps: m.logps }, [m.positions.buffer, m.momenta.buffer, m.gradients.buffer, m.logps.buffer] as ArrayBuffer[]);
  }
}
