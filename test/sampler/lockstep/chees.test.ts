/**
 * ChEES-HMC on the float64 CPU integrator: analytic Gaussians and posteriordb
 * reference posteriors recovered within Monte Carlo error by many short
 * chains; bit-for-bit reproducibility; what does and does not depend on the
 * chain count; input errors, interruption and divergence accounting.
 */
import { describe, expect, it } from "vitest";
import type { BatchedLogDensity, LogDensity } from "../../../src/density/types.js";
import { nestedRhat, summarize, summarizeTrace } from "../../../src/diagnostics/index.js";
import { InputError } from "../../../src/errors.js";
import { cpuLockstepIntegrator } from "../../../src/sampler/lockstep/index.js";
import { sampleChees, type CheesOptions } from "../../../src/services/lockstepChains.js";
import { correlatedNormal2, diagonalNormal, logSpacedScales } from "../models/gaussians.js";
import { eightSchools, kidiq, loadSummary, posteriordbAvailable, type ReferenceModel } from "../models/posteriordb.js";

/** A batched density evaluated in chunks of `chunk` rows: batching must not change any draw. */
function chunkedBatched(density: LogDensity, chunk: number): BatchedLogDensity {
  const dim = density.dim;
  return {
    dim,
    async logpGradBatch(positions, gradients, out, count) {
      for (let start = 0; start < count; start += chunk) {
        await Promise.resolve(); // as an asynchronous backend would
        for (let i = start; i < Math.min(count, start + chunk); i++) {
          out[i] = density.logpGrad(positions.subarray(i * dim, (i + 1) * dim), gradients.subarray(i * dim, (i + 1) * dim));
        }
      }
    },
  };
}

const names = (dim: number) => Array.from({ length: dim }, (_, i) => `x${i}`);

describe("ChEES-HMC recovers analytic Gaussians (64 chains x (300 warm-up + 200 draws))", () => {
  const cases: Array<[string, LogDensity, number[], number, number]> = [
    ["independent, scales 0.01..100", diagonalNormal(logSpacedScales(8, 0.01, 100)), Array.from(logSpacedScales(8, 0.01, 100)), 0, 101],
    ["correlated 2-D, rho 0.9", correlatedNormal2(0.9), [1, 1], 0.9, 102],
  ];
  it.each(cases)("%s", async (_label, density, sds, rho, seed) => {
    const chains = 64;
    const result = await sampleChees(cpuLockstepIntegrator(density, chains), { seed, warmup: 300, draws: 200, superchains: 8 });
    const rows = summarizeTrace(result.draws, density.dim, names(density.dim));
    rows.forEach((row, j) => {
      expect.soft(Math.abs(row.mean), `${row.name} mean vs 4 MCSE`).toBeLessThan(4 * row.mcseMean);
      expect.soft(Math.abs(row.sd - sds[j]!), `${row.name} sd vs 4 MCSE`).toBeLessThan(4 * row.mcseSd);
      expect.soft(row.essBulk, `${row.name} bulk ESS`).toBeGreaterThan(1000);
      const nested = nestedRhat(
        result.draws.map((d) => Float64Array.from({ length: result.numDraws }, (_, i) => d[i * density.dim + j]!)),
        result.superchains,
      );
      expect.soft(nested, `${row.name} nested R-hat`).toBeLessThan(1.01);
    });
    if (rho !== 0) {
      // The correlation, from the pooled draws: products x0 x1 have mean rho; MCSE from their own chains.
      const products = result.draws.map((d) => Float64Array.from({ length: result.numDraws }, (_, i) => d[2 * i]! * d[2 * i + 1]!));
      const s = summarize(products);
      expect(Math.abs(s.mean - rho)).toBeLessThan(4 * s.mcseMean);
    }
    // The metric learned the scales (variance within 30%).
    sds.forEach((sd, j) => expect(Math.abs(result.inverseMetric[j]! / (sd * sd) - 1)).toBeLessThan(0.3));
    const sampledHarmonic = result.iterations.sampling.harmonicMeanAccept.reduce((a, b) => a + b) / result.numDraws;
    expect(sampledHarmonic).toBeGreaterThan(0.5);
    expect(result.divergences.sampling.reduce((a, b) => a + b, 0)).toBe(0);
    console.log(
      `[chees ${_label}] eps ${result.stepSize.toPrecision(3)}, T ${result.trajectoryLength.toPrecision(3)}, ` +
        `mean steps ${(result.iterations.sampling.steps.reduce((a, b) => a + b) / result.numDraws).toFixed(1)}, ` +
        `harmonic accept ${sampledHarmonic.toFixed(3)}, min bulk ESS ${Math.min(...rows.map((r) => r.essBulk)).toFixed(0)}, ` +
        `gradients ${result.gradientEvaluations.warmup} + ${result.gradientEvaluations.sampling}`,
    );
  });
});

const available = posteriordbAvailable();
/** The reference draws: 10 chains x 1000 near-independent draws. */
const REFERENCE_ESS = 10_000;

describe.skipIf(!available)("ChEES-HMC matches posteriordb reference posteriors with many short chains", () => {
  const cases: Array<[string, () => ReferenceModel, number]> = [
    ["eight schools (noncentered)", eightSchools, 201],
    ["kidiq regression", kidiq, 202],
  ];
  it.each(cases)("%s: 128 chains in 16 superchains x (400 warm-up + 100 draws)", async (_label, make, seed) => {
    const model = make();
    const ref = loadSummary(model.name);
    const chains = 128;
    const result = await sampleChees(cpuLockstepIntegrator(model.density, chains), { seed, warmup: 400, draws: 100, superchains: 16 });
    const dim = model.density.dim;
    const k = model.names.length;
    const out = new Float64Array(k);
    const columns = model.names.map(() => result.draws.map(() => new Float64Array(result.numDraws)));
    result.draws.forEach((d, c) => {
      for (let i = 0; i < result.numDraws; i++) {
        model.constrain(d.subarray(i * dim, (i + 1) * dim), out);
        for (let j = 0; j < k; j++) columns[j]![c]![i] = out[j]!;
      }
    });
    const lines: string[] = [];
    model.names.forEach((name, j) => {
      const s = summarize(columns[j]!);
      const r = ref[name]!;
      const seMean = Math.hypot(s.mcseMean, r.sd / Math.sqrt(REFERENCE_ESS));
      const seSd = Math.hypot(s.mcseSd, r.sd / Math.sqrt(2 * REFERENCE_ESS));
      const nested = nestedRhat(columns[j]!, result.superchains);
      lines.push(
        `${name}: mean ${s.mean.toPrecision(4)} (ref ${r.mean.toPrecision(4)}, z ${((s.mean - r.mean) / seMean).toFixed(2)}), ` +
          `sd ${s.sd.toPrecision(4)} (ref ${r.sd.toPrecision(4)}, z ${((s.sd - r.sd) / seSd).toFixed(2)}), nested R-hat ${nested.toFixed(4)}`,
      );
      expect.soft(Math.abs(s.mean - r.mean), `${name} mean vs 4 MCSE`).toBeLessThan(4 * seMean);
      expect.soft(Math.abs(s.sd - r.sd), `${name} sd vs 4 MCSE`).toBeLessThan(4 * seSd);
      expect.soft(nested, `${name} nested R-hat`).toBeLessThan(1.01);
    });
    const divergences = result.divergences.sampling.reduce((a, b) => a + b, 0);
    console.log(
      `[chees ${model.name}] eps ${result.stepSize.toPrecision(3)}, T ${result.trajectoryLength.toPrecision(3)}, divergences ${divergences}, ` +
        `gradients ${result.gradientEvaluations.warmup} + ${result.gradientEvaluations.sampling}\n  ${lines.join("\n  ")}`,
    );
    expect(divergences).toBeLessThanOrEqual(chains * result.numDraws * 0.001);
  });
});

describe("ChEES-HMC: reproducibility and what depends on the chain count", () => {
  const density = diagonalNormal([0.5, 1, 3]);
  const run = (d: LogDensity | BatchedLogDensity, chains: number, options: Partial<CheesOptions> = {}) =>
    sampleChees(cpuLockstepIntegrator(d, chains), { seed: 7, warmup: 60, draws: 30, ...options });

  it("the same seed gives identical draws and tuning, however the backend batches the chains", async () => {
    const a = await run(density, 12);
    const b = await run(chunkedBatched(density, 5), 12);
    expect(b.draws).toEqual(a.draws);
    expect(b.acceptProb).toEqual(a.acceptProb);
    expect(b.stepSize).toBe(a.stepSize);
    expect(b.trajectoryLength).toBe(a.trajectoryLength);
    expect(Array.from(b.inverseMetric)).toEqual(Array.from(a.inverseMetric));
    const c = await run(density, 12, { seed: 8 });
    expect(c.draws[0]).not.toEqual(a.draws[0]);
  });

  it("with fixed tuning (warmup 0) chain k's draws do not depend on how many chains run", async () => {
    const fixed = { warmup: 0, initialStepSize: 0.4, initialTrajectoryLength: 2, initialInverseMetric: Float64Array.from([0.25, 1, 9]) };
    const small = await run(density, 3, fixed);
    const large = await run(density, 9, fixed);
    for (let c = 0; c < 3; c++) expect(large.draws[c]).toEqual(small.draws[c]);
  });

  it("with warm-up the shared tuning depends on every chain, so the chain count changes the draws (by design)", async () => {
    const small = await run(density, 4);
    const large = await run(density, 8);
    expect(large.initialPositions.subarray(0, 12)).toEqual(small.initialPositions); // starts come from each chain's own stream
    expect(large.stepSize).not.toBe(small.stepSize);
  });

  it("superchains share a starting point; different superchains do not", async () => {
    const r = await run(density, 12, { superchains: 3, warmup: 0, draws: 2 });
    const start = (c: number) => Array.from(r.initialPositions.subarray(3 * c, 3 * c + 3));
    for (let c = 1; c < 4; c++) expect(start(c)).toEqual(start(0));
    expect(start(4)).toEqual(start(7));
    expect(start(4)).not.toEqual(start(0));
    expect(start(8)).not.toEqual(start(4));
    expect(r.superchains).toBe(3);
  });

  it("counts divergences per chain and never accepts a divergent proposal", async () => {
    // Step size 3 is beyond the leapfrog stability limit (2 sd) for the sd 0.5 coordinate.
    const r = await run(standardNormalScaled(), 6, { warmup: 0, initialStepSize: 3, initialTrajectoryLength: 60, draws: 20 });
    const flagged = r.divergent.map((f) => f.reduce((a, b) => a + b, 0));
    expect(Array.from(r.divergences.sampling)).toEqual(flagged);
    expect(flagged.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    r.divergent.forEach((flags, c) => flags.forEach((f, i) => f && expect(r.acceptProb[c]![i]).toBe(0)));
    expect(r.iterations.sampling.divergences.reduce((a, b) => a + b, 0)).toBe(flagged.reduce((a, b) => a + b, 0));
  });

  it("stops at an abort and returns the iterations done", async () => {
    const controller = new AbortController();
    const r = await run(density, 4, {
      warmup: 20,
      draws: 20,
      onProgress: (p) => {
        if (p.iteration === 25) controller.abort();
      },
      signal: controller.signal,
    });
    expect(r.interrupted).toBe(true);
    expect(r.numWarmup).toBe(20);
    expect(r.numDraws).toBe(5);
    expect(r.draws[0]!.length).toBe(5 * 3);
    expect(r.iterations.sampling.steps.length).toBe(5);
  });

  it("rejects bad options with an InputError naming the option", async () => {
    const bad: Array<[Partial<CheesOptions>, number, RegExp]> = [
      [{ superchains: 5 }, 12, /superchains \(5\) must divide the chain count \(12\)/],
      [{ targetAccept: 1 }, 4, /targetAccept/],
      [{ warmup: -1 }, 4, /warmup/],
      [{ initialPositions: new Float64Array(5) }, 4, /initialPositions must be a Float64Array of length 12/],
      [{ initialInverseMetric: Float64Array.from([1, 0, 1]) }, 4, /initialInverseMetric\[1\]/],
      [{}, 1, /at least 2 chains/],
    ];
    for (const [options, chains, message] of bad) {
      await expect(run(density, chains, options)).rejects.toThrow(InputError);
      await expect(run(density, chains, options)).rejects.toThrow(message);
    }
    const nowhere: LogDensity = { dim: 1, logp: () => Number.NEGATIVE_INFINITY, logpGrad: () => Number.NEGATIVE_INFINITY };
    await expect(run(nowhere, 4, { maxInitTries: 3 })).rejects.toThrow(/Initialization failed: for 4 of 4 starting points, 3 attempts/);
  });
});

/** Independent normals with sds 0.5, 1, 3 (the sd 0.5 one limits the stable step size). */
function standardNormalScaled(): LogDensity {
  return diagonalNormal([0.5, 1, 3]);
}


describe("ChEES-HMC: a chain started far out", () => {
  it("does not drag the others' step sizes down, and is brought back by the end of warm-up", async () => {
    // 10-D standard normal; chain 0 starts 300 sds out (log-density ~ -4.5e5), the others near the mode.
    const dim = 10;
    const chains = 16;
    const density = diagonalNormal(new Array(dim).fill(1));
    const start = new Float64Array(chains * dim);
    for (let c = 0; c < chains; c++) for (let i = 0; i < dim; i++) start[c * dim + i] = c === 0 ? 300 : 0.3 * Math.sin(7 * c + i);
    const r = await sampleChees(cpuLockstepIntegrator(density, chains), { seed: 3, warmup: 300, draws: 200, initialPositions: start });
    // Every chain's own step size ends in the standard normal's range (~0.5-1.5 for 10-D), the far chain's included.
    for (const eps of r.stepSizes) {
      expect(eps).toBeGreaterThan(0.3);
      expect(eps).toBeLessThan(2);
    }
    const summary = summarizeTrace(r.draws, dim, names(dim));
    for (const row of summary) {
      expect(Math.abs(row.mean)).toBeLessThan(0.2);
      expect(row.rhat).toBeLessThan(1.02);
    }
  }, 60_000);
});
