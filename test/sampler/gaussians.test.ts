import { describe, expect, it } from "vitest";
import type { AdaptationKind } from "../../src/sampler/index.js";
import { runChains } from "./helpers/run.js";
import { symmetricEigen, symmetricFunction } from "../../src/math/symmetricEigen.js";
import { PhiloxRng } from "../../src/rng/random.js";
import { correlatedNormal2, denseNormal, diagonalNormal, funnel, logSpacedScales, standardNormal } from "./models/gaussians.js";

/**
 * A 20-D normal with scales 0.1 .. 10 and three strong correlation directions
 * (variance x1000, x500 and x0.002 against the scaled diagonal): Sigma = S (I + U (L - I) U') S.
 */
function stronglyCorrelated(): { sigma: Float64Array; precision: Float64Array; dim: number } {
  const dim = 20;
  const rng = new PhiloxRng(77, 0);
  const a = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j <= i; j++) a[i * dim + j] = a[j * dim + i] = rng.normal();
  const u = symmetricEigen(a, dim).vectors; // random orthonormal columns
  const s = logSpacedScales(dim, 0.1, 10);
  const lambda = new Float64Array(dim).fill(1);
  lambda[0] = 1000;
  lambda[1] = 500;
  lambda[2] = 0.002;
  const inner = symmetricFunction({ values: lambda, vectors: u }, dim, (l) => l);
  const sigma = inner.map((v, k) => v * s[Math.floor(k / dim)]! * s[k % dim]!);
  const precision = symmetricFunction(symmetricEigen(sigma, dim), dim, (l) => 1 / l);
  return { sigma, precision, dim };
}

const ADAPTATIONS: AdaptationKind[] = ["stan-diag", "nutpie-diag", "dense", "lowrank"];

describe("analytic targets", () => {
  it("iid standard normal in 10-D: means within 4 MCSE of 0, variances near 1", () => {
    const run = runChains(standardNormal(10), { seed: 101 }, 2);
    for (const s of run.summaries) {
      expect(Math.abs(s.mean)).toBeLessThan(4 * s.mcseMean);
      expect(Math.abs(s.sd - 1)).toBeLessThan(4 * s.mcseSd);
      expect(s.rhat).toBeLessThan(1.01);
    }
    expect(run.divergences).toBe(0);
    // Adapted step size for a 10-D standard normal is well above 0.5.
    for (const r of run.results) expect(r.stepSize).toBeGreaterThan(0.5);
  });

  it("correlated 2-D Gaussian (rho = 0.95): all adaptations correct, dense needs fewer steps", () => {
    const perDraw: Record<string, number> = {};
    for (const adaptation of ADAPTATIONS) {
      const run = runChains(correlatedNormal2(0.95), { seed: 202, adaptation }, 2);
      for (const s of run.summaries) {
        expect(Math.abs(s.mean)).toBeLessThan(4 * s.mcseMean);
        expect(Math.abs(s.sd - 1)).toBeLessThan(4 * s.mcseSd);
      }
      perDraw[adaptation] = run.leapfrogPerDraw;
    }
    console.log(
      `[correlated 2-D, rho 0.95] leapfrog steps per draw: ` +
        ADAPTATIONS.map((a) => `${a} ${perDraw[a]!.toFixed(2)}`).join(", "),
    );
    expect(perDraw["dense"]!).toBeLessThan(perDraw["stan-diag"]!);
    expect(perDraw["dense"]!).toBeLessThan(perDraw["nutpie-diag"]!);
  });

  it("ill-conditioned 10-D Gaussian (sd 1e-2 .. 1e2): metric adaptation fixes scale and cost", () => {
    const scales = logSpacedScales(10, 1e-2, 1e2);
    const rows: string[] = [];
    const warmupGrads: Record<string, number> = {};
    for (const adaptation of ADAPTATIONS) {
      const run = runChains(diagonalNormal(scales), { seed: 303, adaptation }, 2);
      run.summaries.forEach((s, j) => {
        const sc = scales[j]!;
        expect(Math.abs(s.mean)).toBeLessThan(4 * s.mcseMean);
        expect(Math.abs(s.sd - sc)).toBeLessThan(4 * s.mcseSd);
        expect(Math.abs(s.sd / sc - 1)).toBeLessThan(0.15);
      });
      // Unadapted, resolving sd 1e-2 across a width of 1e2 would hit the
      // 1023-step ceiling; adapted, a handful of steps suffice.
      expect(run.leapfrogPerDraw).toBeLessThan(15);
      // The adapted inverse metric is close to the variances.
      for (const r of run.results) {
        const inv = r.metric.inverseMetric;
        for (let j = 0; j < 10; j++) {
          const v = r.metric.kind === "dense" ? inv[j * 10 + j]! : inv[j]!;
          expect(v / scales[j]! ** 2).toBeGreaterThan(0.5);
          expect(v / scales[j]! ** 2).toBeLessThan(2);
        }
      }
      warmupGrads[adaptation] = run.warmupGradients;
      rows.push(`${adaptation} ${run.leapfrogPerDraw.toFixed(2)} (warm-up gradients ${run.warmupGradients})`);
    }
    console.log(`[ill-conditioned 10-D] leapfrog steps per draw: ${rows.join(", ")}`);
    // The gradient-based estimate is good after a few draws, so the warm-up
    // trajectories stay short: far fewer gradient evaluations than Stan's.
    expect(warmupGrads["nutpie-diag"]!).toBeLessThan(0.5 * warmupGrads["stan-diag"]!);
  });

  it("strongly correlated 20-D Gaussian: every adaptation correct, the low-rank metric needs fewer leapfrog steps than the diagonal ones", () => {
    const { sigma, precision, dim } = stronglyCorrelated();
    const perDraw: Record<string, number> = {};
    for (const adaptation of ["stan-diag", "nutpie-diag", "lowrank"] as const) {
      const run = runChains(denseNormal(precision, dim), { seed: 505, adaptation, numWarmup: 500, numDraws: 500 }, 2);
      run.summaries.forEach((s, j) => {
        const sd = Math.sqrt(sigma[j * dim + j]!);
        expect(Math.abs(s.mean)).toBeLessThan(4 * s.mcseMean);
        expect(Math.abs(s.sd - sd)).toBeLessThan(4 * s.mcseSd);
      });
      perDraw[adaptation] = run.leapfrogPerDraw;
    }
    console.log(
      `[strongly correlated 20-D] leapfrog steps per draw: ` + Object.entries(perDraw).map(([a, v]) => `${a} ${v.toFixed(1)}`).join(", "),
    );
    expect(perDraw["lowrank"]!).toBeLessThan(0.5 * perDraw["stan-diag"]!);
    expect(perDraw["lowrank"]!).toBeLessThan(0.5 * perDraw["nutpie-diag"]!);
  });

  it("Neal's funnel in 10-D: divergences are detected and reported", () => {
    const run = runChains(funnel(10), { seed: 404 }, 2);
    expect(run.divergences).toBeGreaterThan(0);
    for (const r of run.results) {
      let flagged = 0;
      for (const d of r.stats.divergent) flagged += d;
      expect(flagged).toBe(r.divergences.sampling);
      for (let i = 0; i < r.numDraws; i++) {
        expect(r.stats.treeDepth[i]!).toBeLessThanOrEqual(10);
        expect(r.stats.nLeapfrog[i]!).toBeLessThanOrEqual(1023);
      }
    }
  });
});
