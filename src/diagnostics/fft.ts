/**
 * Iterative radix-2 Cooley–Tukey FFT on split real/imaginary arrays.
 * Kept dependency-free and small: the diagnostics only need power-of-two
 * transforms of zero-padded chains.
 */

/** Smallest power of two that is >= `n` (and at least 1). */
export function nextPowerOfTwo(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * In-place complex DFT of (re, im). `inverse` computes the unnormalised
 * inverse (sign +i, no 1/N), so callers divide by N themselves when needed.
 */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError("fft: real and imaginary parts differ in length");
  if (!isPowerOfTwo(n)) throw new RangeError(`fft: length ${n} is not a power of two`);

  // Bit-reversal permutation so the butterflies can run in place.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }

  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const angle = (sign * 2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      // Twiddles computed directly (not by repeated multiplication) to avoid
      // accumulating rounding error on long transforms.
      const wr = Math.cos(angle * k);
      const wi = Math.sin(angle * k);
      for (let start = 0; start < n; start += size) {
        const a = start + k;
        const b = a + half;
        const tr = wr * re[b] - wi * im[b];
        const ti = wr * im[b] + wi * re[b];
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}
