import { madSquaredAcrossChains } from "./crossChainVariance.js";

/**
 * The diagonal inverse metric during burn-in, from the chains' positions and
 * gradients together: per coordinate sqrt(var(x) / var(grad)) across chains
 * (both spreads robust, (1.4826 MAD)^2). For a normal target with variance
 * s^2 in a coordinate, grad = -(x - mu) / s^2 whatever the spread of the
 * chains, so the ratio is s^2 exactly even while the chains are still far
 * from the posterior and nowhere near its spread (the positions' spread
 * alone would then measure the starts, not the posterior). This is the
 * estimate nutpie uses within one chain's draws (see
 * adaptation/nutpieMetric.ts), taken here across chains at one iteration.
 *
 * Why burn-in needs it: under the identity metric the step size is set by
 * the narrowest coordinate (the geo example's trend coefficients have
 * posterior variance ~1e-5 against ~1 for the media coefficients), so the
 * short burn-in trajectories barely move the wide coordinates and burn-in
 * ends with chains far below the typical set.
 */
export class BurnInMetric {
  private readonly column: Float64Array;
  private readonly spreadX: Float64Array;
  private readonly spreadG: Float64Array;

  constructor(
    readonly dim: number,
    readonly chains: number,
  ) {
    this.column = new Float64Array(chains);
    this.spreadX = new Float64Array(dim);
    this.spreadG = new Float64Array(dim);
  }

  /**
   * Writes the estimate into `out` ([dim]) for every coordinate where both
   * spreads are positive and finite (clamped to [1e-10, 1e10]); other
   * coordinates keep their value (e.g. all chains at one point).
   */
  update(positions: Float64Array, gradients: Float64Array, out: Float64Array): void {
    const { dim, chains, column, spreadX, spreadG } = this;
    madSquaredAcrossChains(positions, chains, dim, column, spreadX);
    madSquaredAcrossChains(gradients, chains, dim, column, spreadG);
    for (let i = 0; i < dim; i++) {
      const ratio = Math.sqrt(spreadX[i]! / spreadG[i]!);
      if (ratio > 0 && Number.isFinite(ratio)) out[i] = Math.min(1e10, Math.max(1e-10, ratio));
    }
  }
}
