import { describe, expect, it } from "vitest";
import type { LogDensity } from "../../src/density/types.js";
import { SamplerFailure } from "../../src/errors.js";
import { pathfinderStarts } from "../../src/sampler/pathfinder/pathfinder.js";
import { paretoSmooth, fitGeneralisedPareto } from "../../src/sampler/pathfinder/psis.js";
import { createRng } from "../../src/rng/random.js";
import { normalApproximation } from "../../src/sampler/pathfinder/approximation.js";

/** N(mean, cov) given by its precision (row-major). */
function gaussian(mean: number[], precision: number[][]): LogDensity {
  const n = mean.length;
  const logp = (x: Float64Array, g?: Float64Array) => {
    let q = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += precision[i]![j]! * (x[j]! - mean[j]!);
      if (g) g[i] = -v;
      q += (x[i]! - mean[i]!) * v;
    }
    return -0.5 * q;
  };
  return { dim: n, logp: (x) => logp(x), logpGrad: (x, g) => logp(x, g) };
}

/** Inverse of a small SPD matrix by Gauss-Jordan (the test's own float64 reference). */
function inverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...a.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    const p = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= p;
    for (let r = 0; r < n; r++) if (r !== c) {
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((r) => r.slice(n));
}

function chosenApproximation(density: LogDensity, seed: number) {
  const r = pathfinderStarts(density, 4, { seed });
  const best = r.paths.filter((p) => p.approximation).sort((a, b) => b.elbo! - a.elbo!)[0]!;
  return { r, approx: best.approximation! };
}

/** Largest |C_ij - T_ij| / sqrt(T_ii T_jj). */
function covarianceError(C: Float64Array, truth: number[][]): number {
  const n = truth.length;
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    worst = Math.max(worst, Math.abs(C[i * n + j]! - truth[i]![j]!) / Math.sqrt(truth[i]![i]! * truth[j]![j]!));
  }
  return worst;
}

/** KL(N(mq, Cq) || N(m, P^-1)) = 0.5 (tr(P Cq) + d'P d - n - log det(P Cq)). */
function klToTruth(Cq: Float64Array, mq: Float64Array, m: number[], P: number[][]): number {
  const n = m.length;
  const PC = P.map((row, i) => Array.from({ length: n }, (_, j) => row.reduce((a, p, k) => a + p * Cq[k * n + j]!, 0)));
  let tr = 0;
  for (let i = 0; i < n; i++) tr += PC[i]![i]!;
  const d = m.map((v, i) => mq[i]! - v);
  const quad = d.reduce((a, di, i) => a + di * P[i]!.reduce((b, p, j) => b + p * d[j]!, 0), 0);
  // log det by Gaussian elimination (P Cq is similar to an SPD matrix: positive pivots).
  const a = PC.map((r) => r.slice());
  let logDet = 0;
  for (let c = 0; c < n; c++) {
    logDet += Math.log(a[c]![c]!);
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j < n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return 0.5 * (tr + quad - n - logDet);
}

function meanError(m: Float64Array, mean: number[], truth: number[][]): number {
  return Math.max(...mean.map((v, i) => Math.abs(m[i]! - v) / Math.sqrt(truth[i]![i]!)));
}

describe("Pathfinder on Gaussians", () => {
  const cases: Array<[string, number[], number[][]]> = [];
  {
    const n = 8;
    cases.push(["isotropic (n=8)", Array.from({ length: n }, (_, i) => i - 3), Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 4 : 0)))]);
  }
  {
    // Correlated: covariance rho^|i-j|, rho = 0.9, n = 5 (dense form: 2J >= n).
    const n = 5;
    const cov = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 0.9 ** Math.abs(i - j)));
    cases.push(["correlated (n=5, rho 0.9)", [1, -1, 0.5, 2, 0], inverse(cov)]);
  }
  {
    // Ill-conditioned: sds 0.1 .. 10 on the diagonal (condition number 1e4), n = 20 (low-rank form).
    const n = 20;
    const sd = Array.from({ length: n }, (_, i) => 0.1 * 100 ** (i / (n - 1)));
    cases.push(["ill-conditioned (n=20, sd 0.1..10)", sd.map((s) => s), sd.map((s, i) => sd.map((_, j) => (i === j ? 1 / (s * s) : 0)))]);
  }
  for (const [name, mean, precision] of cases) {
    const lowRank = mean.length > 12;
    it(`${name}: the chosen approximation's mean and covariance`, () => {
      const truth = inverse(precision);
      const { r, approx } = chosenApproximation(gaussian(mean, precision), 11);
      const me = meanError(approx.mean, mean, truth);
      const ce = covarianceError(approx.covariance(), truth);
      expect(me).toBeLessThan(0.05);
      if (lowRank) {
        // Six correction pairs in 20 dimensions do not pin the whole inverse
        // Hessian: bound the approximation's KL divergence instead.
        expect(klToTruth(approx.covariance(), approx.mean, mean, precision)).toBeLessThan(1);
      } else {
        expect(ce).toBeLessThan(0.1);
      }
      expect(r.starts).toHaveLength(4);
    });
  }
});

describe("Pathfinder's normal approximation", () => {
  it("draws have the covariance H and log q is their normal log-density (low-rank and dense forms)", () => {
    for (const n of [30, 6]) {
      // A history of 6 pairs with positive curvature from a random SPD Hessian.
      const rng = createRng(5, 0);
      const A = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
      const hess = A.map((_, i) => A.map((_, j) => A[i]!.reduce((s, v, k) => s + v * A[j]![k]!, 0) / n + (i === j ? 0.5 : 0)));
      const S: Float64Array[] = [];
      const Y: Float64Array[] = [];
      for (let k = 0; k < 6; k++) {
        const s = Float64Array.from({ length: n }, () => rng.normal());
        S.push(s);
        Y.push(Float64Array.from(hess.map((row) => row.reduce((a, h, j) => a + h * s[j]!, 0))));
      }
      const alpha = Float64Array.from({ length: n }, () => 0.5 + rng.uniform());
      const x = new Float64Array(n);
      const g = Float64Array.from({ length: n }, () => rng.normal());
      const approx = normalApproximation(x, g, { S, Y, alpha })!;
      expect(approx).not.toBeNull();
      const C = approx.covariance();
      // BFGS secant condition of the last pair: H y = s.
      const last = Y[5]!;
      for (let i = 0; i < n; i++) expect(C.slice(i * n, i * n + n).reduce((a, c, j) => a + c * last[j]!, 0)).toBeCloseTo(S[5]![i]!, 8);
      const N = 20000;
      const out = new Float64Array(n);
      const mean = new Float64Array(n);
      const second = new Float64Array(n * n);
      const drng = createRng(6, 0);
      let maxLogqError = 0;
      const Cinv = inverse(Array.from({ length: n }, (_, i) => Array.from(C.slice(i * n, i * n + n))));
      for (let t = 0; t < N; t++) {
        const lq = approx.draw(drng, out);
        let quad = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) quad += (out[i]! - approx.mean[i]!) * Cinv[i]![j]! * (out[j]! - approx.mean[j]!);
        maxLogqError = Math.max(maxLogqError, Math.abs(lq + 0.5 * (quad + approx.logDet + n * Math.log(2 * Math.PI))));
        for (let i = 0; i < n; i++) {
          mean[i]! += out[i]! / N;
          for (let j = 0; j < n; j++) second[i * n + j]! += (out[i]! - approx.mean[i]!) * (out[j]! - approx.mean[j]!) / N;
        }
      }
      expect(maxLogqError).toBeLessThan(1e-6);
      // Monte Carlo error of a covariance entry: sqrt((C_ii C_jj + C_ij^2) / N) <= sqrt(2 C_ii C_jj / N); 5 of those.
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        const se = Math.sqrt((2 * C[i * n + i]! * C[j * n + j]!) / N);
        expect(Math.abs(second[i * n + j]! - C[i * n + j]!)).toBeLessThan(5 * se);
      }
    }
  });
});

describe("Pareto smoothing", () => {
  it("recovers the shape of a generalised Pareto sample", () => {
    const rng = createRng(3, 0);
    for (const k of [0.2, 0.8]) {
      const x = Float64Array.from({ length: 4000 }, () => (Math.pow(1 - rng.uniform(), -k) - 1) / k).sort();
      // Standard error of the shape estimate ~ (1 + k) / sqrt(n) = 0.03; 4 of those.
      expect(Math.abs(fitGeneralisedPareto(x).k - k)).toBeLessThan(0.12);
    }
  });
  it("leaves the weights' order and bounds, and flags heavy tails", () => {
    const rng = createRng(4, 0);
    // Log weights whose exponentials are Pareto with shape 0.9: too heavy a tail to trust (k-hat > 0.7).
    const lw = Float64Array.from({ length: 2000 }, () => -0.9 * Math.log(1 - rng.uniform()));
    const s = paretoSmooth(lw);
    expect(s.k).toBeGreaterThan(0.7);
    let max = -Infinity;
    for (const v of lw) max = Math.max(max, v);
    for (let i = 0; i < lw.length; i++) expect(s.logWeights[i]!).toBeLessThanOrEqual(max);
    // Weights of N(0, 1) proposals for a N(0, 0.5^2) target are bounded: k <= 0.5 expected.
    const light = Float64Array.from({ length: 2000 }, () => { const z = rng.normal(); return -0.5 * (z / 0.5) ** 2 + 0.5 * z * z; });
    expect(paretoSmooth(light).k).toBeLessThan(0.5);
  });
});

describe("Pathfinder where the density fails", () => {
  // N(3, 1) in each of 4 coordinates, but NaN (reported as -Infinity, as a LogDensity must)
  // wherever x_0 lies in (0.5, 1): every path from x_0 < 0.5 must cross that band.
  const n = 4;
  const band: LogDensity = {
    dim: n,
    logp: (x) => band.logpGrad(x, new Float64Array(n)),
    logpGrad: (x, g) => {
      if (x[0]! > 0.5 && x[0]! < 1) {
        g.fill(NaN);
        return -Infinity;
      }
      let q = 0;
      for (let i = 0; i < n; i++) {
        g[i] = -(x[i]! - 3);
        q += (x[i]! - 3) ** 2;
      }
      return -0.5 * q;
    },
  };

  it("steps over or stops before a band where the density is undefined, and still gives starts", () => {
    const r = pathfinderStarts(band, 4, { seed: 2 });
    expect(r.starts).toHaveLength(4);
    for (const s of r.starts) expect(s.every(Number.isFinite)).toBe(true);
    for (const s of r.starts) expect(Number.isFinite(band.logp(s))).toBe(true);
    // Every path either finished or was dropped with a reason.
    for (const p of r.paths) expect(p.failure === undefined ? p.approximation !== undefined : p.failure.length > 0).toBe(true);
  });

  it("says why every path failed when none can start", () => {
    const nowhere: LogDensity = { dim: 2, logp: () => -Infinity, logpGrad: (_x, g) => (g.fill(0), -Infinity) };
    expect(() => pathfinderStarts(nowhere, 4, { seed: 1 })).toThrow(SamplerFailure);
    expect(() => pathfinderStarts(nowhere, 4, { seed: 1 })).toThrow(/Pathfinder failed on all 4 paths: path 1: Initialization failed/);
  });
});
