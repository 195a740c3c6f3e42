import { describe, expect, it } from "vitest";
import { LowRankMetricAdapter } from "../../src/adaptation/lowRankAdapter.js";
import { estimateLowRank, spdGeometricMean } from "../../src/adaptation/lowRankEstimate.js";
import { symmetricEigen, symmetricFunction } from "../../src/math/symmetricEigen.js";
import { PhiloxRng } from "../../src/rng/random.js";
import { LowRankMetric } from "../../src/sampler/lowRankMetric.js";

/** A random orthonormal set of k directions in dim dimensions (rows). */
function orthonormal(k: number, dim: number, rng: PhiloxRng): Float64Array {
  const a = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) a[i * dim + j] = a[j * dim + i] = rng.normal();
  const v = symmetricEigen(a, dim).vectors;
  const out = new Float64Array(k * dim);
  for (let j = 0; j < k; j++) for (let i = 0; i < dim; i++) out[j * dim + i] = v[i * dim + j]!;
  return out;
}

function matVec(m: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] = out[i]! + m[i * n + j]! * x[j]!;
  return out;
}

/** A covariance with a few strong correlations: Sigma = S (I + U (L - I) U') S. */
function testCovariance(dim: number, seed: number): { sigma: Float64Array; sigma2: Float64Array; values: Float64Array; dirs: Float64Array } {
  const rng = new PhiloxRng(seed, 0);
  const sigma2 = Float64Array.from({ length: dim }, (_, i) => 10 ** (i % 4 - 1));
  const values = new Float64Array([50, 0.02, 8]);
  const dirs = orthonormal(values.length, dim, rng);
  const m = new LowRankMetric(sigma2, values, dirs);
  return { sigma: m.inverseMetric(), sigma2, values, dirs };
}

describe("LowRankMetric", () => {
  const dim = 7;
  const { sigma, sigma2, values, dirs } = testCovariance(dim, 11);
  const metric = new LowRankMetric(sigma2, values, dirs);

  it("velocity and kinetic energy equal the dense M^-1 p and p' M^-1 p / 2", () => {
    const rng = new PhiloxRng(1, 2);
    const p = new Float64Array(dim);
    const v = new Float64Array(dim);
    for (let rep = 0; rep < 5; rep++) {
      rng.fillNormal(p);
      metric.velocity(p, v);
      const ref = matVec(sigma, p, dim);
      for (let i = 0; i < dim; i++) expect(Math.abs(v[i]! - ref[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(ref[i]!)));
      const k = 0.5 * p.reduce((s, pi, i) => s + pi * ref[i]!, 0);
      expect(Math.abs(metric.kinetic(p) - k)).toBeLessThan(1e-12 * (1 + k));
    }
  });

  it("momenta have covariance M = (M^-1)^-1 within Monte Carlo error", () => {
    const n = 40000;
    const p = new Float64Array(dim);
    // The whitened momenta L' p (Sigma = L L') have unit covariance.
    const l = symmetricFunction(symmetricEigen(sigma, dim), dim, Math.sqrt);
    const rng2 = new PhiloxRng(6, 0);
    const w2 = new Float64Array(dim * dim);
    for (let t = 0; t < n; t++) {
      metric.sampleMomentum(rng2, p);
      const w = matVec(l, p, dim);
      for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) w2[i * dim + j] = w2[i * dim + j]! + w[i]! * w[j]!;
    }
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) {
        expect(Math.abs(w2[i * dim + j]! / n - (i === j ? 1 : 0))).toBeLessThan(5 * Math.sqrt((i === j ? 2 : 1) / n));
      }
    }
  });

  it("velocity, kinetic energy and momentum draws create no typed arrays (the leapfrog allocates nothing)", () => {
    const rng = new PhiloxRng(3, 0);
    const p = new Float64Array(dim);
    const v = new Float64Array(dim);
    const original = globalThis.Float64Array;
    let created = 0;
    globalThis.Float64Array = class extends original {
      constructor(...args: ConstructorParameters<typeof original>) {
        super(...args);
        created++;
      }
    } as typeof original;
    try {
      for (let k = 0; k < 100; k++) {
        metric.sampleMomentum(rng, p);
        metric.velocity(p, v);
        metric.kinetic(p);
      }
    } finally {
      globalThis.Float64Array = original;
    }
    expect(created).toBe(0);
  });

  it("rank 0 is the diagonal metric; bad input is refused", () => {
    const d = new LowRankMetric(new Float64Array([4, 0.25]));
    const v = new Float64Array(2);
    d.velocity(new Float64Array([1, 2]), v);
    expect(Array.from(v)).toEqual([4, 0.5]);
    expect(() => new LowRankMetric(new Float64Array([1, 0]))).toThrow(/positive/);
    expect(() => new LowRankMetric(new Float64Array([1, 1]), new Float64Array([2]), new Float64Array([1, 1]))).toThrow(/orthonormal/);
  });
});

describe("estimateLowRank", () => {
  /** n draws of N(0, Sigma) with their exact gradients -Sigma^-1 x. */
  function gaussianSample(sigma: Float64Array, dim: number, n: number, seed: number): { x: Float64Array; g: Float64Array } {
    const eig = symmetricEigen(sigma, dim);
    const half = symmetricFunction(eig, dim, Math.sqrt);
    const prec = symmetricFunction(eig, dim, (l) => 1 / l);
    const rng = new PhiloxRng(seed, 0);
    const x = new Float64Array(n * dim);
    const g = new Float64Array(n * dim);
    const z = new Float64Array(dim);
    for (let t = 0; t < n; t++) {
      rng.fillNormal(z);
      const xt = matVec(half, z, dim).map((v, i) => v + 3 * i);
      x.set(xt, t * dim);
      g.set(
        matVec(prec, xt.map((v, i) => v - 3 * i), dim).map((v) => -v),
        t * dim,
      );
    }
    return { x, g };
  }

  it.each([
    [1e-14, 1e-8],
    [1e-5, 0.03],
  ])("for a Gaussian with exact gradients and n > dim, the metric is the covariance (ridge %s: within %s)", (gamma, tol) => {
    // Draws x and gradients -Sigma^-1 x: the geometric mean of cov(x) and cov(g)^-1 is Sigma itself,
    // whatever the sample; only the ridge n gamma moves it.
    const dim = 7;
    const { sigma } = testCovariance(dim, 11);
    const { x, g } = gaussianSample(sigma, dim, 60, 3);
    const est = estimateLowRank(x, g, 60, dim, { cutoff: 1, gamma })!;
    const inv = new LowRankMetric(est.sigma2, est.values, est.directions).inverseMetric();
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) {
        const scale = Math.sqrt(sigma[i * dim + i]! * sigma[j * dim + j]!);
        expect(Math.abs(inv[i * dim + j]! - sigma[i * dim + j]!) / scale).toBeLessThan(tol);
      }
    }
  });

  it("with fewer draws than dimensions it finds the strong directions in the draws' and gradients' span", () => {
    // 40-D: diagonal scales and two strong correlations; 15 draws (n < dim).
    const dim = 40;
    const rng = new PhiloxRng(4, 0);
    const sigma2 = Float64Array.from({ length: dim }, (_, i) => 0.5 + (i % 5));
    const dirs = orthonormal(2, dim, rng);
    const sigma = new LowRankMetric(sigma2, new Float64Array([100, 0.01]), dirs).inverseMetric();
    const { x, g } = gaussianSample(sigma, dim, 15, 9);
    const est = estimateLowRank(x, g, 15, dim)!;
    const m = new LowRankMetric(est.sigma2, est.values, est.directions);
    // The metric's variance along each true direction u, u' M^-1 u, against u' Sigma u: inside
    // [0.2, 2.6], the 99.9% range of a variance estimated from 15 draws (chi-square, 14 df, / 14),
    // and closer than the diagonal part alone (off by factors of 4 to 30 here).
    for (const k of [0, 1]) {
      const u = dirs.subarray(k * dim, (k + 1) * dim);
      const su = matVec(sigma, u, dim).reduce((s, v, i) => s + v * u[i]!, 0);
      const v = new Float64Array(dim);
      // velocity(p) = M^-1 p, so u' M^-1 u = u . velocity(u).
      m.velocity(u, v);
      const mu = v.reduce((s, vi, i) => s + vi * u[i]!, 0);
      const diagOnly = u.reduce((s, ui, i) => s + ui * ui * est.sigma2[i]!, 0);
      console.log(`[lowrank n < dim] direction ${k}: true ${su.toPrecision(3)}, low-rank ${mu.toPrecision(3)}, diagonal ${diagOnly.toPrecision(3)}`);
      expect(Math.abs(Math.log(diagOnly / su))).toBeGreaterThan(Math.log(3));
      expect(Math.abs(Math.log(mu / su))).toBeLessThan(Math.abs(Math.log(diagOnly / su)));
      expect(mu / su).toBeGreaterThan(0.2);
      expect(mu / su).toBeLessThan(2.6);
    }
    expect(est.values.length).toBeGreaterThanOrEqual(2);
  });

  it("the SPD geometric mean of diag(1,4,8) and diag(1,1,0.5)^-1... solves A B A = C", () => {
    const c = new Float64Array([1, 0, 0, 0, 4, 0, 0, 0, 8]);
    const b = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 0.5]);
    const a = spdGeometricMean(c, b, 3)!;
    expect(a[0]).toBeCloseTo(1, 12);
    expect(a[4]).toBeCloseTo(2, 12);
    expect(a[8]).toBeCloseTo(4, 12);
  });

  it("returns null without enough data or with a constant coordinate", () => {
    expect(estimateLowRank(new Float64Array(4), new Float64Array(4), 2, 2)).toBeNull();
    const x = new Float64Array([1, 0, 2, 0, 3, 0]);
    expect(estimateLowRank(x, x, 3, 2)).toBeNull();
  });
});

describe("LowRankMetricAdapter", () => {
  it("starts from 1/|grad|, switches on nutpie's schedule and freezes for the final window", () => {
    const a = new LowRankMetricAdapter(2, 100, { updateEvery: 5 });
    expect(Array.from(a.init(new Float64Array([0, 0]), new Float64Array([-4, 0])))).toEqual([0.25, 1]);
    const rng = new PhiloxRng(2, 0);
    let updates = 0;
    for (let it = 0; it < 100; it++) {
      const x = new Float64Array([rng.normal(), 2 * rng.normal()]);
      const est = a.update(it, x, new Float64Array([-x[0]!, -x[1]! / 4]));
      if (est) updates++;
      if (it >= 85) expect(est).toBeNull();
    }
    // Early window (30 iterations): every draw from the third; later every 5th draw or at a switch.
    expect(updates).toBeGreaterThan(30);
    expect(updates).toBeLessThan(50);
    expect(a.switches).toBe(3 + 0);
  });
});
