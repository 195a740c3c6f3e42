/// <reference types="@webgpu/types" preserve="true" />
// Many chains moved in lockstep on the GPU: a whole trajectory (one dispatch
// per leapfrog step, all in one command buffer) between one upload and one
// readback.

import { InputError } from "../errors.js";
import type { LockstepIntegrator } from "../sampler/lockstep/integrator.js";
import { sharedGpuDevice } from "./device.js";
import type { GpuModelData } from "./datasetPack.js";
import { GpuMmmKernel, type GpuMmmKernelOptions } from "./mmmKernel.js";

export interface WebGpuIntegratorOptions extends GpuMmmKernelOptions {
  device?: GPUDevice;
}

export class WebGpuLockstepIntegrator implements LockstepIntegrator {
  readonly dim: number;

  private constructor(
    private readonly kernel: GpuMmmKernel,
    readonly chains: number,
  ) {
    this.dim = kernel.dim;
  }

  /** `chains` chains of one model, or of several datasets of one structure (see GpuMmmKernelOptions.datasetOf). */
  static async create(models: GpuModelData | readonly GpuModelData[], chains: number, options: WebGpuIntegratorOptions = {}): Promise<WebGpuLockstepIntegrator> {
    if (!Number.isInteger(chains) || chains < 1) throw new InputError(`chains must be a positive integer, got ${chains}`);
    const device = options.device ?? (await sharedGpuDevice()).device;
    const list = Array.isArray(models) ? (models as readonly GpuModelData[]) : [models as GpuModelData];
    return new WebGpuLockstepIntegrator(await GpuMmmKernel.create(device, list, options), chains);
  }

  private checkShapes(positions: Float64Array, gradients: Float64Array, logps: Float64Array): void {
    const n = this.chains * this.dim;
    if (positions.length !== n || gradients.length !== n || logps.length !== this.chains) {
      throw new RangeError(`WebGpuLockstepIntegrator: expected ${this.chains}x${this.dim} positions/gradients and ${this.chains} logps`);
    }
  }

  evaluate(positions: Float64Array, gradients: Float64Array, logps: Float64Array): Promise<void> {
    this.checkShapes(positions, gradients, logps);
    return this.kernel.evaluate(positions, gradients, logps, this.chains);
  }

  leapfrog(positions: Float64Array, momenta: Float64Array, gradients: Float64Array, logps: Float64Array, stepSize: number | Float64Array, steps: number, invMetric: Float64Array): Promise<void> {
    this.checkShapes(positions, gradients, logps);
    if (momenta.length !== this.chains * this.dim || invMetric.length !== this.dim) {
      throw new RangeError(`WebGpuLockstepIntegrator: expected ${this.chains}x${this.dim} momenta and ${this.dim} inverse-metric entries`);
    }
    if (typeof stepSize !== "number" && stepSize.length !== this.chains) {
      throw new RangeError(`WebGpuLockstepIntegrator: expected one step size or ${this.chains} (one per chain)`);
    }
    return this.kernel.leapfrog(positions, momenta, gradients, logps, this.chains, stepSize, steps, invMetric);
  }

  /** Returns the GPU buffers to the device's pool (resolved when done). */
  dispose(): Promise<void> {
    return this.kernel.dispose();
  }

  /** Same as dispose(). */
  release(): Promise<void> {
    return this.dispose();
  }
}
