/// <reference types="@webgpu/types" preserve="true" />
// Finding a WebGPU adapter and device: navigator.gpu in browsers, the optional
// npm `webgpu` package (Dawn) in Node. Nothing here throws for a missing GPU:
// the probe says why there is none, so callers can fall back to the CPU.

export interface WebGpuProbe {
  available: boolean;
  /** Adapter description (vendor, architecture, device) when available. */
  adapter?: string;
  /** Why no adapter is available. */
  reason?: string;
}

/** Debian's chromium ships this SwiftShader Vulkan driver; Dawn in Node finds no adapter without a Vulkan driver. */
const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

let nodeGpu: Promise<{ gpu?: GPU; reason?: string }> | undefined;

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

/** Node: loads the `webgpu` package once (its globals, e.g. GPUBufferUsage, are installed on globalThis). */
async function loadNodeGpu(): Promise<{ gpu?: GPU; reason?: string }> {
  const proc = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process;
  if (proc.env.VK_ICD_FILENAMES === undefined) {
    const { existsSync } = await import("node:fs");
    if (existsSync(SWIFTSHADER_ICD)) proc.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  let mod: { create(options: string[]): GPU; globals: object };
  try {
    // A variable specifier keeps bundlers from resolving the optional package.
    const name = "webgpu";
    mod = (await import(/* @vite-ignore */ name)) as typeof mod;
  } catch (e) {
    return {
      reason: `the npm package "webgpu" (Dawn, an optional extra of mmm-wasm, about 130 MB) is not installed or failed to load (${(e as Error).message.split("\n")[0]}); install it with: npm install webgpu`,
    };
  }
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  return { gpu: mod.create([]) };
}

/** The GPU entry point of this environment, or why there is none. */
export async function getGpu(): Promise<{ gpu?: GPU; reason?: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu };
  if (!isNode()) {
    return { reason: "navigator.gpu is missing: this browser has no WebGPU (or it is disabled; headless Chromium needs --enable-unsafe-webgpu)" };
  }
  nodeGpu ??= loadNodeGpu();
  return nodeGpu;
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => typeof s === "string" && s.length > 0);
  return parts.length > 0 ? parts.join(" ") : "unnamed adapter";
}

async function requestAdapter(): Promise<{ adapter?: GPUAdapter; reason?: string }> {
  const { gpu, reason } = await getGpu();
  if (!gpu) return { reason };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    return { reason: `requestAdapter() failed: ${(e as Error).message}` };
  }
  if (!adapter) {
    return {
      reason: isNode()
        ? `WebGPU found no adapter (no Vulkan/Metal/D3D12 driver Dawn can use; on Linux without a GPU, install Debian's chromium package for the SwiftShader driver at ${SWIFTSHADER_ICD})`
        : "navigator.gpu.requestAdapter() returned null: no usable GPU adapter",
    };
  }
  return { adapter };
}

/** Whether a WebGPU adapter exists here, and which; never throws. */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const { adapter, reason } = await requestAdapter();
  if (!adapter) return { available: false, reason };
  return { available: true, adapter: describeAdapter(adapter) };
}

export class WebGpuUnavailableError extends Error {
  override name = "WebGpuUnavailableError";
}

export interface GpuDevice {
  device: GPUDevice;
  /** Adapter description. */
  adapter: string;
}

/**
 * A device with the adapter's largest storage-buffer limits (thousands of
 * chains of long series exceed the 128 MiB default). Throws
 * WebGpuUnavailableError, with the probe's reason, when there is no adapter.
 */
export async function requestGpuDevice(): Promise<GpuDevice> {
  const { adapter, reason } = await requestAdapter();
  if (!adapter) throw new WebGpuUnavailableError(`WebGPU is not available: ${reason}`);
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(8, adapter.limits.maxStorageBuffersPerShaderStage),
    },
  });
  return { device, adapter: describeAdapter(adapter) };
}

let shared: Promise<GpuDevice> | undefined;

/**
 * One device for the whole process (or page), requested on first use: the
 * densities that use it share compiled pipelines and the buffer pool. A
 * failed request is not remembered, so a later call tries again.
 */
export function sharedGpuDevice(): Promise<GpuDevice> {
  if (!shared) {
    shared = requestGpuDevice();
    shared.catch(() => (shared = undefined));
    void shared.then(({ device }) => device.lost.then(() => (shared = undefined)));
  }
  return shared;
}
