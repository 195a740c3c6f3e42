// When chains agree: Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021)'s
// recommendation, rank-normalised R-hat at most 1.01 and bulk- and tail-ESS
// at least 100 per chain (with fewer effective draws R-hat itself is not
// reliable). Read by the fit's warnings and by draws until agreement.
// Many short chains in lockstep answer to nested R-hat instead (Margossian et
// al. 2024), with R-hat as a guard against gross failure.

/** The R-hat above which chains disagree. */
export const RHAT_LIMIT = 1.01;
/** Fewest effective draws (bulk and tail) per chain for R-hat and the estimates to be trusted. */
export const ESS_PER_CHAIN = 100;

/** Whether `chains` chains with this largest R-hat and smallest bulk/tail ESS agree. */
export function chainsAgree(maxRhat: number, minEss: number, chains: number): boolean {
  return !(maxRhat > RHAT_LIMIT) && !(minEss < ESS_PER_CHAIN * chains);
}

/** Nested R-hat over superchains must stay below this for lockstep chains to agree (Margossian et al. 2024). */
export const NESTED_RHAT_LIMIT = 1.01;
/**
 * Lockstep chains' R-hat must stay below this. Looser than nested R-hat's
 * bound on purpose: with many short chains R-hat also measures how few
 * effective draws each chain has (its between-chain term is the variance of a
 * chain's mean), so it exceeds 1.01 on chains that have converged (Margossian
 * et al. 2024, sec. 2); nested R-hat is the convergence check, R-hat a guard.
 */
export const LOCKSTEP_RHAT_GUARD = 1.05;

/** The lockstep rule in words, for messages: with superchains, or R-hat alone without them (lockstepChainsAgree). */
export function lockstepRuleWords(withSuperchains: boolean): string {
  return withSuperchains ? `nested R-hat below ${NESTED_RHAT_LIMIT} and R-hat below ${LOCKSTEP_RHAT_GUARD}` : `R-hat below ${RHAT_LIMIT}`;
}

/** Whether lockstep chains agree: nested R-hat (when there are superchains) and R-hat under their bounds; without superchains, R-hat under 1.01. */
export function lockstepChainsAgree(nestedRhat: number | undefined, maxRhat: number): boolean {
  if (nestedRhat === undefined) return maxRhat < RHAT_LIMIT;
  return nestedRhat < NESTED_RHAT_LIMIT && maxRhat < LOCKSTEP_RHAT_GUARD;
}
