// A density raised to a power: p(x)^beta, i.e. beta * log p(x). Parallel
// tempering (services/temperedChains.ts) runs replicas of a chain at
// beta < 1, where the density is flatter and a chain crosses between the
// regions of a multimodal posterior more easily; swaps bring those crossings
// to the replica at beta = 1, whose draws are the posterior's.

import type { LogDensity } from "./types.js";

export class TemperedDensity implements LogDensity {
  readonly dim: number;

  constructor(
    readonly inner: LogDensity,
    /** The inverse temperature beta, in (0, 1]. */
    readonly beta: number,
  ) {
    if (!(beta > 0 && beta <= 1)) throw new Error(`tempered density: beta must be in (0, 1], got ${beta}`);
    this.dim = inner.dim;
  }

  logp(position: Float64Array): number {
    return this.beta * this.inner.logp(position);
  }

  logpGrad(position: Float64Array, gradient: Float64Array): number {
    const lp = this.inner.logpGrad(position, gradient);
    const b = this.beta;
    for (let i = 0; i < this.dim; i++) gradient[i] = b * gradient[i]!;
    return b * lp;
  }
}
