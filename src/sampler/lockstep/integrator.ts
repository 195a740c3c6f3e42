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
