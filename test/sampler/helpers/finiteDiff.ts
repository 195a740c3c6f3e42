import type { LogDensity } from "../../../src/density/types.js";

/**
 * Largest discrepancy between the analytic gradient and central finite
 * differences at `x`, relative to max(1, |gradient component|).
 */
export function gradientError(density: LogDensity, x: Float64Array, h = 1e-6): { maxRelError: number; worst: number } {
  const dim = density.dim;
  const g = new Float64Array(dim);
  density.logpGrad(x, g);
  const lp0 = density.logp(x);
  const lp1 = density.logpGrad(x, new Float64Array(dim));
  if (lp0 !== lp1) throw new Error(`logp (${lp0}) and logpGrad (${lp1}) disagree`);
  let maxRel = 0;
  let worst = -1;
  const xp = Float64Array.from(x);
  for (let i = 0; i < dim; i++) {
    const step = h * Math.max(1, Math.abs(x[i]!));
    xp[i] = x[i]! + step;
    const up = density.logp(xp);
    xp[i] = x[i]! - step;
    const down = density.logp(xp);
    xp[i] = x[i]!;
    const fd = (up - down) / (2 * step);
    const rel = Math.abs(fd - g[i]!) / Math.max(1, Math.abs(g[i]!));
    if (rel > maxRel) {
      maxRel = rel;
      worst = i;
    }
  }
  return { maxRelError: maxRel, worst };
}
