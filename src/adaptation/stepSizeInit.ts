/**
 * Stan's step-size initialisation heuristic (base_hmc::init_stepsize).
 *
 * `probe(eps)` draws a fresh momentum at the current point, takes one leapfrog
 * step of size eps and returns H0 - H. The first probe fixes the direction:
 * if one step is accepted with probability above 0.8 (H0 - H > log 0.8) the
 * step size is doubled until that is no longer true, otherwise halved until it
 * is. The step size at which the crossing happens is returned.
 */

import * as portable from "../math/portable.js";
export function initStepSize(probe: (stepSize: number) => number, stepSize: number): number {
  let eps = stepSize;
  if (eps === 0 || eps > 1e7 || Number.isNaN(eps)) return eps;
  const log08 = portable.log(0.8);
  const direction = probe(eps) > log08 ? 1 : -1;
  for (;;) {
    const dH = probe(eps);
    if (direction === 1 && !(dH > log08)) break;
    if (direction === -1 && !(dH < log08)) break;
    eps = direction === 1 ? 2 * eps : 0.5 * eps;
    if (eps > 1e7) {
      throw new Error("Step-size initialisation: the step size grew beyond 1e7; the posterior is probably improper.");
    }
    if (eps === 0) {
      throw new Error(
        "Step-size initialisation: no acceptable small step size could be found; the density may be discontinuous or its gradient wrong.",
      );
    }
  }
  return eps;
}
