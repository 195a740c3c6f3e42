import { describe, expect, it } from "vitest";
import { PhiloxRng } from "../../src/rng/index.js";
import { DenseMetric, DiagonalMetric, EuclideanSystem, choleskyLower, createNutsKernel, createPhasePoint } from "../../src/sampler/index.js";
import { correlatedNormal2, diagonalNormal } from "./models/gaussians.js";

describe("Euclidean metrics", () => {
  it("diagonal: velocity M^-1 p, kinetic energy and momentum covariance M", () => {
    const inv = Float64Array.of(4, 0.25, 1e-4);
    const m = new DiagonalMetric(inv);
    const p = Float64Array.of(1, -2, 3);
    const v = new Float64Array(3);
    m.velocity(p, v);
    expect(Array.from(v)).toEqual([4, -0.5, 1e-4 * 3]);
    expect(m.kinetic(p)).toBeCloseTo(0.5 * (4 + 1 + 9e-4), 14);
    const rng = new PhiloxRng(1);
    const n = 100_000;
    const s2 = new Float64Array(3);
    for (let i = 0; i < n; i++) {
      m.sampleMomentum(rng, p);
      for (let j = 0; j < 3; j++) s2[j] = s2[j]! + p[j]! * p[j]!;
    }
    for (let j = 0; j < 3; j++) expect((s2[j]! / n) * inv[j]!).toBeCloseTo(1, 1);
    expect(() => new DiagonalMetric(Float64Array.of(1, 0))).toThrow();
  });

  it("dense: Cholesky, velocity Sigma p, and momentum covariance Sigma^-1", () => {
    const sigma = Float64Array.of(2, 0.9, 0.3, 0.9, 1, 0.2, 0.3, 0.2, 0.5);
    const L = choleskyLower(sigma, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += L[i * 3 + k]! * L[j * 3 + k]!;
        expect(s).toBeCloseTo(sigma[i * 3 + j]!, 12);
      }
    }
    const m = new DenseMetric(sigma);
    const p = Float64Array.of(1, 2, 3);
    const v = new Float64Array(3);
    m.velocity(p, v);
    expect(v[0]).toBeCloseTo(2 + 1.8 + 0.9, 12);
    expect(m.kinetic(p)).toBeCloseTo(0.5 * (p[0]! * v[0]! + p[1]! * v[1]! + p[2]! * v[2]!), 12);
    // E[p p'] = Sigma^-1, i.e. E[(Sigma p)(p')] = I.
    const rng = new PhiloxRng(2);
    const n = 100_000;
    const acc = new Float64Array(9);
    for (let i = 0; i < n; i++) {
      m.sampleMomentum(rng, p);
      m.velocity(p, v);
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) acc[a * 3 + b] = acc[a * 3 + b]! + (v[a]! * p[b]!) / n;
    }
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(acc[a * 3 + b]!).toBeCloseTo(a === b ? 1 : 0, 1);
    expect(() => new DenseMetric(Float64Array.of(1, 2, 2, 1))).toThrow(/positive definite/);
  });
});

describe("leapfrog", () => {
  it("is time-reversible and nearly conserves energy for small steps", () => {
    const density = correlatedNormal2(0.9);
    const sys = new EuclideanSystem(density, new DenseMetric(Float64Array.of(1, 0.9, 0.9, 1)));
    const z = createPhasePoint(2);
    z.q.set([0.3, -0.7]);
    z.logp = density.logpGrad(z.q, z.g);
    z.p.set([1.1, 0.4]);
    const v = new Float64Array(2);
    const H0 = sys.hamiltonian(z, v);
    const q0 = Float64Array.from(z.q);
    const p0 = Float64Array.from(z.p);
    for (let i = 0; i < 50; i++) sys.evolve(z, 0.01);
    expect(Math.abs(sys.hamiltonian(z, v) - H0)).toBeLessThan(1e-3);
    for (let i = 0; i < 50; i++) sys.evolve(z, -0.01);
    for (let j = 0; j < 2; j++) {
      expect(z.q[j]).toBeCloseTo(q0[j]!, 10);
      expect(z.p[j]).toBeCloseTo(p0[j]!, 10);
    }
  });

  it("has second-order energy error", () => {
    const density = diagonalNormal([1, 2, 0.5]);
    const sys = new EuclideanSystem(density, DiagonalMetric.unit(3));
    const err = (eps: number) => {
      const z = createPhasePoint(3);
      z.q.set([0.5, 1, -0.2]);
      z.logp = density.logpGrad(z.q, z.g);
      z.p.set([0.3, -0.2, 0.9]);
      const v = new Float64Array(3);
      const H0 = sys.hamiltonian(z, v);
      const steps = Math.round(0.4 / eps);
      let worst = 0;
      for (let i = 0; i < steps; i++) {
        sys.evolve(z, eps);
        worst = Math.max(worst, Math.abs(sys.hamiltonian(z, v) - H0));
      }
      return worst;
    };
    const ratio = err(0.02) / err(0.01);
    expect(ratio).toBeGreaterThan(3.5);
    expect(ratio).toBeLessThan(4.5);
  });

  it("never returns NaN from energyChange when a step lands on an invalid point", () => {
    // Valid only on |x| <= 1; invalid points return NaN, which must read as -Infinity.
    const density = {
      dim: 1,
      logp: (x: Float64Array) => (Math.abs(x[0]!) > 1 ? Number.NEGATIVE_INFINITY : -0.5 * x[0]! ** 2),
      logpGrad: (x: Float64Array, g: Float64Array) => {
        g[0] = -x[0]!;
        return Math.abs(x[0]!) > 1 ? Number.NaN : -0.5 * x[0]! ** 2;
      },
    };
    const kernel = createNutsKernel(density);
    const state = kernel.init(Float64Array.of(0.9));
    const rng = new PhiloxRng(1);
    const m = DiagonalMetric.unit(1);
    let invalid = 0;
    for (let i = 0; i < 20; i++) {
      const d = kernel.energyChange(state, 5, m, rng);
      expect(Number.isNaN(d)).toBe(false);
      if (d === Number.NEGATIVE_INFINITY) invalid++;
    }
    expect(invalid).toBeGreaterThan(15);
  });
});
