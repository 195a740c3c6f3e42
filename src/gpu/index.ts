// The WebGPU path: capability probe, batched MMM density, lockstep integrator.
export { probeWebGpu, requestGpuDevice, sharedGpuDevice, WebGpuUnavailableError, type GpuDevice, type WebGpuProbe } from "./device.js";
export { WebGpuMmmDensity, type WebGpuMmmDensityOptions } from "./webGpuMmmDensity.js";
export { WebGpuLockstepIntegrator, type WebGpuIntegratorOptions } from "./webGpuLockstepIntegrator.js";
export { GpuMmmKernel, type GpuMmmKernelOptions } from "./mmmKernel.js";
export type { GpuModelData } from "./datasetPack.js";
export { mmmPipelines } from "./pipelineCache.js";
export { programKeyOf, programKeyString, type ProgramKey } from "./programKey.js";
