/// <reference types="@webgpu/types" preserve="true" />
// The media mix model's log-density on WebGPU behind the generic batched
// interface: B unconstrained positions per call, each against its own
// dataset or a shared one, in f32 on the GPU (results returned as float64).

import type { BatchedLogDensity } from "../density/types.js";
import { sharedGpuDevice } from "./device.js";
import type { GpuModelData } from "./datasetPack.js";
import { GpuMmmKernel, type GpuMmmKernelOptions } from "./mmmKernel.js";

export interface WebGpuMmmDensityOptions extends GpuMmmKernelOptions {
  /** The device to run on; default the process-wide shared device. */
  device?: GPUDevice;
}

export class WebGpuMmmDensity implements BatchedLogDensity {
  readonly dim: number;

  private constructor(readonly kernel: GpuMmmKernel) {
    this.dim = kernel.dim;
  }

  /**
   * One model shared by every position, or several datasets of one structure
   * (e.g. one per market); see GpuMmmKernelOptions.datasetOf for which
   * position uses which. Throws WebGpuUnavailableError when there is no adapter.
   */
  static async create(models: GpuModelData | readonly GpuModelData[], options: WebGpuMmmDensityOptions = {}): Promise<WebGpuMmmDensity> {
    const device = options.device ?? (await sharedGpuDevice()).device;
    const list = Array.isArray(models) ? (models as readonly GpuModelData[]) : [models as GpuModelData];
    return new WebGpuMmmDensity(await GpuMmmKernel.create(device, list, options));
  }

  logpGradBatch(positions: Float64Array, gradients: Float64Array, out: Float64Array, count: number): Promise<void> {
    return this.kernel.evaluate(positions, gradients, out, count);
  }

  /** Returns the GPU buffers to the device's pool (resolved when done). */
  dispose(): Promise<void> {
    return this.kernel.dispose();
  }
}
