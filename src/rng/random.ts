import { philox4x32_10 } from "./philox.js";
import * as portable from "../math/portable.js";

/** A source of uniform draws in the open interval (0, 1). */
export interface UniformSource {
  uniform(): number;
}

/** The generator interface the sampler consumes. */
export interface Rng extends UniformSource {
  /** Next raw unsigned 32-bit word. */
  nextUint32(): number;
  /** Uniform in (0, 1) with 53 random bits; never exactly 0 or 1. */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Fills `out` with independent standard normals. */
  fillNormal(out: Float64Array): void;
  /** Uniform integer in [0, n), unbiased; n a positive safe integer. */
  uniformInt(n: number): number;
}

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;
const TWO_M53 = 1 / TWO_53;
const TWO_PI = 2 * Math.PI;

function checkUint53(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new Error(`${name} must be a non-negative safe integer, got ${v}`);
  }
}

/**
 * Counter-based generator on Philox4x32-10.
 *
 * The 64-bit key is the seed (low word, high word); the 128-bit counter is
 * (block index low, block index high, stream low, stream high). Two
 * generators with the same seed and different streams therefore walk disjoint
 * counter ranges and are independent by construction; the same (seed, stream)
 * always produces the same sequence. Each block yields four 32-bit words,
 * consumed in order.
 */
export class PhiloxRng implements Rng {
  readonly seed: number;
  readonly stream: number;
  private readonly key = new Uint32Array(2);
  private readonly ctr = new Uint32Array(4);
  private readonly buf = new Uint32Array(4);
  private idx = 4;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number, stream = 0) {
    checkUint53("seed", seed);
    checkUint53("stream", stream);
    this.seed = seed;
    this.stream = stream;
    this.key[0] = seed >>> 0;
    this.key[1] = Math.floor(seed / TWO_32) >>> 0;
    this.ctr[2] = stream >>> 0;
    this.ctr[3] = Math.floor(stream / TWO_32) >>> 0;
  }

  private refill(): void {
    philox4x32_10(this.ctr, this.key, this.buf);
    // 64-bit block counter in words 0..1.
    this.ctr[0] = (this.ctr[0]! + 1) >>> 0;
    if (this.ctr[0] === 0) this.ctr[1] = (this.ctr[1]! + 1) >>> 0;
    this.idx = 0;
  }

  nextUint32(): number {
    if (this.idx === 4) this.refill();
    return this.buf[this.idx++]!;
  }

  uniform(): number {
    for (;;) {
      const a = this.nextUint32() >>> 5; // 27 bits
      const b = this.nextUint32() >>> 6; // 26 bits
      const k = a * 67108864 + b; // integer in [0, 2^53)
      if (k !== 0) return k * TWO_M53;
    }
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * portable.log(u1));
    const t = TWO_PI * u2;
    this.spare = r * portable.sin(t);
    this.hasSpare = true;
    return r * portable.cos(t);
  }

  fillNormal(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
  }

  uniformInt(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new Error(`uniformInt: n must be a positive safe integer, got ${n}`);
    }
    if (n <= TWO_32) {
      // Reject the top partial copy of [0, n) so that w % n is unbiased.
      const limit = TWO_32 - (TWO_32 % n);
      for (;;) {
        const w = this.nextUint32();
        if (w < limit) return w % n;
      }
    }
    const limit = TWO_53 - (TWO_53 % n);
    for (;;) {
      const a = this.nextUint32() >>> 5;
      const b = this.nextUint32() >>> 6;
      const k = a * 67108864 + b;
      if (k < limit) return k % n;
    }
  }
}

/** The generator for chain `stream` of a run seeded with `seed`. */
export function createRng(seed: number, stream = 0): PhiloxRng {
  return new PhiloxRng(seed, stream);
}
