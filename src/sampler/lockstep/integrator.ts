/** Many chains moved in lockstep: the seam between lockstep samplers (ChEES-HMC) and a backend (CPU batch or WebGPU). */
export interface LockstepIntegrator {
  readonly dim: number;
  readonly chains: number;
  /** Log-density and gradient at `positions` ([chains][dim] row-major); writes `gradients` ([chains][dim]) and `logps` ([chains]). */
  evaluate(positions: Float64Array, gradients: Float64Array, logps: Float64Array): Promise<void>;
  /**
   * For every chain, `steps` leapfrog steps of size `stepSize` (one for all chains, or one per chain: [chains]) under the diagonal inverse metric `invMetric` ([dim], shared),
   * in place on positions, momenta, gradients ([chains][dim]) and logps ([chains]), starting from the gradients given.
   * A chain whose log-density becomes non-finite stops moving at that step and reports logp -Infinity.
   */
  leapfrog(positions: Float64Array, momenta: Float64Array, gradients: Float64Array, logps: Float64Array, stepSize: number | Float64Array, steps: number, invMetric: Float64Array): Promise<void>;
  /** Releases GPU or worker resources. */
  dispose(): void;
}

/** The state arrays every integrator call takes, checked against its chains and dimension ([chains][dim], [chains]). */
export function checkLockstepState(who: string, chains: number, dim: number, positions: Float64Array, gradients: Float64Array, logps: Float64Array): void {
  if (positions.length !== chains * dim || gradients.length !== chains * dim || logps.length !== chains) {
    throw new RangeError(`${who}: expected ${chains}x${dim} positions/gradients and ${chains} logps`);
  }
}

/** A leapfrog call's other arguments: momenta [chains][dim], one step size or one per chain, a whole number of steps, the inverse metric [dim]. */
export function checkLeapfrogArguments(who: string, chains: number, dim: number, momenta: Float64Array, stepSize: number | Float64Array, steps: number, invMetric: Float64Array): void {
  if (momenta.length !== chains * dim || invMetric.length !== dim) {
    throw new RangeError(`${who}: expected ${chains}x${dim} momenta and ${dim} inverse-metric entries`);
  }
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`leapfrog: steps must be a non-negative integer, got ${steps}`);
  if (typeof stepSize !== "number" && stepSize.length !== chains) {
    throw new RangeError(`${who}: expected one step size or ${chains} (one per chain)`);
  }
}
