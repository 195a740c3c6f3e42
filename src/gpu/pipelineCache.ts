/// <reference types="@webgpu/types" preserve="true" />
// Compiled programs per device, keyed by model structure (programKey.ts): the
// second density of the same structure, whatever its sizes, reuses the shader
// module and pipelines of the first.

import { programKeyString, type ProgramKey } from "./programKey.js";
import { programWgsl } from "./wgsl/program.js";

export interface MmmPipelines {
  key: string;
  bindGroupLayout: GPUBindGroupLayout;
  evaluate: GPUComputePipeline;
  leapfrog: GPUComputePipeline;
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<MmmPipelines>>>();

function bindGroupLayout(device: GPUDevice): GPUBindGroupLayout {
  const storage = (binding: number, readOnly: boolean): GPUBindGroupLayoutEntry => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: readOnly ? "read-only-storage" : "storage" },
  });
  return device.createBindGroupLayout({
    label: "mmm",
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform" } },
      storage(1, true), // data
      storage(2, true), // dataIndex
      storage(3, false), // pos
      storage(4, false), // grad
      storage(5, false), // lps
      storage(6, false), // scratch
      storage(7, false), // mom
      storage(8, true), // invMetric
    ],
  });
}

async function compile(device: GPUDevice, key: ProgramKey, keyString: string): Promise<MmmPipelines> {
  const code = programWgsl(key);
  const module = device.createShaderModule({ label: `mmm ${keyString}`, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === "error");
  if (errors.length > 0) {
    const lines = code.split("\n");
    const detail = errors.map((m) => `line ${m.lineNum}: ${m.message}\n  ${lines[m.lineNum - 1] ?? ""}`).join("\n");
    throw new Error(`WGSL program ${keyString} failed to compile:\n${detail}`);
  }
  const layout = bindGroupLayout(device);
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const [evaluate, leapfrog] = await Promise.all(
    (["evaluate", "leapfrog"] as const).map((entryPoint) =>
      device.createComputePipelineAsync({ label: `mmm ${entryPoint} ${keyString}`, layout: pipelineLayout, compute: { module, entryPoint } }),
    ),
  );
  return { key: keyString, bindGroupLayout: layout, evaluate, leapfrog };
}

/** The pipelines of this structure on this device, compiled on first use. */
export function mmmPipelines(device: GPUDevice, key: ProgramKey): Promise<MmmPipelines> {
  let perDevice = cache.get(device);
  if (!perDevice) {
    perDevice = new Map();
    cache.set(device, perDevice);
  }
  const k = programKeyString(key);
  let entry = perDevice.get(k);
  if (!entry) {
    entry = compile(device, key, k);
    // A failed compile is not cached: the error is reported to every caller of this attempt only.
    entry.catch(() => perDevice.delete(k));
    perDevice.set(k, entry);
  }
  return entry;
}
