// The GPU lockstep integrator against the same leapfrog steps in float64 on
// the CPU (the WebAssembly core's density), and its handling of chains whose
// density becomes non-finite.
import { describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { WebGpuLockstepIntegrator } from "../../src/gpu/webGpuLockstepIntegrator.js";
import { MODEL_NAMES } from "../../src/model/structure.js";
import { mulberry32 } from "../helpers/random.js";
import { gpuProbe, noGpuMessage, pointsNear, simulated } from "./gpuFixtures.js";

/** Float64 leapfrog with the integrator's semantics (a chain stops at its first non-finite density). */
function cpuLeapfrog(density: MmmDensity, q: Float64Array, p: Float64Array, g: Float64Array, lp: Float64Array, stepSize: number | Float64Array, steps: number, invMetric: Float64Array): void {
  const dim = density.dim;
  const chains = lp.length;
  for (let c = 0; c < chains; c++) {
    const eps = typeof stepSize === "number" ? stepSize : stepSize[c]!;
    const qc = q.subarray(c * dim, (c + 1) * dim);
    const pc = p.subarray(c * dim, (c + 1) * dim);
    const gc = g.subarray(c * dim, (c + 1) * dim);
    for (let s = 0; s < steps && lp[c] > -Infinity; s++) {
      for (let i = 0; i < dim; i++) {
        pc[i] += 0.5 * eps * gc[i];
        qc[i] += eps * invMetric[i] * pc[i];
      }
      lp[c] = density.logpGrad(qc, gc);
      if (!(lp[c] > -Infinity)) {
        lp[c] = -Infinity;
        break;
      }
      for (let i = 0; i < dim; i++) pc[i] += 0.5 * eps * gc[i];
    }
  }
}

function momenta(count: number, dim: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  // Approximately standard normal (sum of uniforms), plenty for a trajectory test.
  return Float64Array.from({ length: count * dim }, () => rand() + rand() + rand() + rand() - 2);
}

describe.skipIf(!gpuProbe.available)("WebGPU lockstep integrator", () => {
  for (const model of MODEL_NAMES) {
    it(`${model}: a short trajectory matches float64 leapfrog on the CPU`, async () => {
      const sim = simulated(model, 21);
      const chains = 48;
      const integrator = await WebGpuLockstepIntegrator.create(sim, chains);
      try {
        const dim = integrator.dim;
        const cpu = new MmmDensity(sim.layout, sim.data);
        const q = pointsNear(sim.truth, chains, 0.01, 8);
        const g = new Float64Array(chains * dim);
        const lp = new Float64Array(chains);
        const start = q.slice();
        await integrator.evaluate(q, g, lp);
        const p = momenta(chains, dim, 3);
        // Posterior scales near the truth are about 0.01 on the unconstrained scale.
        const invMetric = Float64Array.from({ length: dim }, (_, i) => 1e-4 * (1 + (i % 3)));
        const q64 = q.slice();
        const p64 = p.slice();
        const g64 = new Float64Array(chains * dim);
        const lp64 = new Float64Array(chains);
        for (let c = 0; c < chains; c++) lp64[c] = cpu.logpGrad(q64.subarray(c * dim, (c + 1) * dim), g64.subarray(c * dim, (c + 1) * dim));
        // Stable for all three models here (0.03 already diverges in float64).
        const eps = 0.01;
        const steps = 12;
        await integrator.leapfrog(q, p, g, lp, eps, steps, invMetric);
        cpuLeapfrog(cpu, q64, p64, g64, lp64, eps, steps, invMetric);
        let worstQ = 0;
        let worstP = 0;
        let worstLp = 0;
        let moved = 0;
        for (let c = 0; c < chains; c++) {
          expect(Number.isFinite(lp[c])).toBe(true);
          // The GPU's log-density is that of the point it reached (which differs from the float64 path by f32 rounding).
          const atGpuPoint = cpu.logp(q.subarray(c * dim, (c + 1) * dim));
          // Relative to the size of its terms: near the mode the priors and the likelihood largely cancel.
          const size = Math.max(1, Math.abs(atGpuPoint), Math.abs(cpu.lastLogLikelihood()));
          worstLp = Math.max(worstLp, Math.abs(lp[c] - atGpuPoint) / size);
          let pScale = 1;
          for (let i = 0; i < dim; i++) pScale = Math.max(pScale, Math.abs(p64[c * dim + i]));
          for (let i = 0; i < dim; i++) {
            const k = c * dim + i;
            worstQ = Math.max(worstQ, Math.abs(q[k] - q64[k]));
            worstP = Math.max(worstP, Math.abs(p[k] - p64[k]) / pScale);
            moved = Math.max(moved, Math.abs(q64[k] - start[k]));
          }
        }
        if (process.env.GPU_REPORT) console.log(model, { worstQ, worstP, worstLp, moved });
        // The trajectory really moves (so the comparison is not vacuous) ...
        expect(moved).toBeGreaterThan(1e-4);
        // ... and f32 follows float64 (measured: positions 8e-7, momenta 1.3e-5 of their scale, log-density 1.5e-5 of its size).
        expect(worstQ).toBeLessThan(1e-5);
        expect(worstP).toBeLessThan(1e-4);
        expect(worstLp).toBeLessThan(5e-5);
      } finally {
        integrator.dispose();
      }
    });
  }

  it("moves each chain by its own step size when given one per chain", async () => {
    const sim = simulated("hill_adstock", 22);
    const chains = 20;
    const integrator = await WebGpuLockstepIntegrator.create(sim, chains);
    try {
      const dim = integrator.dim;
      const cpu = new MmmDensity(sim.layout, sim.data);
      const q = pointsNear(sim.truth, chains, 0.01, 9);
      const g = new Float64Array(chains * dim);
      const lp = new Float64Array(chains);
      await integrator.evaluate(q, g, lp);
      const p = momenta(chains, dim, 4);
      const invMetric = new Float64Array(dim).fill(1e-4);
      // From 0 (chain 0 does not move) to 0.0095.
      const eps = Float64Array.from({ length: chains }, (_, c) => 0.0005 * c);
      const q64 = q.slice();
      const p64 = p.slice();
      const g64 = new Float64Array(chains * dim);
      const lp64 = new Float64Array(chains);
      for (let c = 0; c < chains; c++) lp64[c] = cpu.logpGrad(q64.subarray(c * dim, (c + 1) * dim), g64.subarray(c * dim, (c + 1) * dim));
      const start = q.slice();
      await integrator.leapfrog(q, p, g, lp, eps, 10, invMetric);
      cpuLeapfrog(cpu, q64, p64, g64, lp64, eps, 10, invMetric);
      let worstQ = 0;
      for (let k = 0; k < chains * dim; k++) worstQ = Math.max(worstQ, Math.abs(q[k] - q64[k]));
      expect(worstQ).toBeLessThan(1e-5);
      const travel = (c: number) => Math.hypot(...Array.from({ length: dim }, (_, i) => q64[c * dim + i] - start[c * dim + i]));
      expect(travel(0)).toBe(0);
      expect(travel(chains - 1)).toBeGreaterThan(5 * travel(2));
      expect(() => integrator.leapfrog(q, p, g, lp, new Float64Array(3), 1, invMetric)).toThrow(/one per chain/);
    } finally {
      integrator.dispose();
    }
  });

  it("stops a chain whose density becomes non-finite; chains starting at -Infinity do not move; zero steps change nothing", async () => {
    const sim = simulated("hill_adstock", 22, 52, 2, 0, 1);
    const chains = 3;
    const integrator = await WebGpuLockstepIntegrator.create(sim, chains);
    try {
      const dim = integrator.dim;
      const q = pointsNear(sim.truth, chains, 0.05, 1);
      const g = new Float64Array(chains * dim);
      const lp = new Float64Array(chains);
      await integrator.evaluate(q, g, lp);
      expect(Array.from(lp).every(Number.isFinite)).toBe(true);
      const p = new Float64Array(chains * dim);
      // Chain 1 is shot towards a sigma of e^1000 (non-finite in f32 and f64).
      p[dim + sim.layout.offsetOf("sigma")] = 1e9;
      lp[2] = -Infinity;
      const q2Before = q.slice(2 * dim, 3 * dim);
      const before = { q: q.slice(), p: p.slice(), g: g.slice(), lp: lp.slice() };
      const invMetric = new Float64Array(dim).fill(1e-4);
      await integrator.leapfrog(q, p, g, lp, 0.01, 0, invMetric);
      expect(Array.from(q)).toEqual(Array.from(before.q));
      expect(Array.from(lp)).toEqual(Array.from(before.lp));
      await integrator.leapfrog(q, p, g, lp, 0.01, 5, invMetric);
      expect(Number.isFinite(lp[0])).toBe(true);
      expect(lp[1]).toBe(-Infinity);
      expect(lp[2]).toBe(-Infinity);
      // Chain 1 stopped at its first step: its sigma moved once, by eps * p (then no closing kick).
      const s = sim.layout.offsetOf("sigma");
      expect(q[dim + s] - before.q[dim + s]).toBeCloseTo(0.01 * 1e-4 * (1e9 + 0.005 * before.g[dim + s]), 0);
      // (positions travel as f32)
      expect(Array.from(q.slice(2 * dim, 3 * dim))).toEqual(Array.from(q2Before, Math.fround));
      expect(Array.from(g.slice(dim, 2 * dim)).every((v) => v === 0)).toBe(true);
    } finally {
      integrator.dispose();
    }
  });
});

describe.skipIf(gpuProbe.available)("WebGPU lockstep integrator", () => {
  it.skip(noGpuMessage, () => {});
});
