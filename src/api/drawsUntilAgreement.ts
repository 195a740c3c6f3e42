// Draws until the chains agree. A posterior whose chains move between
// regions only every few thousand draws (the bundled geo example: the search
// channel's long-carryover regime, docs/convergence.md) cannot be summarised
// from 1000 draws a chain, whatever the warm-up; the remedy is longer chains
// (Vehtari et al. 2021: run longer while R-hat > 1.01). So after its draws a
// fit whose chains disagree goes on, each chain from where it is, in blocks
// of the draws asked for, until they agree or the draws reach the cap. The
// decision reads the same R-hat as the fit's summary, on the model's
// parameters; it depends on the draws alone, so a seed still gives the same
// draws at any thread count.

import { rhatPerParameter } from "../diagnostics/index.js";
import type { ParameterLayout } from "../model/layout.js";
import type { SamplingCoordinates } from "../model/samplingCoordinates.js";
import type { ChainResult } from "../sampler/index.js";

/** The R-hat above which chains disagree: the fit's warning (fit/posteriorFit.ts) and the rule here. */
export const RHAT_LIMIT = 1.01;

/** The largest R-hat over the model's parameters (constrained, as the summary reads them); NaN-free. */
export function maxRhatOfChains(chains: readonly ChainResult[], layout: ParameterLayout, coordinates: SamplingCoordinates | undefined): number {
  const dim = layout.dim;
  const u = new Float64Array(dim);
  const constrained = chains.map((c) => {
    const out = new Float64Array(c.numDraws * dim);
    for (let i = 0; i < c.numDraws; i++) {
      const row = c.draws.subarray(i * dim, (i + 1) * dim);
      if (coordinates) coordinates.toModel(row, u);
      layout.constrainFlat(coordinates ? u : row, out.subarray(i * dim, (i + 1) * dim));
    }
    return out;
  });
  let worst = Number.NEGATIVE_INFINITY;
  for (const r of rhatPerParameter(constrained, dim)) if (Number.isFinite(r) && r > worst) worst = r;
  return worst;
}

/**
 * runChains' moreDraws for a fit: `block` more draws per chain while the max
 * R-hat exceeds RHAT_LIMIT and the chains have fewer than `most`; 0 once they
 * agree or reach it. Each check's R-hat is appended to `history`.
 */
export function drawsUntilAgreement(
  layout: ParameterLayout,
  coordinates: SamplingCoordinates | undefined,
  block: number,
  most: number,
  history: number[],
): (chains: ChainResult[]) => number {
  return (chains) => {
    const have = chains[0]!.numDraws;
    const rhat = maxRhatOfChains(chains, layout, coordinates);
    history.push(rhat);
    return rhat > RHAT_LIMIT && have < most ? Math.min(block, most - have) : 0;
  };
}
