/// <reference types="@webgpu/types" preserve="true" />
// Many chains moved in lockstep on the GPU: a whole trajectory (one dispatch
// per leapfrog step, all in one command buffer) between one upload and one
// readback.

import { InputError } from "../errors.js";
import { checkLeapfrogArguments, checkLockstepState, type LockstepIntegrator } from "../sampler/lockstep/integrator.js";
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

  evaluate(positions: Float64Array, gradients: Float64Array, logps: Float64Array): Promise<void> {
    checkLockstepState("WebGpuLockstepIntegrator", this.chains, this.dim, positions, gradients, logps);
    return this.kernel.evaluate(positions, gradients, logps, this.chains);
  }

  leapfrog(positions: Float64Array, momenta: Float64Array, gradients: Float64Array, logps: Float64Array, stepSize: number | Float64Array, steps: number, invMetric: Float64Array): Promise<void> {
    checkLockstepState("WebGpuLockstepIntegrator", this.chains, this.dim, positions, gradients, logps);
    checkLeapfrogArguments("WebGpuLockstepIntegrator", this.chains, this.dim, momenta, stepSize, steps, invMetric);
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
