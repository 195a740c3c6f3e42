/**
 * The base-2 van der Corput sequence (the one-dimensional Halton sequence):
 * the binary digits of i + 1 mirrored about the point, so 1/2, 1/4, 3/4,
 * 1/8, 5/8, ... It fills (0, 1) far more evenly than uniform draws, which
 * ChEES-HMC uses to jitter the trajectory length with less variance in the
 * adaptation, and it needs no random stream: every chain count and backend
 * sees the same jitter at iteration i.
 */
export function vanDerCorput(i: number): number {
  if (!Number.isSafeInteger(i) || i < 0) throw new RangeError(`vanDerCorput: index must be a non-negative integer, got ${i}`);
  let n = i + 1;
  let value = 0;
  let scale = 0.5;
  while (n > 0) {
    if (n % 2 === 1) value += scale;
    n = Math.floor(n / 2);
    scale *= 0.5;
  }
  return value;
}
