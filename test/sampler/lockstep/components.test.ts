/**
 * The pieces of the lockstep sampler: the float64 CPU integrator against the
 * single-chain leapfrog, the ChEES gradient against finite differences of the
 * criterion, Adam, the van der Corput jitter and the cross-chain metric.
 */
import { describe, expect, it } from "vitest";
import { CrossChainVariance, ScalarAdam, cheesGradient } from "../../../src/adaptation/index.js";
import type { BatchedLogDensity, LogDensity } from "../../../src/density/types.js";
import { PhiloxRng } from "../../../src/rng/index.js";
import { DiagonalMetric, EuclideanSystem, createPhasePoint } from "../../../src/sampler/index.js";
import { cpuLockstepIntegrator, vanDerCorput } from "../../../src/sampler/lockstep/index.js";
import { diagonalNormal, funnel } from "../models/gaussians.js";

function randomArray(rng: PhiloxRng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** A batched density that records the batch sizes it was called with. */
function recordingBatched(density: LogDensity): BatchedLogDensity & { calls: number[] } {
  const calls: number[] = [];
  const dim = density.dim;
  return {
    dim,
    calls,
    logpGradBatch(positions, gradients, out, count) {
      calls.push(count);
      for (let i = 0; i < count; i++) out[i] = density.logpGrad(positions.subarray(i * dim, (i + 1) * dim), gradients.subarray(i * dim, (i + 1) * dim));
    },
  };
}

describe("cpuLockstepIntegrator", () => {
  const density = funnel(5);
  const dim = density.dim;
  const chains = 7;

  it("evaluate gives each chain's log-density and gradient", async () => {
    const rng = new PhiloxRng(1);
    const q = randomArray(rng, chains * dim);
    const g = new Float64Array(chains * dim);
    const lp = new Float64Array(chains);
    await cpuLockstepIntegrator(density, chains).evaluate(q, g, lp);
    for (let c = 0; c < chains; c++) {
      const gc = new Float64Array(dim);
      expect(lp[c]).toBe(density.logpGrad(q.subarray(c * dim, (c + 1) * dim), gc));
      expect(Array.from(g.subarray(c * dim, (c + 1) * dim))).toEqual(Array.from(gc));
    }
  });

  it("leapfrog equals the single-chain Euclidean leapfrog bit for bit, and batches one call per step", async () => {
    const rng = new PhiloxRng(2);
    const invMetric = Float64Array.from({ length: dim }, () => 0.5 + rng.uniform());
    const q = randomArray(rng, chains * dim, 0.5);
    const p = randomArray(rng, chains * dim);
    const g = new Float64Array(chains * dim);
    const lp = new Float64Array(chains);
    const batched = recordingBatched(density);
    const integrator = cpuLockstepIntegrator(batched, chains);
    await integrator.evaluate(q, g, lp);
    const start = { q: q.slice(), p: p.slice(), g: g.slice(), lp: lp.slice() };
    const eps = 0.05;
    const steps = 9;
    batched.calls.length = 0;
    await integrator.leapfrog(q, p, g, lp, eps, steps, invMetric);
    expect(batched.calls).toEqual(new Array(steps).fill(chains));
    // One step size per chain: chain c by 0.02 (c + 1), each the same as a single-size run.
    const perChain = Float64Array.from({ length: chains }, (_, c) => 0.02 * (c + 1));
    const qc = start.q.slice();
    const pc = start.p.slice();
    const gc = start.g.slice();
    const lpc = start.lp.slice();
    await integrator.leapfrog(qc, pc, gc, lpc, perChain, steps, invMetric);

    const system = new EuclideanSystem(density, new DiagonalMetric(invMetric));
    for (let c = 0; c < chains; c++) {
      const z = createPhasePoint(dim);
      const row = (a: Float64Array) => a.slice(c * dim, (c + 1) * dim);
      z.q.set(row(start.q));
      z.p.set(row(start.p));
      z.g.set(row(start.g));
      z.logp = start.lp[c]!;
      for (let s = 0; s < steps; s++) system.evolve(z, eps);
      expect(Array.from(row(q))).toEqual(Array.from(z.q));
      expect(Array.from(row(p))).toEqual(Array.from(z.p));
      expect(Array.from(row(g))).toEqual(Array.from(z.g));
      expect(lp[c]).toBe(z.logp);
      const own = createPhasePoint(dim);
      own.q.set(row(start.q));
      own.p.set(row(start.p));
      own.g.set(row(start.g));
      own.logp = start.lp[c]!;
      for (let s = 0; s < steps; s++) system.evolve(own, perChain[c]!);
      expect(Array.from(row(qc))).toEqual(Array.from(own.q));
      expect(Array.from(row(pc))).toEqual(Array.from(own.p));
      expect(lpc[c]).toBe(own.logp);
    }
    await expect(integrator.leapfrog(qc, pc, gc, lpc, new Float64Array(chains + 1), 1, invMetric)).rejects.toThrow(/one per chain/);
  });

  it("conserves energy to O(eps^2) on a Gaussian", async () => {
    const gauss = diagonalNormal([1, 2, 0.5]);
    const integrator = cpuLockstepIntegrator(gauss, 4);
    const energyError = async (eps: number) => {
      const q = randomArray(new PhiloxRng(30), 12);
      const p = randomArray(new PhiloxRng(31), 12);
      const g = new Float64Array(12);
      const lp = new Float64Array(4);
      const inv = Float64Array.from([1, 1, 1]);
      await integrator.evaluate(q, g, lp);
      const h = (c: number) => -lp[c]! + 0.5 * (p[3 * c]! ** 2 + p[3 * c + 1]! ** 2 + p[3 * c + 2]! ** 2);
      const h0 = [0, 1, 2, 3].map(h);
      await integrator.leapfrog(q, p, g, lp, eps, Math.round(1 / eps), inv);
      return Math.max(...[0, 1, 2, 3].map((c) => Math.abs(h(c) - h0[c]!)));
    };
    const coarse = await energyError(0.1);
    const fine = await energyError(0.05);
    expect(coarse).toBeGreaterThan(0);
    expect(fine / coarse).toBeGreaterThan(0.15);
    expect(fine / coarse).toBeLessThan(0.35); // ~1/4 for a second-order integrator
  });

  it("a chain that reaches an invalid point stops there with logp -Infinity; the others are unaffected", async () => {
    // Standard normal on x0 < 1 only.
    const walled: LogDensity = {
      dim: 2,
      logp: (x) => (x[0]! < 1 ? -0.5 * (x[0]! ** 2 + x[1]! ** 2) : Number.NEGATIVE_INFINITY),
      logpGrad(x, g) {
        g[0] = -x[0]!;
        g[1] = -x[1]!;
        return x[0]! < 1 ? -0.5 * (x[0]! ** 2 + x[1]! ** 2) : Number.NaN; // NaN must be read as -Infinity
      },
    };
    const q = Float64Array.from([0, 0, 0, 0]);
    const p = Float64Array.from([3, 0, -1, 0.5]); // chain 0 runs into the wall, chain 1 does not
    const g = new Float64Array(4);
    const lp = new Float64Array(2);
    const integrator = cpuLockstepIntegrator(walled, 2);
    await integrator.evaluate(q, g, lp);
    await integrator.leapfrog(q, p, g, lp, 0.1, 20, Float64Array.from([1, 1]));
    expect(lp[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(q[0]!).toBeGreaterThanOrEqual(1);
    expect(q[0]!).toBeLessThan(1.4); // stopped at the first step past the wall

    const alone = cpuLockstepIntegrator(walled, 1);
    const q1 = Float64Array.from([0, 0]);
    const p1 = Float64Array.from([-1, 0.5]);
    const g1 = new Float64Array(2);
    const lp1 = new Float64Array(1);
    await alone.evaluate(q1, g1, lp1);
    await alone.leapfrog(q1, p1, g1, lp1, 0.1, 20, Float64Array.from([1, 1]));
    expect(Array.from(q.subarray(2))).toEqual(Array.from(q1));
    expect(lp[1]).toBe(lp1[0]);
  });

  it("rejects bad shapes and counts", async () => {
    expect(() => cpuLockstepIntegrator(density, 0)).toThrow(/chains must be a positive integer/);
    const integrator = cpuLockstepIntegrator(density, 2);
    await expect(integrator.evaluate(new Float64Array(3), new Float64Array(2 * dim), new Float64Array(2))).rejects.toThrow(/expected 2x5/);
  });
});

describe("ChEES gradient", () => {
  it("value and d/dT match the criterion and its central finite differences along the end velocities", () => {
    const rng = new PhiloxRng(4);
    const dim = 3;
    const chains = 9;
    const previous = randomArray(rng, chains * dim, 2);
    const proposed = randomArray(rng, chains * dim, 2);
    const momenta = randomArray(rng, chains * dim);
    const invMetric = Float64Array.from([0.3, 2, 5]);
    const acceptProb = Float64Array.from({ length: chains }, (_, c) => (c === 4 ? 0 : 0.2 + 0.8 * rng.uniform()));
    const jitter = 0.375;
    const input = { dim, chains, previous, proposed, momenta, acceptProb, invMetric, jitter };

    // Independent criterion: whitened coordinates, means held fixed (they stand in for the true mean).
    const s = Array.from(invMetric, Math.sqrt);
    const z = (a: Float64Array, c: number, i: number) => a[c * dim + i]! / s[i]!;
    const meanPrev = [0, 1, 2].map((i) => Array.from({ length: chains }, (_, c) => z(previous, c, i)).reduce((a, b) => a + b) / chains);
    const wSum = acceptProb.reduce((a, b) => a + b);
    const meanProp = [0, 1, 2].map((i) => Array.from({ length: chains }, (_, c) => acceptProb[c]! * z(proposed, c, i)).reduce((a, b) => a + b) / wSum);
    const criterion = (dT: number) => {
      let total = 0;
      for (let c = 0; c < chains; c++) {
        let a = 0;
        let b = 0;
        for (let i = 0; i < dim; i++) {
          const moved = z(proposed, c, i) + dT * jitter * s[i]! * momenta[c * dim + i]!;
          a += (moved - meanProp[i]!) ** 2;
          b += (z(previous, c, i) - meanPrev[i]!) ** 2;
        }
        total += (acceptProb[c]! * 0.25 * (a - b) ** 2) / wSum;
      }
      return total;
    };
    const h = 1e-5;
    const fd = (criterion(h) - criterion(-h)) / (2 * h);
    const estimate = cheesGradient(input);
    expect(estimate.gradient).toBeCloseTo(fd, 6);
    expect(estimate.value).toBeCloseTo(criterion(0), 10);
  });

  it("is positive for very short trajectories on a Gaussian (longer moves decorrelate more)", () => {
    const rng = new PhiloxRng(5);
    const dim = 4;
    const chains = 256;
    const previous = randomArray(rng, chains * dim);
    const momenta = randomArray(rng, chains * dim);
    const proposed = previous.map((x, k) => x + 0.05 * momenta[k]!); // a short step of the standard-normal flow
    const g = cheesGradient({ dim, chains, previous, proposed, momenta, acceptProb: new Float64Array(chains).fill(1), invMetric: new Float64Array(dim).fill(1), jitter: 1 });
    expect(g.gradient).toBeGreaterThan(0);
  });

  it("is 0 when no chain has a usable proposal", () => {
    const dim = 2;
    const chains = 3;
    const z = new Float64Array(6).fill(1);
    expect(cheesGradient({ dim, chains, previous: z, proposed: z, momenta: z, acceptProb: new Float64Array(3), invMetric: new Float64Array(2).fill(1), jitter: 0.5 })).toEqual({ value: 0, gradient: 0 });
  });
});

describe("ScalarAdam", () => {
  it("first step is rate * sign(g) with beta1 = 0 (bias-corrected RMSProp); clips; ignores non-finite gradients", () => {
    const adam = new ScalarAdam({ rate: 0.025, beta1: 0, beta2: 0.95 });
    expect(adam.step(-40)).toBeCloseTo(-0.025, 12);
    // Second step: v = 0.95 * 0.05 * 1600 + 0.05 * 100 = 81, vHat = 81 / (1 - 0.9025).
    expect(adam.step(10)).toBeCloseTo((0.025 * 10) / Math.sqrt(81 / 0.0975), 10);
    expect(adam.step(Number.NaN)).toBe(0);
    const clipped = new ScalarAdam({ rate: 5, maxUpdate: 0.35 });
    expect(clipped.step(1)).toBeCloseTo(0.35, 12);
    expect(() => new ScalarAdam({ rate: 0 })).toThrow(/rate/);
  });
});

describe("van der Corput jitter", () => {
  it("mirrors the binary digits of i + 1 and fills (0, 1) evenly", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(vanDerCorput)).toEqual([0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875]);
    // The first 2^k - 1 points are exactly the multiples of 2^-k.
    const points = Array.from({ length: 255 }, (_, i) => vanDerCorput(i)).sort((a, b) => a - b);
    points.forEach((u, j) => expect(u).toBe((j + 1) / 256));
  });
});

describe("CrossChainVariance (robust)", () => {
  it("uses (1.4826 MAD)^2 across chains, which a few far-away chains barely move", () => {
    const chains = 41;
    const rng = new PhiloxRng(9);
    const positions = new Float64Array(chains * 2);
    for (let c = 0; c < chains; c++) {
      positions[2 * c] = 3 * rng.normal();
      positions[2 * c + 1] = 0.1 * rng.normal();
    }
    // Two chains stranded far out in the second coordinate.
    positions[1] = 50;
    positions[3] = -80;
    const robust = new CrossChainVariance(2, chains, { robust: true });
    const plain = new CrossChainVariance(2, chains);
    robust.observe(positions);
    plain.observe(positions);
    const r = new Float64Array(2);
    const v = new Float64Array(2);
    robust.estimate(r);
    plain.estimate(v);
    // Direct MAD of the first coordinate (n = 41 chain-iterations pooled, Stan's shrinkage).
    const first = Array.from({ length: chains }, (_, c) => positions[2 * c]!).sort((a, b) => a - b);
    const med = first[20]!;
    const dev = first.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
    const mad = 1.4826 * dev[20]!;
    expect(r[0]).toBeCloseTo((41 / 46) * mad * mad + (1e-3 * 5) / 46, 12);
    expect(Math.sqrt(r[1]!)).toBeLessThan(0.2);
    expect(Math.sqrt(v[1]!)).toBeGreaterThan(10);
  });
});

describe("CrossChainVariance", () => {
  it("averages the cross-chain variances of the later half of the iterations, shrunk as Stan does", () => {
    const rng = new PhiloxRng(6);
    const dim = 2;
    const chains = 5;
    const estimator = new CrossChainVariance(dim, chains);
    const iterations = Array.from({ length: 7 }, (_, t) => randomArray(rng, chains * dim, 1 + t));
    iterations.forEach((x) => estimator.observe(x));
    const variance = (x: Float64Array, i: number) => {
      const v = Array.from({ length: chains }, (_, c) => x[c * dim + i]!);
      const m = v.reduce((a, b) => a + b) / chains;
      return v.reduce((a, b) => a + (b - m) ** 2, 0) / (chains - 1);
    };
    const out = new Float64Array(dim);
    expect(estimator.estimate(out)).toBe(true);
    const kept = iterations.slice(3); // floor(7 / 2) = 3
    const n = kept.length * chains;
    for (let i = 0; i < dim; i++) {
      const mean = kept.reduce((a, x) => a + variance(x, i), 0) / kept.length;
      expect(out[i]).toBeCloseTo((n / (n + 5)) * mean + 1e-3 * (5 / (n + 5)), 12);
    }
    expect(new CrossChainVariance(2, 3).estimate(out)).toBe(false);
  });
});

describe("CrossChainVariance (typical)", () => {
  it("is the plain variance over the chains within 4 sqrt(dim / 2) of the median log-density, tails included", () => {
    const chains = 41;
    const dim = 2;
    const rng = new PhiloxRng(12);
    const positions = new Float64Array(chains * dim);
    const logps = new Float64Array(chains);
    for (let c = 0; c < chains; c++) {
      // A heavy-tailed first coordinate (t with 2 degrees of freedom): its MAD sees only the core.
      const z = rng.normal();
      const chi = rng.normal() ** 2 + rng.normal() ** 2;
      positions[dim * c] = z / Math.sqrt(chi / 2);
      positions[dim * c + 1] = rng.normal();
      logps[c] = 100 + rng.normal();
    }
    // Two chains stranded at low density far out.
    positions[0] = 1e3;
    positions[1] = -1e3;
    logps[0] = 100 - 4 * Math.sqrt(dim / 2) - 1;
    positions[dim] = -1e3;
    logps[1] = -1e4;
    const typical = new CrossChainVariance(dim, chains, { typical: true });
    typical.observe(positions, logps);
    const out = new Float64Array(dim);
    typical.estimate(out);
    const kept = Array.from({ length: chains - 2 }, (_, k) => k + 2);
    const n = chains; // one iteration: n = chains chain-iterations in the shrinkage
    for (let i = 0; i < dim; i++) {
      const v = kept.map((c) => positions[dim * c + i]!);
      const m = v.reduce((a, b) => a + b) / v.length;
      const variance = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
      expect(out[i]).toBeCloseTo((n / (n + 5)) * variance + (1e-3 * 5) / (n + 5), 10);
    }
    const mad = new CrossChainVariance(dim, chains, { robust: true });
    mad.observe(positions);
    const m = new Float64Array(dim);
    mad.estimate(m);
    // The t(2) coordinate: the MAD measures its core only, the typical variance its tails too.
    expect(out[0]!).toBeGreaterThan(m[0]!);
    expect(() => typical.observe(positions)).toThrow(/log-densities/);
    expect(() => new CrossChainVariance(dim, chains, { typical: true, robust: true })).toThrow(/exclude/);
  });
});
