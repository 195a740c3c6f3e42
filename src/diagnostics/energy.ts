/**
 * Energy Bayesian fraction of missing information (Betancourt 2016), per
 * chain, from the Hamiltonian energy at each draw:
 *   E-BFMI = sum_i (E_i - E_{i-1})^2 / sum_i (E_i - mean E)^2.
 * This is Stan's definition (sums over both); ArviZ divides means instead,
 * which differs by a factor n / (n - 1). Values below ~0.3 suggest the
 * momentum resampling explores the energy distribution poorly.
 */

/** E-BFMI of one chain's energy series; NaN for fewer than 2 draws or constant energy. */
export function ebfmi(energy: ArrayLike<number>): number {
  const n = energy.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += energy[i];
  mean /= n;
  let squaredSteps = 0;
  for (let i = 1; i < n; i++) squaredSteps += (energy[i] - energy[i - 1]) ** 2;
  let squaredDeviations = 0;
  for (let i = 0; i < n; i++) squaredDeviations += (energy[i] - mean) ** 2;
  if (squaredDeviations === 0) return NaN;
  return squaredSteps / squaredDeviations;
}

/** E-BFMI of every chain. */
export function ebfmiPerChain(energies: readonly ArrayLike<number>[]): Float64Array {
  return Float64Array.from(energies, (energy) => ebfmi(energy));
}
