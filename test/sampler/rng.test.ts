import { describe, expect, it } from "vitest";
import { PhiloxRng, createRng, mulhi32, philox4x32_10 } from "../../src/rng/index.js";

describe("Philox4x32-10", () => {
  // Known-answer vectors published with Random123 (Salmon et al. 2011).
  const kat: Array<{ ctr: number[]; key: number[]; out: number[] }> = [
    { ctr: [0, 0, 0, 0], key: [0, 0], out: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
    {
      ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      key: [0xffffffff, 0xffffffff],
      out: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
    },
    {
      ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      key: [0xa4093822, 0x299f31d0],
      out: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
    },
  ];
  it.each(kat)("matches the known answer for counter $ctr", ({ ctr, key, out }) => {
    const got = new Uint32Array(4);
    philox4x32_10(ctr, key, got);
    expect(Array.from(got)).toEqual(out);
  });

  it("computes the high word of 32x32-bit products exactly", () => {
    const rng = new PhiloxRng(7, 3);
    const cases = [
      [0, 0],
      [0xffffffff, 0xffffffff],
      [0xd2511f53, 0xffffffff],
      [0xcd9e8d57, 0x80000000],
      [1, 0xffffffff],
    ];
    for (let i = 0; i < 2000; i++) cases.push([rng.nextUint32(), rng.nextUint32()]);
    for (const [a, b] of cases) {
      const expected = Number((BigInt(a!) * BigInt(b!)) >> 32n);
      expect(mulhi32(a!, b!)).toBe(expected);
    }
  });
});

describe("PhiloxRng", () => {
  it("reproduces the same stream for the same (seed, stream)", () => {
    const a = createRng(12345, 2);
    const b = createRng(12345, 2);
    for (let i = 0; i < 1000; i++) {
      expect(a.nextUint32()).toBe(b.nextUint32());
      expect(a.uniform()).toBe(b.uniform());
      expect(a.normal()).toBe(b.normal());
    }
  });

  it("gives different sequences for different streams and seeds", () => {
    const draw = (seed: number, stream: number) => {
      const r = createRng(seed, stream);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    // Seeds above 2^32 are distinct keys, not truncated.
    expect(draw(1, 0)).not.toEqual(draw(1 + 2 ** 32, 0));
    expect(draw(0, 1)).not.toEqual(draw(0, 1 + 2 ** 32));
  });

  it("uses the counter layout (block, stream) with key = seed", () => {
    const seed = 0x123456789a;
    const r = createRng(seed, 5);
    const expected = new Uint32Array(4);
    philox4x32_10([0, 0, 5, 0], [seed >>> 0, Math.floor(seed / 2 ** 32)], expected);
    const got = [r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()];
    expect(got).toEqual(Array.from(expected));
    philox4x32_10([1, 0, 5, 0], [seed >>> 0, Math.floor(seed / 2 ** 32)], expected);
    expect(r.nextUint32()).toBe(expected[0]);
  });

  it("rejects invalid seeds", () => {
    expect(() => createRng(-1)).toThrow();
    expect(() => createRng(1.5)).toThrow();
    expect(() => createRng(1, Number.NaN)).toThrow();
  });

  it("draws uniforms in the open interval with 53-bit resolution", () => {
    const r = createRng(99);
    let min = 1;
    let max = 0;
    let sum = 0;
    let fine = 0;
    let outside = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u > 0 && u < 1)) outside++;
      if (u < min) min = u;
      if (u > max) max = u;
      sum += u;
      // More than 32 bits of resolution: u * 2^32 is usually not an integer.
      if (!Number.isInteger(u * 2 ** 32)) fine++;
    }
    expect(outside).toBe(0);
    expect(min).toBeLessThan(1e-4);
    expect(max).toBeGreaterThan(1 - 1e-4);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(fine).toBeGreaterThan(0.99 * n);
  });

  it("draws standard normals with mean 0, variance 1, and normal tails", () => {
    const r = createRng(2024, 1);
    const n = 400_000;
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      s4 += z ** 4;
      if (Math.abs(z) > 2) beyond2++;
    }
    const mean = s / n;
    const v = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
    const p2 = 0.04550026389635842;
    expect(Math.abs(beyond2 / n - p2)).toBeLessThan(4 * Math.sqrt((p2 * (1 - p2)) / n));
  });

  it("fillNormal produces the same values as repeated normal()", () => {
    const a = createRng(5, 5);
    const b = createRng(5, 5);
    const out = new Float64Array(11);
    a.fillNormal(out);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBe(b.normal());
  });

  it("draws unbiased integers in [0, n)", () => {
    const r = createRng(3);
    for (const n of [1, 2, 7, 1000, 2 ** 32, 2 ** 40 + 3]) {
      for (let i = 0; i < 200; i++) {
        const k = r.uniformInt(n);
        expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
      }
    }
    const bins = 6;
    const counts = new Array<number>(bins).fill(0);
    const m = 60_000;
    for (let i = 0; i < m; i++) counts[r.uniformInt(bins)]!++;
    const e = m / bins;
    const chi2 = counts.reduce((a, c) => a + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(20.5); // chi-square(5) 0.999 quantile
    expect(() => r.uniformInt(0)).toThrow();
  });
});
