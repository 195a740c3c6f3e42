// One HMC transition of many chains in lockstep: fresh momenta, one batched
// trajectory, each chain's own Metropolis test. No adaptation: the step sizes,
// step count and metric are given (adaptation/cheesWarmup.ts tunes them).
import type { PhiloxRng } from "../../rng/random.js";
import type { LockstepIntegrator } from "./integrator.js";

/** Leapfrog steps for trajectory length T: ceil(u T / median step size), at least 1 and at most maxSteps. */
export function lockstepSteps(jitter: number, trajectoryLength: number, medianStepSize: number, maxSteps: number): number {
  return Math.min(maxSteps, Math.max(1, Math.ceil((jitter * trajectoryLength) / medianStepSize)));
}

/**
 * The chains' states ([chains][dim] positions and gradients, [chains]
 * log-densities) and the buffers of the last proposal. Chain c draws its
 * momenta and acceptance uniforms from rngs[c].
 */
export class LockstepHmc {
  readonly dim: number;
  readonly chains: number;
  readonly positions: Float64Array;
  readonly gradients: Float64Array;
  readonly logps: Float64Array;
  /** The states before the last proposal, [chains][dim]. */
  readonly previous: Float64Array;
  /** The last proposal: positions, gradients, log-densities, and the momenta at its end. */
  readonly proposed: Float64Array;
  readonly proposedGradients: Float64Array;
  readonly proposedLogps: Float64Array;
  readonly momenta: Float64Array;
  /** Per chain: acceptance probability of the last proposal. */
  readonly acceptProb: Float64Array;
  /** Per chain: H0 - H of the last proposal (-Infinity for an invalid one), what the step-size heuristic reads. */
  readonly energyChange: Float64Array;
  /** Per chain: 1 if the last proposal diverged. */
  readonly divergent: Uint8Array;
  private readonly energy0: Float64Array;
  private readonly sqrtInvMetric: Float64Array;

  constructor(
    private readonly integrator: LockstepIntegrator,
    private readonly rngs: readonly PhiloxRng[],
    private readonly maxDeltaH: number,
    start: { positions: Float64Array; gradients: Float64Array; logps: Float64Array },
  ) {
    const { dim, chains } = integrator;
    this.dim = dim;
    this.chains = chains;
    this.positions = start.positions;
    this.gradients = start.gradients;
    this.logps = start.logps;
    const n = chains * dim;
    this.previous = new Float64Array(n);
    this.proposed = new Float64Array(n);
    this.proposedGradients = new Float64Array(n);
    this.proposedLogps = new Float64Array(chains);
    this.momenta = new Float64Array(n);
    this.acceptProb = new Float64Array(chains);
    this.energyChange = new Float64Array(chains);
    this.divergent = new Uint8Array(chains);
    this.energy0 = new Float64Array(chains);
    this.sqrtInvMetric = new Float64Array(dim);
  }

  private kinetic(c: number, invMetric: Float64Array): number {
    const { dim, momenta } = this;
    let k = 0;
    for (let i = 0; i < dim; i++) {
      const p = momenta[c * dim + i]!;
      k += invMetric[i]! * p * p;
    }
    return 0.5 * k;
  }

  /** p ~ N(0, M), M = diag(1 / invMetric), from each chain's own stream. */
  private drawMomenta(invMetric: Float64Array): void {
    const { dim, chains, momenta, sqrtInvMetric } = this;
    for (let i = 0; i < dim; i++) sqrtInvMetric[i] = Math.sqrt(invMetric[i]!);
    for (let c = 0; c < chains; c++) {
      const rng = this.rngs[c]!;
      for (let i = 0; i < dim; i++) momenta[c * dim + i] = rng.normal() / sqrtInvMetric[i]!;
      this.energy0[c] = -this.logps[c]! + this.kinetic(c, invMetric);
    }
  }

  /**
   * One trajectory of `steps` leapfrog steps from the current states (chain c
   * of size stepSize[c], or one size for all) into the proposal buffers; fills
   * acceptProb, energyChange and divergent, and returns the divergent count.
   * The states themselves do not move (see acceptOrReject).
   */
  async propose(stepSize: number | Float64Array, steps: number, invMetric: Float64Array): Promise<number> {
    this.drawMomenta(invMetric);
    this.previous.set(this.positions);
    this.proposed.set(this.positions);
    this.proposedGradients.set(this.gradients);
    this.proposedLogps.set(this.logps);
    await this.integrator.leapfrog(this.proposed, this.momenta, this.proposedGradients, this.proposedLogps, stepSize, steps, invMetric);
    let divergences = 0;
    for (let c = 0; c < this.chains; c++) {
      const deltaH = -this.proposedLogps[c]! + this.kinetic(c, invMetric) - this.energy0[c]!;
      // NaN and +Infinity (a stopped chain) are rejections and divergences.
      this.acceptProb[c] = deltaH === deltaH ? Math.min(1, Math.exp(-deltaH)) : 0;
      this.energyChange[c] = deltaH === deltaH ? -deltaH : Number.NEGATIVE_INFINITY;
      const isDivergent = !(deltaH <= this.maxDeltaH);
      this.divergent[c] = isDivergent ? 1 : 0;
      if (isDivergent) divergences++;
    }
    return divergences;
  }

  /** Metropolis: each chain keeps its proposal with its own uniform. */
  acceptOrReject(): void {
    const { dim } = this;
    for (let c = 0; c < this.chains; c++) {
      const u = this.rngs[c]!.uniform();
      if (u < this.acceptProb[c]!) {
        this.positions.set(this.proposed.subarray(c * dim, (c + 1) * dim), c * dim);
        this.gradients.set(this.proposedGradients.subarray(c * dim, (c + 1) * dim), c * dim);
        this.logps[c] = this.proposedLogps[c]!;
      }
    }
  }
}
