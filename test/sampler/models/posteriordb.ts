/**
 * Hand-written log-densities (with gradients) of five posteriordb reference
 * posteriors, on the unconstrained scale with log-Jacobians, following the
 * models as given in /work/shared/posteriordb/README.md. Additive constants are
 * dropped. Each model also maps an unconstrained point to the constrained
 * quantities the reference summary lists.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LogDensity } from "../../../src/density/types.js";

export const POSTERIORDB_DIR = process.env.POSTERIORDB_DIR ?? "/work/shared/posteriordb";

export interface ReferenceModel {
  name: string;
  density: LogDensity;
  /** Constrained quantities compared with the reference, in output order. */
  names: string[];
  /** Writes the constrained quantities of unconstrained point `u` into `out`. */
  constrain(u: Float64Array, out: Float64Array): void;
  /** adapt_delta the reference run used. */
  targetAccept: number;
}

export interface ReferenceSummary {
  [param: string]: { mean: number; sd: number; q05: number; q95: number };
}

export function posteriordbAvailable(): boolean {
  return existsSync(join(POSTERIORDB_DIR, "README.md"));
}

function readJson(name: string, file: string): any {
  return JSON.parse(readFileSync(join(POSTERIORDB_DIR, name, file), "utf8"));
}

export function loadSummary(name: string): ReferenceSummary {
  return readJson(name, "reference_summary.json").summary as ReferenceSummary;
}

const NEG_INF = Number.NEGATIVE_INFINITY;
const finiteOr = (lp: number) => (Number.isFinite(lp) ? lp : NEG_INF);

/** log(1 / (1 + exp(-x))), stable. */
function logInvLogit(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}
function invLogit(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function makeDensity(dim: number, f: (u: Float64Array, g: Float64Array) => number): LogDensity {
  const scratch = new Float64Array(dim);
  return {
    dim,
    logp: (u) => finiteOr(f(u, scratch)),
    logpGrad: (u, g) => finiteOr(f(u, g)),
  };
}

// ---------------------------------------------------------------- eight schools
/**
 * eight_schools_noncentered. u = [mu, log tau, theta_trans[1..8]].
 * theta_trans ~ N(0,1), mu ~ N(0,5), tau ~ half-Cauchy(0,5),
 * y[j] ~ N(mu + tau theta_trans[j], sigma[j]). Jacobian of tau = exp(u1): u1.
 */
export function eightSchools(): ReferenceModel {
  const name = "eight_schools-eight_schools_noncentered";
  const data = readJson(name, "data.json");
  const J: number = data.J;
  const y = Float64Array.from(data.y as number[]);
  const sigma = Float64Array.from(data.sigma as number[]);
  const dim = J + 2;
  const density = makeDensity(dim, (u, g) => {
    const mu = u[0]!;
    const tau = Math.exp(u[1]!);
    let lp = -(mu * mu) / 50 - Math.log1p((tau / 5) ** 2) + u[1]!;
    let gMu = -mu / 25;
    let gTau = (-2 * tau) / (25 + tau * tau);
    for (let j = 0; j < J; j++) {
      const t = u[2 + j]!;
      const s2 = sigma[j]! * sigma[j]!;
      const r = y[j]! - mu - tau * t;
      lp += -0.5 * t * t - (0.5 * r * r) / s2;
      const rs = r / s2;
      gMu += rs;
      gTau += rs * t;
      g[2 + j] = -t + tau * rs;
    }
    g[0] = gMu;
    g[1] = tau * gTau + 1;
    return lp;
  });
  const names = [...Array.from({ length: J }, (_, j) => `theta[${j + 1}]`), "mu", "tau"];
  return {
    name,
    density,
    names,
    targetAccept: 0.95,
    constrain(u, out) {
      const tau = Math.exp(u[1]!);
      for (let j = 0; j < J; j++) out[j] = u[0]! + tau * u[2 + j]!;
      out[J] = u[0]!;
      out[J + 1] = tau;
    },
  };
}

// ---------------------------------------------------------------- kidiq
/**
 * kidscore_momiq. u = [beta1, beta2, log sigma]. Flat betas, sigma ~
 * half-Cauchy(0, 2.5), kid_score ~ N(beta1 + beta2 mom_iq, sigma).
 */
export function kidiq(): ReferenceModel {
  const name = "kidiq-kidscore_momiq";
  const data = readJson(name, "data.json");
  const y = Float64Array.from(data.kid_score as number[]);
  const x = Float64Array.from(data.mom_iq as number[]);
  const N = y.length;
  const density = makeDensity(3, (u, g) => {
    const b1 = u[0]!;
    const b2 = u[1]!;
    const sigma = Math.exp(u[2]!);
    const inv2 = 1 / (sigma * sigma);
    let sse = 0;
    let s1 = 0;
    let s2 = 0;
    for (let n = 0; n < N; n++) {
      const e = y[n]! - b1 - b2 * x[n]!;
      sse += e * e;
      s1 += e;
      s2 += e * x[n]!;
    }
    const lp = -N * u[2]! - 0.5 * sse * inv2 - Math.log1p((sigma / 2.5) ** 2) + u[2]!;
    g[0] = s1 * inv2;
    g[1] = s2 * inv2;
    // d/dsigma then chain to log sigma (+1 from the Jacobian)
    const dSigma = -N / sigma + sse / (sigma * sigma * sigma) - (2 * sigma) / (6.25 + sigma * sigma);
    g[2] = sigma * dSigma + 1;
    return lp;
  });
  return {
    name,
    density,
    names: ["beta[1]", "beta[2]", "sigma"],
    targetAccept: 0.8,
    constrain(u, out) {
      out[0] = u[0]!;
      out[1] = u[1]!;
      out[2] = Math.exp(u[2]!);
    },
  };
}

// ---------------------------------------------------------------- arK
/**
 * arK. u = [alpha, beta[1..K], log sigma]. alpha, beta ~ N(0, 10),
 * sigma ~ half-Cauchy(0, 2.5), y[t] ~ N(alpha + sum_k beta[k] y[t-k], sigma), t > K.
 */
export function arK(): ReferenceModel {
  const name = "arK-arK";
  const data = readJson(name, "data.json");
  const K: number = data.K;
  const y = Float64Array.from(data.y as number[]);
  const T = y.length;
  const dim = K + 2;
  const beta = new Float64Array(K);
  const density = makeDensity(dim, (u, g) => {
    const alpha = u[0]!;
    for (let k = 0; k < K; k++) beta[k] = u[1 + k]!;
    const logSigma = u[K + 1]!;
    const sigma = Math.exp(logSigma);
    const inv2 = 1 / (sigma * sigma);
    let lp = -(alpha * alpha) / 200 - Math.log1p((sigma / 2.5) ** 2) + logSigma;
    g.fill(0);
    let sse = 0;
    for (let t = K; t < T; t++) {
      let m = alpha;
      for (let k = 0; k < K; k++) m += beta[k]! * y[t - 1 - k]!;
      const e = y[t]! - m;
      sse += e * e;
      g[0] = g[0]! + e;
      for (let k = 0; k < K; k++) g[1 + k] = g[1 + k]! + e * y[t - 1 - k]!;
    }
    const nObs = T - K;
    lp += -nObs * logSigma - 0.5 * sse * inv2;
    g[0] = g[0]! * inv2 - alpha / 100;
    for (let k = 0; k < K; k++) {
      lp -= (beta[k]! * beta[k]!) / 200;
      g[1 + k] = g[1 + k]! * inv2 - beta[k]! / 100;
    }
    const dSigma = -nObs / sigma + sse / (sigma * sigma * sigma) - (2 * sigma) / (6.25 + sigma * sigma);
    g[K + 1] = sigma * dSigma + 1;
    return lp;
  });
  return {
    name,
    density,
    names: ["alpha", ...Array.from({ length: K }, (_, k) => `beta[${k + 1}]`), "sigma"],
    targetAccept: 0.8,
    constrain(u, out) {
      for (let i = 0; i <= K; i++) out[i] = u[i]!;
      out[K + 1] = Math.exp(u[K + 1]!);
    },
  };
}

// ---------------------------------------------------------------- garch11
/**
 * garch11. u = [mu, a, b, c] with alpha0 = exp(a), alpha1 = logit^-1(b),
 * beta1 = (1 - alpha1) logit^-1(c). Flat priors on the constrained scale.
 * v[1] = sigma1^2, v[t] = alpha0 + alpha1 (y[t-1] - mu)^2 + beta1 v[t-1],
 * y[t] ~ N(mu, sqrt(v[t])) for all t.
 * log-Jacobian: a + log alpha1 + log(1 - alpha1) + log(1 - alpha1)
 *               + log l(c) + log(1 - l(c)).
 * Gradient by a reverse sweep over the variance recursion.
 */
export function garch11(): ReferenceModel {
  const name = "garch-garch11";
  const data = readJson(name, "data.json");
  const y = Float64Array.from(data.y as number[]);
  const T = y.length;
  const sigma1: number = data.sigma1;
  const v = new Float64Array(T);
  const dLdv = new Float64Array(T);
  const density = makeDensity(4, (u, g) => {
    const mu = u[0]!;
    const alpha0 = Math.exp(u[1]!);
    const alpha1 = invLogit(u[2]!);
    const lc = invLogit(u[3]!);
    const beta1 = (1 - alpha1) * lc;
    const logA1 = logInvLogit(u[2]!);
    const log1mA1 = logInvLogit(-u[2]!);
    const logLc = logInvLogit(u[3]!);
    const log1mLc = logInvLogit(-u[3]!);
    let lp = u[1]! + logA1 + 2 * log1mA1 + logLc + log1mLc;
    // forward
    v[0] = sigma1 * sigma1;
    for (let t = 1; t < T; t++) {
      const r = y[t - 1]! - mu;
      v[t] = alpha0 + alpha1 * r * r + beta1 * v[t - 1]!;
    }
    let gMu = 0;
    for (let t = 0; t < T; t++) {
      const r = y[t]! - mu;
      lp += -0.5 * Math.log(v[t]!) - (0.5 * r * r) / v[t]!;
      gMu += r / v[t]!;
      dLdv[t] = -0.5 / v[t]! + (0.5 * r * r) / (v[t]! * v[t]!);
    }
    // reverse: adjoint of v[t] including its effect on v[t+1] (v[0] is data)
    let gA0 = 0;
    let gA1 = 0;
    let gB1 = 0;
    let adj = 0;
    for (let t = T - 1; t >= 1; t--) {
      adj = dLdv[t]! + beta1 * adj;
      const r = y[t - 1]! - mu;
      gA0 += adj;
      gA1 += adj * r * r;
      gB1 += adj * v[t - 1]!;
      gMu += adj * (-2 * alpha1 * r);
    }
    const dA1db = alpha1 * (1 - alpha1);
    g[0] = gMu;
    g[1] = alpha0 * gA0 + 1;
    g[2] = gA1 * dA1db - gB1 * lc * dA1db + (1 - 3 * alpha1);
    g[3] = gB1 * (1 - alpha1) * lc * (1 - lc) + (1 - 2 * lc);
    return lp;
  });
  return {
    name,
    density,
    names: ["mu", "alpha0", "alpha1", "beta1"],
    targetAccept: 0.8,
    constrain(u, out) {
      const alpha1 = invLogit(u[2]!);
      out[0] = u[0]!;
      out[1] = Math.exp(u[1]!);
      out[2] = alpha1;
      out[3] = (1 - alpha1) * invLogit(u[3]!);
    },
  };
}

// ---------------------------------------------------------------- gauss mix
/**
 * low_dim_gauss_mix. u = [x1, x2, log sigma1, log sigma2, logit theta] with
 * Stan's ordered transform mu[1] = x1, mu[2] = x1 + exp(x2) (log-Jacobian x2).
 * mu[k] ~ N(0, 2), sigma[k] ~ half-N(0, 2), theta ~ Beta(5, 5),
 * y[n] ~ theta N(mu[1], sigma[1]) + (1 - theta) N(mu[2], sigma[2]).
 */
export function gaussMix(): ReferenceModel {
  const name = "low_dim_gauss_mix-low_dim_gauss_mix";
  const data = readJson(name, "data.json");
  const y = Float64Array.from(data.y as number[]);
  const N = y.length;
  const density = makeDensity(5, (u, g) => {
    const mu1 = u[0]!;
    const e2 = Math.exp(u[1]!);
    const mu2 = mu1 + e2;
    const s1 = Math.exp(u[2]!);
    const s2 = Math.exp(u[3]!);
    const theta = invLogit(u[4]!);
    const logTheta = logInvLogit(u[4]!);
    const log1mTheta = logInvLogit(-u[4]!);
    const inv1 = 1 / (s1 * s1);
    const inv2 = 1 / (s2 * s2);
    const c1 = logTheta - u[2]!;
    const c2 = log1mTheta - u[3]!;
    let lp = 0;
    let gMu1 = 0;
    let gMu2 = 0;
    let gS1 = 0; // d/d log sigma1 of the likelihood
    let gS2 = 0;
    let w1Sum = 0;
    for (let n = 0; n < N; n++) {
      const d1 = y[n]! - mu1;
      const d2 = y[n]! - mu2;
      const a = c1 - 0.5 * d1 * d1 * inv1;
      const b = c2 - 0.5 * d2 * d2 * inv2;
      const m = a > b ? a : b;
      const ea = Math.exp(a - m);
      const eb = Math.exp(b - m);
      const sum = ea + eb;
      lp += m + Math.log(sum);
      const w1 = ea / sum;
      const w2 = eb / sum;
      w1Sum += w1;
      gMu1 += w1 * d1 * inv1;
      gMu2 += w2 * d2 * inv2;
      gS1 += w1 * (d1 * d1 * inv1 - 1);
      gS2 += w2 * (d2 * d2 * inv2 - 1);
    }
    // d/dtheta of the likelihood: sum w1/theta - w2/(1-theta); times dtheta/du = theta(1-theta)
    const gLogitLik = w1Sum * (1 - theta) - (N - w1Sum) * theta;
    // priors
    lp += -(mu1 * mu1) / 8 - (mu2 * mu2) / 8 - (s1 * s1) / 8 - (s2 * s2) / 8 + 4 * logTheta + 4 * log1mTheta;
    gMu1 += -mu1 / 4;
    gMu2 += -mu2 / 4;
    gS1 += -(s1 * s1) / 4;
    gS2 += -(s2 * s2) / 4;
    // Jacobians: x2 + log s1 + log s2 + log theta + log(1 - theta)
    lp += u[1]! + u[2]! + u[3]! + logTheta + log1mTheta;
    g[0] = gMu1 + gMu2;
    g[1] = gMu2 * e2 + 1;
    g[2] = gS1 + 1;
    g[3] = gS2 + 1;
    // beta(5,5) prior 4 log theta + 4 log(1-theta) plus Jacobian: d/du = 5(1-theta) - 5 theta
    g[4] = gLogitLik + 5 * (1 - theta) - 5 * theta;
    return lp;
  });
  return {
    name,
    density,
    names: ["mu[1]", "mu[2]", "sigma[1]", "sigma[2]", "theta"],
    targetAccept: 0.8,
    constrain(u, out) {
      out[0] = u[0]!;
      out[1] = u[0]! + Math.exp(u[1]!);
      out[2] = Math.exp(u[2]!);
      out[3] = Math.exp(u[3]!);
      out[4] = invLogit(u[4]!);
    },
  };
}

export const REFERENCE_MODELS: Array<() => ReferenceModel> = [eightSchools, kidiq, arK, garch11, gaussMix];
