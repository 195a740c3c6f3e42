import type { LogDensity } from "../density/types.js";
import type { Rng } from "../rng/random.js";
import { EuclideanSystem } from "./hamiltonian.js";
import { NutsTrajectoryBuilder } from "./tree.js";
import { createPhasePoint, type Metric, type NutsInfo, type NutsState } from "./types.js";

export interface NutsKernelOptions {
  /** Maximum tree depth (default 10): at most 2^depth - 1 leapfrog steps per draw. */
  maxTreeDepth?: number;
  /** Energy error treated as a divergence (default 1000). */
  maxDeltaH?: number;
}

/**
 * A NUTS transition kernel in the BlackJAX style: `init` turns a position
 * into a state, `step` performs one transition with the step size and metric
 * it is given. It holds no adaptation state; adaptation wraps it from outside.
 * Working memory is allocated once per kernel.
 */
export interface NutsKernel {
  readonly dim: number;
  readonly maxTreeDepth: number;
  init(position: Float64Array): NutsState;
  step(state: NutsState, stepSize: number, metric: Metric, rng: Rng): { state: NutsState; info: NutsInfo };
  /**
   * Draws a momentum, takes one leapfrog step of size `stepSize` from `state`
   * and returns H0 - H (log of the Metropolis ratio; -Infinity if the step
   * reached an invalid point). Used by step-size heuristics.
   */
  energyChange(state: NutsState, stepSize: number, metric: Metric, rng: Rng): number;
}

export function createNutsKernel(density: LogDensity, options: NutsKernelOptions = {}): NutsKernel {
  const dim = density.dim;
  const builder = new NutsTrajectoryBuilder(dim, options);
  const z0 = createPhasePoint(dim);
  const v = new Float64Array(dim);
  let system: EuclideanSystem | null = null;

  function systemFor(metric: Metric): EuclideanSystem {
    if (metric.dim !== dim) throw new Error(`metric dimension ${metric.dim} does not match density dimension ${dim}`);
    if (system === null) system = new EuclideanSystem(density, metric);
    else system.metric = metric;
    return system;
  }

  function loadState(state: NutsState): void {
    z0.q.set(state.position);
    z0.g.set(state.gradient);
    z0.logp = state.logp;
  }

  return {
    dim,
    maxTreeDepth: builder.maxTreeDepth,

    init(position: Float64Array): NutsState {
      if (position.length !== dim) {
        throw new Error(`initial position has length ${position.length}, expected ${dim}`);
      }
      const pos = Float64Array.from(position);
      const gradient = new Float64Array(dim);
      const lp = density.logpGrad(pos, gradient);
      return { position: pos, logp: lp === lp ? lp : Number.NEGATIVE_INFINITY, gradient };
    },

    step(state, stepSize, metric, rng) {
      if (!(stepSize > 0) || !Number.isFinite(stepSize)) {
        throw new Error(`step size must be positive and finite, got ${stepSize}`);
      }
      const sys = systemFor(metric);
      loadState(state);
      metric.sampleMomentum(rng, z0.p);
      const res = builder.transition(sys, z0, stepSize, rng);
      const s = res.sample;
      const next: NutsState = {
        position: Float64Array.from(s.q),
        logp: s.logp,
        gradient: Float64Array.from(s.g),
      };
      const info: NutsInfo = {
        treeDepth: res.depth,
        nLeapfrog: res.nLeapfrog,
        divergent: res.divergent,
        energy: res.energy,
        acceptStat: res.acceptStat,
        stepSize,
        logp: s.logp,
      };
      return { state: next, info };
    },

    energyChange(state, stepSize, metric, rng) {
      const sys = systemFor(metric);
      loadState(state);
      metric.sampleMomentum(rng, z0.p);
      const H0 = sys.hamiltonian(z0, v);
      sys.evolve(z0, stepSize);
      let h = sys.hamiltonian(z0, v);
      if (!Number.isFinite(h)) h = Number.POSITIVE_INFINITY;
      return H0 - h;
    },
  };
}
