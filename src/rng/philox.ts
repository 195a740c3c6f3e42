/**
 * Philox4x32-10 block function (Salmon, Moraes, Dror & Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC'11).
 *
 * One block maps a 128-bit counter and a 64-bit key to 128 random bits through
 * ten rounds of
 *
 *   (hi0, lo0) = M0 * c0,   (hi1, lo1) = M1 * c2            (32x32 -> 64 bit)
 *   c' = (hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0)
 *
 * with the key bumped by the Weyl constants (W0, W1) between rounds.
 * Everything is done on unsigned 32-bit integers held in JS numbers: the low
 * word of a product comes from Math.imul, the high word from a 16-bit split
 * (exact in double precision).
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers. */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const ll = aLo * bLo; // < 2^32
  const lh = aLo * bHi; // < 2^32
  const hl = aHi * bLo; // < 2^32
  const hh = aHi * bHi; // < 2^32
  // Carry out of bits 16..31: the three terms that land there.
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff); // < 3 * 2^16
  // hh + (lh >> 16) + (hl >> 16) + (mid >> 16) < 2^32 mathematically; all exact.
  return (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Low 32 bits of the product, unsigned. */
export function mullo32(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

/**
 * Philox4x32 with 10 rounds. `ctr` (4 words) and `key` (2 words) are read as
 * unsigned 32-bit integers; the 4 output words are written to `out`
 * (which may be `ctr` itself). Allocates nothing.
 */
export function philox4x32_10(
  ctr: ArrayLike<number>,
  key: ArrayLike<number>,
  out: { [i: number]: number },
): void {
  let c0 = ctr[0]! >>> 0;
  let c1 = ctr[1]! >>> 0;
  let c2 = ctr[2]! >>> 0;
  let c3 = ctr[3]! >>> 0;
  let k0 = key[0]! >>> 0;
  let k1 = key[1]! >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi32(M0, c0);
    const lo0 = mullo32(M0, c0);
    const hi1 = mulhi32(M1, c2);
    const lo1 = mullo32(M1, c2);
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}
