// Parallel tempering's swap move (generic: it sees only log-densities).
// Replicas 0..K-1 of a chain target p(x)^beta_k with beta_0 = 1 > beta_1 >
// ... > beta_{K-1}. Swapping the states of neighbours k and k+1 is accepted
// with probability min(1, exp((beta_k - beta_{k+1}) (L_{k+1} - L_k))), L the
// untempered log-density, which leaves the product of the replicas' targets
// invariant (Swendsen & Wang 1986; Geyer 1991). Even rounds try the pairs
// (0,1), (2,3), ..., odd rounds (1,2), (3,4), ...: the deterministic
// even-odd scheme of Okabe et al. (2001), non-reversible, which carries a
// state from the hottest replica to the coldest in about K rounds rather
// than K^2 (Syed, Bouchard-Cote, Deligiannidis & Doucet 2022).

import type { UniformSource } from "../rng/random.js";

/** beta_k = minBeta^(k / (K - 1)): a geometric ladder from 1 down to minBeta (K = 1: [1]). */
export function temperatureLadder(replicas: number, minBeta: number): number[] {
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a positive integer, got ${replicas}`);
  if (!(minBeta > 0 && minBeta < 1)) throw new Error(`the smallest inverse temperature must be in (0, 1), got ${minBeta}`);
  if (replicas === 1) return [1];
  return Array.from({ length: replicas }, (_, k) => (k === 0 ? 1 : Math.pow(minBeta, k / (replicas - 1))));
}

/**
 * Which neighbours swap in round `round`: for each pair (k, k+1), whether it
 * was tried and whether the swap was accepted. `temperedLogp[k]` is replica
 * k's log-density at its own temperature (beta_k L_k). One uniform is drawn
 * per tried pair, in pair order, so the decisions depend only on the inputs.
 */
export function planSwaps(
  temperedLogp: ArrayLike<number>,
  betas: ArrayLike<number>,
  round: number,
  rng: UniformSource,
): { tried: boolean[]; accepted: boolean[] } {
  const K = betas.length;
  const tried = new Array<boolean>(Math.max(0, K - 1)).fill(false);
  const accepted = new Array<boolean>(Math.max(0, K - 1)).fill(false);
  for (let k = round % 2; k + 1 < K; k += 2) {
    tried[k] = true;
    const bLo = betas[k]!;
    const bHi = betas[k + 1]!;
    const lLo = temperedLogp[k]! / bLo;
    const lHi = temperedLogp[k + 1]! / bHi;
    const logRatio = (bLo - bHi) * (lHi - lLo);
    const u = rng.uniform();
    // An invalid state (non-finite log-density) never moves to a colder replica.
    if (Number.isFinite(logRatio) && (logRatio >= 0 || Math.log(u) < logRatio)) accepted[k] = true;
  }
  return { tried, accepted };
}
