/// <reference types="@webgpu/types" preserve="true" />
// Runs the MMM programs on a device: the packed datasets uploaded once,
// per-batch buffers taken from the device's pool and kept while the batch
// size fits, uniforms written per call, one command buffer and one readback
// per call. Calls are serialised (they share the buffers).

import { InputError } from "../errors.js";
import type { Parameterisation } from "../model/samplingCoordinates.js";
import { gpuCoordinatesProblem, gpuTrendFlag } from "./coordinates.js";
import { bufferPoolOf, type GpuBufferPool } from "./bufferPool.js";
import { packDatasets, type GpuModelData, type PackedDatasets } from "./datasetPack.js";
import { mmmPipelines, type MmmPipelines } from "./pipelineCache.js";
import { packUniforms, UNIFORM_BYTES } from "./uniforms.js";
import { laneScratchRows, positionsPerWorkgroup, scratchRows } from "./wgsl/program.js";

export interface GpuMmmKernelOptions {
  /**
   * Which dataset each position uses (length >= the largest batch). Default:
   * position b uses dataset b mod (number of datasets), so one dataset is
   * shared by all and n datasets with n positions pair up one to one.
   */
  datasetOf?: ArrayLike<number>;
  /**
   * The coordinates positions are given in (model/samplingCoordinates.ts):
   * "model" (default) or "trend", the national default, whose map the
   * kernels apply themselves; gradients and log-densities are those of the
   * density in these coordinates, log-Jacobian included.
   */
  parameterisation?: Parameterisation;
  /**
   * Invocations sharing one position (a power of two up to 256): 1 (default),
   * each invocation walks its position's whole density; more split its
   * elements, periods and channels over a workgroup (wgsl/program.ts), for
   * GPUs where one position's latency, not the number of positions, bounds
   * a step.
   */
  lanes?: number;
}

/** The kernels' coordinates flag for a parameterisation; refuses those the WGSL does not implement. */
function trendCoordinatesFlag(parameterisation: Parameterisation | undefined, geo: boolean): 0 | 1 {
  const problem = gpuCoordinatesProblem(parameterisation, geo);
  if (problem) throw new InputError(`parameterisation: ${problem}; use ${geo ? "model" : "trend or model"} with the WebGPU backend`);
  return gpuTrendFlag(parameterisation);
}

interface BatchBuffers {
  capacity: number;
  pos: GPUBuffer;
  grad: GPUBuffer;
  mom: GPUBuffer;
  lps: GPUBuffer;
  dataIndex: GPUBuffer;
  scratch: GPUBuffer;
  invMetric: GPUBuffer;
  readback: GPUBuffer;
  bindGroup: GPUBindGroup;
  /** Batch size the dataIndex buffer was last written for. */
  indexedFor: number;
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;

export class GpuMmmKernel {
  readonly dim: number;
  readonly datasets: number;
  private readonly pool: GpuBufferPool;
  private readonly dataBuffer: GPUBuffer;
  private readonly uniformBuffer: GPUBuffer;
  private readonly uniformBytes = new ArrayBuffer(UNIFORM_BYTES);
  private batch: BatchBuffers | undefined;
  private host: Float32Array<ArrayBuffer> = new Float32Array(0);
  private tail: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(
    readonly device: GPUDevice,
    readonly pipelines: MmmPipelines,
    private readonly packed: PackedDatasets,
    private readonly datasetOf: ArrayLike<number> | undefined,
    private readonly trendCoordinates: 0 | 1,
    private readonly lanes: number,
  ) {
    this.dim = packed.dim;
    this.datasets = packed.count;
    this.pool = bufferPoolOf(device);
    this.dataBuffer = this.pool.acquire(STORAGE(), packed.records.byteLength, "mmm data");
    device.queue.writeBuffer(this.dataBuffer, 0, packed.records);
    this.uniformBuffer = this.pool.acquire(GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, UNIFORM_BYTES, "mmm uniforms");
  }

  static async create(device: GPUDevice, models: readonly GpuModelData[], options: GpuMmmKernelOptions = {}): Promise<GpuMmmKernel> {
    const packed = packDatasets(models);
    const trendCoordinates = trendCoordinatesFlag(options.parameterisation, packed.key.geo);
    const lanes = options.lanes ?? 1;
    if (!Number.isInteger(lanes) || lanes < 1 || lanes > 256 || (lanes & (lanes - 1)) !== 0) {
      throw new InputError(`lanes must be a power of two from 1 to 256, got ${lanes}`);
    }
    if (lanes > device.limits.maxComputeInvocationsPerWorkgroup || lanes > device.limits.maxComputeWorkgroupSizeX) {
      throw new InputError(`lanes ${lanes} exceed this device's workgroup size limit (${Math.min(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX)})`);
    }
    const limit = device.limits.maxStorageBufferBindingSize;
    if (packed.records.byteLength > limit) {
      throw new InputError(`the datasets need ${packed.records.byteLength} bytes on the GPU, over this device's ${limit}-byte storage buffer limit; use fewer datasets per density`);
    }
    if (options.datasetOf) {
      for (let i = 0; i < options.datasetOf.length; i++) {
        const d = options.datasetOf[i];
        if (!Number.isInteger(d) || d < 0 || d >= packed.count) {
          throw new InputError(`datasetOf[${i}] = ${d} is not a dataset index (0 to ${packed.count - 1})`);
        }
      }
    }
    const pipelines = await mmmPipelines(device, { ...packed.key, lanes });
    return new GpuMmmKernel(device, pipelines, packed, options.datasetOf, trendCoordinates, lanes);
  }

  /** Batch buffers for at least `count` positions (grown to the next power of two; old ones back to the pool). */
  private buffersFor(count: number): BatchBuffers {
    if (this.batch && this.batch.capacity >= count) return this.batch;
    const rows = this.scratchRowsPerPosition();
    const limit = this.device.limits.maxStorageBufferBindingSize;
    const maxCount = Math.min(Math.floor(limit / (4 * rows)), Math.floor(limit / (4 * this.dim)), this.device.limits.maxComputeWorkgroupsPerDimension * positionsPerWorkgroup(this.lanes));
    if (count > maxCount) {
      throw new InputError(`${count} positions per dispatch exceed this GPU's limits for this model (at most ${maxCount}); split the batch`);
    }
    let capacity = 1;
    while (capacity < count) capacity *= 2;
    capacity = Math.min(capacity, maxCount);
    this.releaseBatch();
    const vec = capacity * this.dim * 4;
    const acquire = (bytes: number, label: string) => this.pool.acquire(STORAGE(), bytes, label);
    const pos = acquire(vec, "mmm pos");
    const grad = acquire(vec, "mmm grad");
    const mom = acquire(vec, "mmm mom");
    const lps = acquire(capacity * 4, "mmm lps");
    const dataIndex = acquire(capacity * 4, "mmm dataIndex");
    const scratch = acquire(rows * capacity * 4, "mmm scratch");
    // The shared inverse metric [dim], then a step-size factor per chain [capacity].
    const invMetric = acquire((this.dim + capacity) * 4, "mmm invMetric");
    const readback = this.pool.acquire(GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 3 * vec + capacity * 4, "mmm readback");
    const buffers = [this.uniformBuffer, this.dataBuffer, dataIndex, pos, grad, lps, scratch, mom, invMetric];
    const bindGroup = this.device.createBindGroup({
      layout: this.pipelines.bindGroupLayout,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    this.batch = { capacity, pos, grad, mom, lps, dataIndex, scratch, invMetric, readback, bindGroup, indexedFor: -1 };
    return this.batch;
  }

  /** Scratch floats per position: interleaved rows (lanes 1), or each channel's own rows, contiguous per position. */
  private scratchRowsPerPosition(): number {
    const u = this.packed.uniforms;
    return this.lanes > 1 ? laneScratchRows(u.T, u.C, this.dim, u.lags) : scratchRows(this.packed.T, this.dim, this.packed.lags);
  }

  private releaseBatch(): void {
    const b = this.batch;
    if (!b) return;
    for (const buf of [b.pos, b.grad, b.mom, b.lps, b.dataIndex, b.scratch, b.invMetric, b.readback]) this.pool.release(buf);
    this.batch = undefined;
  }

  private hostF32(n: number): Float32Array<ArrayBuffer> {
    if (this.host.length < n) this.host = new Float32Array(n);
    return this.host;
  }

  private upload(buffer: GPUBuffer, values: ArrayLike<number>, n: number): void {
    const h = this.hostF32(n);
    for (let i = 0; i < n; i++) h[i] = values[i];
    this.device.queue.writeBuffer(buffer, 0, h, 0, n);
  }

  private prepare(count: number, stepSize: number): BatchBuffers {
    if (this.disposed) throw new Error("GpuMmmKernel used after dispose()");
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`batch size must be a positive integer, got ${count}`);
    const b = this.buffersFor(count);
    if (b.indexedFor !== count) {
      const idx = new Uint32Array(count);
      if (this.datasetOf) {
        if (this.datasetOf.length < count) throw new InputError(`datasetOf has ${this.datasetOf.length} entries for a batch of ${count}`);
        for (let i = 0; i < count; i++) idx[i] = this.datasetOf[i];
      } else {
        for (let i = 0; i < count; i++) idx[i] = i % this.datasets;
      }
      this.device.queue.writeBuffer(b.dataIndex, 0, idx);
      b.indexedFor = count;
    }
    this.device.queue.writeBuffer(this.uniformBuffer, 0, packUniforms({ ...this.packed.uniforms, B: count, trendCoordinates: this.trendCoordinates, rows: this.lanes > 1 ? this.scratchRowsPerPosition() : 0 }, stepSize, this.uniformBytes));
    return b;
  }

  /** Runs `task` after every earlier call has finished. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private dispatch(pass: GPUComputePassEncoder, pipeline: GPUComputePipeline, b: BatchBuffers, count: number, times: number): void {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, b.bindGroup);
    const groups = Math.ceil(count / positionsPerWorkgroup(this.lanes));
    for (let i = 0; i < times; i++) pass.dispatchWorkgroups(groups);
  }

  /** Copies the listed [offset-in-floats, buffer, floats] regions back and hands the f32 view to `read`. */
  private async readBack(encoder: GPUCommandEncoder, b: BatchBuffers, parts: [GPUBuffer, number][], read: (view: Float32Array, offsets: number[]) => void): Promise<void> {
    const offsets: number[] = [];
    let at = 0;
    for (const [buffer, floats] of parts) {
      offsets.push(at);
      encoder.copyBufferToBuffer(buffer, 0, b.readback, at * 4, floats * 4);
      at += floats;
    }
    this.device.queue.submit([encoder.finish()]);
    await b.readback.mapAsync(GPUMapMode.READ, 0, at * 4);
    try {
      read(new Float32Array(b.readback.getMappedRange(0, at * 4)), offsets);
    } finally {
      b.readback.unmap();
    }
  }

  /** Log-densities and gradients of `count` positions ([count][dim]). */
  evaluate(positions: Float64Array, gradients: Float64Array, logps: Float64Array, count: number): Promise<void> {
    return this.serial(async () => {
      const dim = this.dim;
      checkLength("positions", positions, count * dim);
      checkLength("gradients", gradients, count * dim);
      checkLength("logps", logps, count);
      const b = this.prepare(count, 0);
      this.upload(b.pos, positions, count * dim);
      const encoder = this.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      this.dispatch(pass, this.pipelines.evaluate, b, count, 1);
      pass.end();
      await this.readBack(encoder, b, [[b.grad, count * dim], [b.lps, count]], (view, [g, l]) => {
        copyOut(view, g, l, gradients, logps, count, dim);
      });
    });
  }

  /**
   * `steps` leapfrog steps of every position in one command buffer (one
   * dispatch per step), state uploaded once and read back once.
   */
  leapfrog(
    positions: Float64Array,
    momenta: Float64Array,
    gradients: Float64Array,
    logps: Float64Array,
    count: number,
    stepSize: number | Float64Array,
    steps: number,
    invMetric: Float64Array,
  ): Promise<void> {
    return this.serial(async () => {
      const dim = this.dim;
      checkLength("positions", positions, count * dim);
      checkLength("momenta", momenta, count * dim);
      checkLength("gradients", gradients, count * dim);
      checkLength("logps", logps, count);
      checkLength("invMetric", invMetric, dim);
      if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`leapfrog: steps must be a non-negative integer, got ${steps}`);
      const perChain = typeof stepSize !== "number";
      if (perChain) checkLength("stepSize", stepSize, count);
      for (let i = 0; i < (perChain ? count : 1); i++) {
        const eps = perChain ? stepSize[i]! : stepSize;
        if (!Number.isFinite(eps)) throw new RangeError(`leapfrog: step size must be finite, got ${eps}`);
      }
      if (steps === 0) return;
      // Chain b steps by U.stepSize * factor[b]: one shared size with factors 1, or per-chain sizes with U.stepSize = 1.
      const b = this.prepare(count, perChain ? 1 : stepSize);
      this.upload(b.pos, positions, count * dim);
      this.upload(b.mom, momenta, count * dim);
      this.upload(b.grad, gradients, count * dim);
      // NaN counts as stopped, like -Infinity.
      const lpIn = this.hostF32(count);
      for (let i = 0; i < count; i++) lpIn[i] = Number.isNaN(logps[i]) ? -Infinity : logps[i];
      this.device.queue.writeBuffer(b.lps, 0, lpIn, 0, count);
      const metricAndFactors = this.hostF32(dim + count);
      for (let i = 0; i < dim; i++) metricAndFactors[i] = invMetric[i]!;
      for (let i = 0; i < count; i++) metricAndFactors[dim + i] = perChain ? stepSize[i]! : 1;
      this.device.queue.writeBuffer(b.invMetric, 0, metricAndFactors, 0, dim + count);
      const encoder = this.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      this.dispatch(pass, this.pipelines.leapfrog, b, count, steps);
      pass.end();
      const n = count * dim;
      await this.readBack(encoder, b, [[b.pos, n], [b.mom, n], [b.grad, n], [b.lps, count]], (view, [p, m, g, l]) => {
        for (let i = 0; i < n; i++) {
          positions[i] = view[p + i];
          momenta[i] = view[m + i];
        }
        copyOut(view, g, l, gradients, logps, count, dim);
      });
    });
  }

  /**
   * Returns every buffer to the device's pool once pending calls are done
   * (the promise says when); the kernel cannot be used afterwards.
   */
  dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      this.tail = this.tail.then(() => {
        this.releaseBatch();
        this.pool.release(this.dataBuffer);
        this.pool.release(this.uniformBuffer);
      });
    }
    return this.tail.then(() => undefined);
  }
}

function checkLength(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length < n) throw new RangeError(`${name} has ${a.length} entries, needs ${n}`);
}

/** Gradients and log-densities out of the f32 view; any non-finite result becomes -Infinity with a zero gradient. */
function copyOut(view: Float32Array, g: number, l: number, gradients: Float64Array, logps: Float64Array, count: number, dim: number): void {
  for (let c = 0; c < count; c++) {
    let lp = view[l + c];
    let finite = Number.isFinite(lp);
    const o = c * dim;
    for (let i = 0; i < dim && finite; i++) finite = Number.isFinite(view[g + o + i]);
    if (!finite) lp = -Infinity;
    logps[c] = lp;
    for (let i = 0; i < dim; i++) gradients[o + i] = finite ? view[g + o + i] : 0;
  }
}
