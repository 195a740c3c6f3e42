/** Small seeded generators for the diagnostics tests (no dependencies). */

import { mulberry32 } from "../helpers/random.js";

export { mulberry32 };

/** Standard normal draws by the Box–Muller transform. */
export function normalGenerator(seed: number): () => number {
  const uniform = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u1 = 1 - uniform(); // in (0, 1], so the log is finite
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}

/** `chains` chains of iid N(mean, sd^2) draws. */
export function iidNormalChains(seed: number, chains: number, draws: number, mean = 0, sd = 1): Float64Array[] {
  const normal = normalGenerator(seed);
  return Array.from({ length: chains }, () => Float64Array.from({ length: draws }, () => mean + sd * normal()));
}

/**
 * AR(1) chains x_t = phi x_{t-1} + e_t, started from the stationary
 * distribution so there is no transient; marginal variance 1.
 */
export function ar1Chains(seed: number, chains: number, draws: number, phi: number): Float64Array[] {
  const normal = normalGenerator(seed);
  const innovationSd = Math.sqrt(1 - phi * phi);
  return Array.from({ length: chains }, () => {
    const chain = new Float64Array(draws);
    chain[0] = normal();
    for (let t = 1; t < draws; t++) chain[t] = phi * chain[t - 1] + innovationSd * normal();
    return chain;
  });
}
