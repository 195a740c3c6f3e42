// Which engine runs the chains: NUTS in CPU workers (what "auto" always
// picks) or lockstep sampling of many chains, on WebGPU when an adapter
// exists and on the CPU otherwise, when the user asks for it.

import { InputError } from "../errors.js";
import type { LockstepBackend } from "./runLockstep.js";

export type BackendSetting = "auto" | "cpu" | "webgpu";
export type MethodSetting = "nuts" | "chees";


export interface SamplingPlan {
  method: MethodSetting;
  /** Where the chains run: NUTS always on "cpu" (worker threads). */
  backend: LockstepBackend;
  /** Why a WebGPU request ran on the CPU instead (shown to the user). */
  fallback?: string;
}

/** Whether a WebGPU adapter exists here (browser navigator.gpu, or the optional `webgpu` package in Node). */
export async function webGpuAvailability(): Promise<{ available: boolean; adapter?: string; reason?: string }> {
  const { probeWebGpu } = await import("../gpu/device.js");
  return probeWebGpu();
}

/**
 * Software adapters (SwiftShader, lavapipe/llvmpipe) run shaders on the CPU,
 * far slower than the WebAssembly workers: "auto" never picks them, an
 * explicit "webgpu" still may (that is how the tests exercise the GPU path).
 */
export function isSoftwareAdapter(description: string | undefined): boolean {
  return /swiftshader|llvmpipe|lavapipe|software/i.test(description ?? "");
}

/**
 * Whether the settings ask for lockstep chains (ChEES-HMC): method "chees",
 * or backend "webgpu" without a method. "auto" runs NUTS at every chain
 * count: the lockstep benchmark (bench/lockstep.mjs) showed ChEES-HMC
 * missing the posterior on MMM data (issue 21), so lockstep runs only when
 * asked for.
 */
export function lockstepRequested(backend: BackendSetting, method: MethodSetting | undefined): boolean {
  if (method !== undefined) return method === "chees";
  return backend === "webgpu";
}

export async function planSampling(
  backend: BackendSetting,
  method: MethodSetting | undefined,
  chains: number,
  probe: () => Promise<{ available: boolean; adapter?: string; reason?: string }> = webGpuAvailability,
): Promise<SamplingPlan> {
  if (backend === "cpu") return { method: method ?? "nuts", backend: "cpu" };
  if (method === "nuts") {
    if (backend === "webgpu") {
      throw new InputError('the WebGPU backend runs ChEES-HMC (many chains in lockstep), not NUTS: use method "chees" or backend "cpu"');
    }
    return { method: "nuts", backend: "cpu" };
  }
  if (!lockstepRequested(backend, method)) return { method: "nuts", backend: "cpu" };
  if (chains < 2) throw new InputError(`ChEES-HMC adapts across chains and needs at least 2 chains, got ${chains}`);
  const p = await probe();
  if (p.available && (backend === "webgpu" || !isSoftwareAdapter(p.adapter))) return { method: "chees", backend: "webgpu" };
  const fallback =
    backend === "webgpu"
      ? `WebGPU is not available (${p.reason ?? "no adapter"}): ran the same ChEES-HMC sampler on the CPU instead.`
      : undefined;
  return { method: "chees", backend: "cpu", ...(fallback ? { fallback } : {}) };
}
