import type { PhiloxRng } from "../../rng/random.js";
import type { LockstepIntegrator } from "./integrator.js";

/**
 * Where the chains start (unconstrained scale):
 *  - uniform: uniform(-radius, radius) per coordinate (Stan's default, radius 2);
 *  - jitter: position + uniform(-radius, radius);
 *  - point: every chain exactly at position (one attempt).
 * With superchains K, the M = chains / K chains of superchain k (chains
 * kM .. kM + M - 1) share one starting point, as nested R-hat assumes; the
 * point is drawn from the stream of the superchain's first chain.
 */
export type LockstepInit =
  | { kind: "uniform"; radius?: number }
  | { kind: "jitter"; position: Float64Array; radius: number }
  | { kind: "point"; position: Float64Array };

export interface LockstepStart {
  positions: Float64Array;
  gradients: Float64Array;
  logps: Float64Array;
  /** Batched evaluations spent (each of all chains). */
  evaluations: number;
}

/**
 * Draws starting points and redraws, for the superchains still invalid, until
 * every chain has a finite log-density and gradient (the integrator reports
 * -Infinity for either failing). Each superchain draws only from its own
 * leader's stream, so a chain's start does not depend on the others.
 */
export async function findLockstepStart(
  integrator: LockstepIntegrator,
  init: LockstepInit,
  rngs: readonly PhiloxRng[],
  superchains: number,
  maxTries: number,
): Promise<LockstepStart> {
  const { dim, chains } = integrator;
  const perSuper = chains / superchains;
  const positions = new Float64Array(chains * dim);
  const gradients = new Float64Array(chains * dim);
  const logps = new Float64Array(chains);
  const center = init.kind === "uniform" ? null : init.position;
  const radius = init.kind === "uniform" ? (init.radius ?? 2) : init.kind === "jitter" ? init.radius : 0;
  const tries = init.kind === "point" ? 1 : maxTries;
  const pending = new Uint8Array(superchains).fill(1);
  let evaluations = 0;
  for (let attempt = 0; attempt < tries; attempt++) {
    for (let k = 0; k < superchains; k++) {
      if (!pending[k]) continue;
      const rng = rngs[k * perSuper]!;
      const leader = k * perSuper * dim;
      for (let i = 0; i < dim; i++) {
        const c0 = center === null ? 0 : center[i]!;
        positions[leader + i] = radius > 0 ? c0 + radius * (2 * rng.uniform() - 1) : c0;
      }
      for (let m = 1; m < perSuper; m++) positions.copyWithin(leader + m * dim, leader, leader + dim);
    }
    await integrator.evaluate(positions, gradients, logps);
    evaluations++;
    let left = 0;
    for (let k = 0; k < superchains; k++) {
      if (!pending[k]) continue;
      let ok = true;
      for (let m = 0; m < perSuper; m++) if (!(logps[k * perSuper + m]! > Number.NEGATIVE_INFINITY)) ok = false;
      if (ok) pending[k] = 0;
      else left++;
    }
    if (left === 0) return { positions, gradients, logps, evaluations };
  }
  const failed = pending.reduce((a, b) => a + b, 0);
  const what =
    init.kind === "point"
      ? "the given initial point"
      : init.kind === "jitter"
        ? `points within ${radius} of the given initial point`
        : `points drawn uniformly from (-${radius}, ${radius})`;
  throw new Error(
    `Initialization failed: for ${failed} of ${superchains} starting points, ${tries} attempts (${what}) all gave a non-finite log density or gradient.`,
  );
}
