// Draws until the chains agree. A posterior whose chains move between
// regions only every few thousand draws (the bundled geo example: the search
// channel's long-carryover regime, docs/convergence.md) cannot be summarised
// from 1000 draws a chain, whatever the warm-up; the remedy is longer chains.
// So after its draws a fit goes on, each chain from where it is, in blocks of
// the draws asked for, until the chains agree (diagnostics/agreement.ts:
// R-hat at most 1.01, bulk- and tail-ESS at least 100 per chain) or reach the
// cap. The ESS condition matters: on the geo example, fits whose R-hat
// passed at 1000 draws with ESS under 400 had no chain in the second regime
// yet. The decision reads the summary's own diagnostics, on
// the model's parameters, and the draws alone, so a seed still gives the
// same draws at any thread count.

import { chainsAgree, essBulkPerParameter, essTailPerParameter, lockstepChainsAgree, maxNestedRhat, rhatPerParameter } from "../diagnostics/index.js";
import type { ParameterLayout } from "../model/layout.js";
import type { SamplingCoordinates } from "../model/samplingCoordinates.js";
import type { ChainResult } from "../sampler/index.js";

/**
 * A chain's draws in the model's parameters (constrained, as the summary reads them), row-major;
 * the rows of `done` (an earlier call's answer for the same chain, now grown) are kept, not mapped again.
 */
function constrainedRows(chain: { draws: Float64Array; numDraws: number }, layout: ParameterLayout, coordinates: SamplingCoordinates | undefined, done?: Float64Array): Float64Array {
  const dim = layout.dim;
  const out = new Float64Array(chain.numDraws * dim);
  const from = done ? done.length / dim : 0;
  if (done) out.set(done);
  const u = new Float64Array(dim);
  for (let i = from; i < chain.numDraws; i++) {
    const row = chain.draws.subarray(i * dim, (i + 1) * dim);
    if (coordinates) coordinates.toModel(row, u);
    layout.constrainFlat(coordinates ? u : row, out.subarray(i * dim, (i + 1) * dim));
  }
  return out;
}

/** The largest R-hat and the smallest bulk- or tail-ESS over the parameters of constrained chains. */
function convergenceOf(constrained: Float64Array[], dim: number): { maxRhat: number; minEss: number } {
  let maxRhat = Number.NEGATIVE_INFINITY;
  for (const r of rhatPerParameter(constrained, dim)) if (Number.isFinite(r) && r > maxRhat) maxRhat = r;
  let minEss = Number.POSITIVE_INFINITY;
  for (const ess of [essBulkPerParameter(constrained, dim), essTailPerParameter(constrained, dim)]) {
    for (const e of ess) if (Number.isFinite(e) && e < minEss) minEss = e;
  }
  return { maxRhat, minEss };
}

/**
 * runChains' moreDraws for a fit: `block` more draws per chain while the
 * chains do not agree and have fewer than `most`; 0 once they agree or reach
 * it. Each check's max R-hat and min ESS are appended to `history`.
 */
export function drawsUntilAgreement(
  layout: ParameterLayout,
  coordinates: SamplingCoordinates | undefined,
  block: number,
  most: number,
  history: { rHat: number[]; ess: number[] },
): (chains: ChainResult[]) => number {
  // Each check maps only the draws added since the last one (the chains grow at their end).
  let mapped: Float64Array[] = [];
  return (chains) => {
    const have = chains[0]!.numDraws;
    mapped = chains.map((c, k) => constrainedRows(c, layout, coordinates, mapped[k]));
    const { maxRhat, minEss } = convergenceOf(mapped, layout.dim);
    history.rHat.push(maxRhat);
    history.ess.push(minEss);
    return chainsAgree(maxRhat, minEss, chains.length) || have >= most ? 0 : Math.min(block, most - have);
  };
}

/**
 * Lockstep chains' moreDraws (services/runLockstep.ts): `block` more draws
 * per chain while the chains do not agree by the lockstep rule (nested R-hat
 * over `superchains`, R-hat as a guard: diagnostics/agreement.ts) and have
 * fewer than `most`. Many short chains that each cross between a posterior's
 * regions only now and then agree as an ensemble before each chain has
 * enough effective draws for the guard (the geo example at 64 chains:
 * docs/lockstep.md). Each check's max R-hat, min ESS and (with superchains)
 * nested R-hat are appended to `history`.
 */
export function lockstepDrawsUntilAgreement(
  layout: ParameterLayout,
  coordinates: SamplingCoordinates | undefined,
  superchains: number,
  block: number,
  most: number,
  history: { rHat: number[]; ess: number[]; nestedRHat: number[] },
): (draws: Float64Array[], numDraws: number) => number {
  let mapped: Float64Array[] = [];
  return (draws, numDraws) => {
    mapped = draws.map((d, k) => constrainedRows({ draws: d, numDraws }, layout, coordinates, mapped[k]));
    const { maxRhat, minEss } = convergenceOf(mapped, layout.dim);
    // The fit's own figure (fit/posteriorFit.ts), so the chains stop going on exactly when the fit accepts them.
    const nested = superchains >= 2 ? maxNestedRhat(mapped, layout.dim, superchains) : undefined;
    history.rHat.push(maxRhat);
    history.ess.push(minEss);
    // Without superchains (a chain count with no divisor from 2 to 16) there is no nested R-hat to keep.
    if (nested !== undefined) history.nestedRHat.push(nested);
    return lockstepChainsAgree(nested, maxRhat) || numDraws >= most ? 0 : Math.min(block, most - numDraws);
  };
}
