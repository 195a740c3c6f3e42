import type { LogDensity } from "../density/types.js";
import type { HamiltonianSystem, Metric, PhasePoint } from "./types.js";

/**
 * Euclidean Hamiltonian H(q, p) = -log p(q) + p' M^-1 p / 2 with the
 * leapfrog integrator (half momentum step, full position step, half momentum
 * step). The metric may be swapped between transitions.
 */
export class EuclideanSystem implements HamiltonianSystem {
  readonly dim: number;
  readonly density: LogDensity;
  metric: Metric;
  private readonly v: Float64Array;

  constructor(density: LogDensity, metric: Metric) {
    if (metric.dim !== density.dim) {
      throw new Error(`metric dimension ${metric.dim} does not match density dimension ${density.dim}`);
    }
    this.dim = density.dim;
    this.density = density;
    this.metric = metric;
    this.v = new Float64Array(density.dim);
  }

  evolve(z: PhasePoint, epsilon: number): void {
    const n = this.dim;
    const q = z.q;
    const p = z.p;
    const g = z.g;
    const v = this.v;
    const half = 0.5 * epsilon;
    for (let i = 0; i < n; i++) p[i] = p[i]! + half * g[i]!;
    this.metric.velocity(p, v);
    for (let i = 0; i < n; i++) q[i] = q[i]! + epsilon * v[i]!;
    const lp = this.density.logpGrad(q, g);
    // NaN is treated like -Infinity: an invalid point, i.e. infinite energy.
    z.logp = lp === lp ? lp : Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) p[i] = p[i]! + half * g[i]!;
  }

  hamiltonian(z: PhasePoint, velocity: Float64Array): number {
    const n = this.dim;
    this.metric.velocity(z.p, velocity);
    let k = 0;
    for (let i = 0; i < n; i++) k += z.p[i]! * velocity[i]!;
    return -z.logp + 0.5 * k;
  }
}
