import type { PhiloxRng } from "../../rng/random.js";
import { describeInit, drawInitCandidate, initRadius, type InitSpec } from "../init.js";
import type { LockstepIntegrator } from "./integrator.js";

/**
 * Where the chains start: as a NUTS chain's (sampler/init.ts; a point gets one
 * attempt). With superchains K, the M = chains / K chains of superchain k
 * (chains kM .. kM + M - 1) share one starting point, as nested R-hat
 * assumes; the point is drawn from the stream of the superchain's first chain.
 */
export type LockstepInit = InitSpec;

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
  const radius = initRadius(init);
  const tries = init.kind === "point" ? 1 : maxTries;
  const pending = new Uint8Array(superchains).fill(1);
  let evaluations = 0;
  for (let attempt = 0; attempt < tries; attempt++) {
    for (let k = 0; k < superchains; k++) {
      if (!pending[k]) continue;
      const rng = rngs[k * perSuper]!;
      const leader = k * perSuper * dim;
      drawInitCandidate(init, radius, rng, positions, leader, dim);
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
  throw new Error(
    `Initialization failed: for ${failed} of ${superchains} starting points, ${tries} attempts (${describeInit(init, radius)}) all gave a non-finite log density or gradient.`,
  );
}
