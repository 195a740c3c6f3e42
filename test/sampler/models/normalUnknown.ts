import type { LogDensity } from "../../../src/density/types.js";

/**
 * mu ~ N(0, 1), sigma ~ half-N(0, 1), y[i] ~ N(mu, sigma * likelihoodScale).
 * Unconstrained u = [mu, log sigma] (log-Jacobian u[1]). likelihoodScale = 1
 * is the correct model; other values give a deliberately wrong posterior.
 */
export function normalUnknownMeanSd(y: Float64Array, likelihoodScale = 1): LogDensity {
  const n = y.length;
  return {
    dim: 2,
    logp(u) {
      return this.logpGrad(u, new Float64Array(2));
    },
    logpGrad(u, g) {
      const mu = u[0]!;
      const logSigma = u[1]!;
      const sigma = Math.exp(logSigma);
      const s = sigma * likelihoodScale;
      let ss = 0;
      let sr = 0;
      for (let i = 0; i < n; i++) {
        const r = y[i]! - mu;
        ss += r * r;
        sr += r;
      }
      const lp = -0.5 * mu * mu - 0.5 * sigma * sigma + logSigma - n * Math.log(s) - (0.5 * ss) / (s * s);
      g[0] = -mu + sr / (s * s);
      g[1] = -sigma * sigma + 1 - n + ss / (s * s);
      return Number.isFinite(lp) ? lp : Number.NEGATIVE_INFINITY;
    },
  };
}
