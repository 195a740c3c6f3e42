/// <reference types="@webgpu/types" preserve="true" />
// GPU buffers pooled per device by usage and power-of-two size class, so that
// densities and integrators growing, shrinking or being recreated (one per
// fit, per market group, per benchmark size) reuse memory instead of
// allocating on every call.

const MIN_BYTES = 256;

export class GpuBufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();

  constructor(readonly device: GPUDevice) {}

  private static sizeClass(bytes: number): number {
    let size = MIN_BYTES;
    while (size < bytes) size *= 2;
    return size;
  }

  /** A buffer of at least `bytes` with exactly this usage; return it with release(). */
  acquire(usage: number, bytes: number, label?: string): GPUBuffer {
    const size = GpuBufferPool.sizeClass(bytes);
    const list = this.free.get(`${usage}:${size}`);
    const reused = list?.pop();
    if (reused) return reused;
    return this.device.createBuffer({ label, usage, size });
  }

  release(buffer: GPUBuffer): void {
    const k = `${buffer.usage}:${buffer.size}`;
    let list = this.free.get(k);
    if (!list) {
      list = [];
      this.free.set(k, list);
    }
    if (!list.includes(buffer)) list.push(buffer);
  }

  /** Buffers waiting for reuse. */
  get idleCount(): number {
    let n = 0;
    for (const l of this.free.values()) n += l.length;
    return n;
  }

  /** Destroys every idle buffer. */
  clear(): void {
    for (const l of this.free.values()) for (const b of l) b.destroy();
    this.free.clear();
  }
}

const pools = new WeakMap<GPUDevice, GpuBufferPool>();

/** The device's shared pool. */
export function bufferPoolOf(device: GPUDevice): GpuBufferPool {
  let p = pools.get(device);
  if (!p) {
    p = new GpuBufferPool(device);
    pools.set(device, p);
  }
  return p;
}
