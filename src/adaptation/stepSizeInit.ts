/**
 * Stan's step-size initialisation heuristic (base_hmc::init_stepsize).
 *
 * Each probe draws a fresh momentum at the current point, takes one leapfrog
 * step of size eps and reports H0 - H. The first probe fixes the direction:
 * if one step is accepted with probability above 0.8 (H0 - H > log 0.8) the
 * step size is doubled until that is no longer true, otherwise halved until it
 * is. The step size at which the crossing happens is the result.
 *
 * `StepSizeSearch` is the rule itself, fed one probe at a time, so that a
 * single chain (`initStepSize`) and many chains in lockstep (one search per
 * chain, probed together) follow exactly the same steps and stop rules.
 */

import * as portable from "../math/portable.js";

const LOG_08 = portable.log(0.8);

export class StepSizeSearch {
  /** The step size the next probe must use; the result once `done`. */
  stepSize: number;
  /** True once the crossing is found (or the start needs no search: 0, NaN or above 1e7, as in Stan). */
  done: boolean;
  private direction = 0;

  constructor(stepSize: number) {
    this.stepSize = stepSize;
    this.done = stepSize === 0 || stepSize > 1e7 || Number.isNaN(stepSize);
  }

  /**
   * Takes H0 - H of a probe at `stepSize` (NaN or -Infinity for an invalid
   * step: a rejection) and returns `done`. The first probe only fixes the
   * direction; every later one either ends the search or doubles/halves.
   */
  observe(energyChange: number): boolean {
    if (this.done) return true;
    // As Stan does for a NaN Hamiltonian: an infinitely bad step, so halving goes on past it.
    const change = energyChange === energyChange ? energyChange : Number.NEGATIVE_INFINITY;
    if (this.direction === 0) {
      this.direction = change > LOG_08 ? 1 : -1;
      return false;
    }
    if ((this.direction === 1 && !(change > LOG_08)) || (this.direction === -1 && !(change < LOG_08))) {
      this.done = true;
      return true;
    }
    this.stepSize = this.direction === 1 ? 2 * this.stepSize : 0.5 * this.stepSize;
    if (this.stepSize > 1e7) {
      throw new Error("Step-size initialisation: the step size grew beyond 1e7; the posterior is probably improper.");
    }
    if (this.stepSize === 0) {
      throw new Error("Step-size initialisation: no acceptable small step size could be found; the density may be discontinuous or its gradient wrong.");
    }
    return false;
  }
}

/** One chain: `probe(eps)` returns H0 - H of one leapfrog step of size eps from a fresh momentum. */
export function initStepSize(probe: (stepSize: number) => number, stepSize: number): number {
  const search = new StepSizeSearch(stepSize);
  while (!search.done) search.observe(probe(search.stepSize));
  return search.stepSize;
}

/**
 * Many chains at once (lockstep): `probe(eps)` takes one leapfrog step of
 * each chain's own size eps[c] and fills H0 - H per chain. Chains whose
 * search has ended keep their step size while the others go on (they are
 * probed along, their answers ignored). Writes the results into `stepSizes`
 * and returns the number of probes (each of all chains).
 */
export async function initStepSizes(stepSizes: Float64Array, probe: (eps: Float64Array) => Promise<Float64Array>): Promise<number> {
  const searches = Array.from(stepSizes, (eps) => new StepSizeSearch(eps));
  let probes = 0;
  while (searches.some((s) => !s.done)) {
    for (let c = 0; c < searches.length; c++) stepSizes[c] = searches[c]!.stepSize;
    const change = await probe(stepSizes);
    probes++;
    for (let c = 0; c < searches.length; c++) searches[c]!.observe(change[c]!);
  }
  for (let c = 0; c < searches.length; c++) stepSizes[c] = searches[c]!.stepSize;
  return probes;
}
