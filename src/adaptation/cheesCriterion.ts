/**
 * The ChEES criterion of Hoffman, Radul & Sountsov (2021), "An adaptive MCMC
 * scheme for setting trajectory lengths in Hamiltonian Monte Carlo":
 *
 *   ChEES = 1/4 E[(||x' - E x||^2 - ||x - E x||^2)^2]
 *
 * with x the state before a transition and x' the proposal, both means
 * replaced by means over chains (the proposal's weighted by acceptance
 * probability). Moving the end of the trajectory by dT along its velocity v'
 * (dx'/dT = u v', u the jitter factor of this iteration) changes each chain's
 * term at the rate
 *
 *   g_c = u (||x'_c - mean'||^2 - ||x_c - mean||^2) (x'_c - mean') . v'_c,
 *
 * and the estimate is sum_c a_c g_c / sum_c a_c over chains whose acceptance
 * probability a_c exceeds 1e-4 and whose g_c is finite.
 *
 * Everything is measured in the coordinates the diagonal metric whitens,
 * z = x / sqrt(invMetric), so that every parameter counts on the posterior's
 * own scale rather than on its units; there v' = sqrt(invMetric) p'.
 */
export interface CheesGradientInput {
  dim: number;
  chains: number;
  /** States before the transition, [chains][dim]. */
  previous: Float64Array;
  /** Proposals (end of the trajectories), [chains][dim]; rows may be non-finite for stopped chains. */
  proposed: Float64Array;
  /** Momenta at the end of the trajectories, [chains][dim]. */
  momenta: Float64Array;
  /** Acceptance probability per chain. */
  acceptProb: Float64Array;
  invMetric: Float64Array;
  /** Jitter factor u in (0, 1]: the trajectory ran for u T; or per chain [chains], chain c having run for jitter[c] T. */
  jitter: number | Float64Array;
}

const MIN_ACCEPT = 1e-4;

export interface CheesEstimate {
  /** The criterion: sum_c a_c (||x'_c - mean'||^2 - ||x_c - mean||^2)^2 / 4 / sum_c a_c. */
  value: number;
  /** Its derivative with respect to the trajectory length T. */
  gradient: number;
}

/** ChEES and d ChEES / d T estimated over chains; both 0 when no chain carries information. */
export function cheesGradient(input: CheesGradientInput): CheesEstimate {
  const { dim, chains, previous, proposed, momenta, acceptProb, invMetric, jitter } = input;
  const scale = new Float64Array(dim);
  for (let i = 0; i < dim; i++) scale[i] = Math.sqrt(invMetric[i]!);
  const weight = (c: number): number => {
    const a = acceptProb[c]!;
    if (!(a > MIN_ACCEPT)) return 0;
    for (let i = 0; i < dim; i++) if (!Number.isFinite(proposed[c * dim + i]!)) return 0;
    return a;
  };

  const meanPrev = new Float64Array(dim);
  const meanProp = new Float64Array(dim);
  let weightSum = 0;
  for (let c = 0; c < chains; c++) {
    const w = weight(c);
    weightSum += w;
    for (let i = 0; i < dim; i++) {
      meanPrev[i] = meanPrev[i]! + previous[c * dim + i]! / scale[i]!;
      if (w > 0) meanProp[i] = meanProp[i]! + (w * proposed[c * dim + i]!) / scale[i]!;
    }
  }
  if (!(weightSum > 0)) return { value: 0, gradient: 0 };
  for (let i = 0; i < dim; i++) {
    meanPrev[i] = meanPrev[i]! / chains;
    meanProp[i] = meanProp[i]! / weightSum;
  }

  let total = 0;
  let criterion = 0;
  let used = 0;
  for (let c = 0; c < chains; c++) {
    const w = weight(c);
    if (w === 0) continue;
    let prevSq = 0;
    let propSq = 0;
    let along = 0;
    for (let i = 0; i < dim; i++) {
      const o = c * dim + i;
      const dPrev = previous[o]! / scale[i]! - meanPrev[i]!;
      const dProp = proposed[o]! / scale[i]! - meanProp[i]!;
      prevSq += dPrev * dPrev;
      propSq += dProp * dProp;
      along += dProp * scale[i]! * momenta[o]!;
    }
    const change = propSq - prevSq;
    const g = (typeof jitter === "number" ? jitter : jitter[c]!) * change * along;
    if (!Number.isFinite(g)) continue;
    total += w * g;
    criterion += w * 0.25 * change * change;
    used += w;
  }
  return used > 0 ? { value: criterion / used, gradient: total / used } : { value: 0, gradient: 0 };
}
