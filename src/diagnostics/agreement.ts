// When chains agree: Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021)'s
// recommendation, rank-normalised R-hat at most 1.01 and bulk- and tail-ESS
// at least 100 per chain (with fewer effective draws R-hat itself is not
// reliable). Read by the fit's warnings and by draws until agreement.

/** The R-hat above which chains disagree. */
export const RHAT_LIMIT = 1.01;
/** Fewest effective draws (bulk and tail) per chain for R-hat and the estimates to be trusted. */
export const ESS_PER_CHAIN = 100;

/** Whether `chains` chains with this largest R-hat and smallest bulk/tail ESS agree. */
export function chainsAgree(maxRhat: number, minEss: number, chains: number): boolean {
  return !(maxRhat > RHAT_LIMIT) && !(minEss < ESS_PER_CHAIN * chains);
}
