import { describe, expect, it } from "vitest";
import { autocovariance, autocovarianceNaive } from "../../src/diagnostics/autocovariance.js";
import { fftInPlace, nextPowerOfTwo } from "../../src/diagnostics/fft.js";
import { mulberry32 } from "./random.js";

function randomArray(seed: number, n: number): Float64Array {
  const uniform = mulberry32(seed);
  return Float64Array.from({ length: n }, () => 3 * uniform() - 1);
}

describe("fft", () => {
  it("matches the defining sum of the DFT", () => {
    const n = 16;
    const re = randomArray(1, n);
    const im = randomArray(2, n);
    const outRe = re.slice();
    const outIm = im.slice();
    fftInPlace(outRe, outIm);
    for (let k = 0; k < n; k++) {
      let sumRe = 0;
      let sumIm = 0;
      for (let j = 0; j < n; j++) {
        const angle = (-2 * Math.PI * j * k) / n;
        sumRe += re[j] * Math.cos(angle) - im[j] * Math.sin(angle);
        sumIm += re[j] * Math.sin(angle) + im[j] * Math.cos(angle);
      }
      expect(outRe[k]).toBeCloseTo(sumRe, 12);
      expect(outIm[k]).toBeCloseTo(sumIm, 12);
    }
  });

  it("inverse transform divided by n restores the input", () => {
    const re = randomArray(3, 1024);
    const im = new Float64Array(1024);
    const copy = re.slice();
    fftInPlace(re, im);
    fftInPlace(re, im, true);
    for (let i = 0; i < 1024; i++) {
      expect(re[i] / 1024).toBeCloseTo(copy[i], 12);
      expect(im[i] / 1024).toBeCloseTo(0, 12);
    }
  });

  it("rejects lengths that are not powers of two", () => {
    expect(() => fftInPlace(new Float64Array(6), new Float64Array(6))).toThrow(RangeError);
  });

  it("nextPowerOfTwo", () => {
    expect([1, 2, 3, 5, 8, 9, 1000].map(nextPowerOfTwo)).toEqual([1, 2, 4, 8, 8, 16, 1024]);
  });
});

describe("autocovariance", () => {
  it.each([1, 2, 3, 5, 17, 64, 100, 257, 999])("FFT equals the O(n^2) sum for n = %i", (n) => {
    const x = randomArray(100 + n, n);
    const fast = autocovariance(x);
    const slow = autocovarianceNaive(x);
    expect(fast.length).toBe(n);
    for (let t = 0; t < n; t++) expect(Math.abs(fast[t] - slow[t])).toBeLessThan(1e-12 * Math.max(1, slow[0]));
  });

  it("lag 0 is the biased variance and the series has no wrap-around", () => {
    // x = (1, 2, 3): mean 2, deviations (-1, 0, 1).
    const acov = autocovariance(new Float64Array([1, 2, 3]));
    expect(acov[0]).toBeCloseTo(2 / 3, 14);
    expect(acov[1]).toBeCloseTo(0, 14); // (-1*0 + 0*1) / 3
    expect(acov[2]).toBeCloseTo(-1 / 3, 14); // (-1*1) / 3
  });

  it("is zero (up to rounding of the mean) for a constant series", () => {
    // Only the rounding of the mean remains (deviations ~1e-16, products ~1e-32).
    for (const value of autocovariance(new Float64Array(10).fill(4.2))) expect(Math.abs(value)).toBeLessThan(1e-28);
  });
});
