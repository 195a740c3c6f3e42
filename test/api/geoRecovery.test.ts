import { describe, expect, it } from "vitest";
import { runChains } from "../../src/services/runChains.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { simulateGeoDataset } from "../../src/simulate/simulate.js";
import { hdi } from "../../src/diagnostics/hdi.js";
import { rhat } from "../../src/diagnostics/rhat.js";

describe("geo simulator", () => {
  it("scales like the geo loader: every (column, geo) series has mean 1, the raw data divides back to it", () => {
    const sim = simulateGeoDataset({ seed: 3, T: 52, channels: 2, geos: 3, extras: 2, geoExtra: true });
    const { T, G } = { T: 52, G: 3 };
    const seriesMean = (a: Float64Array, n: number, j: number) => {
      let s = 0;
      for (let t = 0; t < T; t++) s += a[t * n + j];
      return s / T;
    };
    for (const [a, n] of [[sim.data.media, 6], [sim.data.extra, 6], [sim.data.target, G]] as const) {
      for (let j = 0; j < n; j++) expect(seriesMean(a, n, j)).toBeCloseTo(1, 12);
    }
    for (let j = 0; j < G; j++) {
      const m = seriesMean(sim.raw.target, G, j);
      for (let t = 0; t < T; t++) expect(sim.raw.target[t * G + j] / m).toBeCloseTo(sim.data.target[t * G + j], 10);
    }
    // The media prior comes from each channel's cost over every geo.
    const total = sim.raw.media.filter((_, i) => Math.floor(i / G) % 2 === 0).reduce((a, b) => a + b, 0);
    expect(sim.costs[0]).toBeCloseTo(total, 6);
    expect(() => new ParameterLayout(sim.structure).readValues(sim.truth)).not.toThrow();
  });
});

// Parameter recovery: the geo model's posterior, sampled with the project's
// NUTS on data simulated from it with known parameters, must cover the truth
// with its 94% HDIs for the clear majority of the parameters.
describe("geo model parameter recovery on simulated data", () => {
  // The default model only (about a minute under load); the density tests
  // cover every model's value and gradient.
  for (const [model, seed] of [["hill_adstock", 31]] as const) {
    it(`${model}, G=4, T=104, C=3, seed ${seed}`, { timeout: 300_000 }, async () => {
      // Noise 0.02 of the mean: with 0.05, four geos of two years leave the
      // trend's curvature and the seasonality's split between gamma and
      // coef_seasonality to the priors' volume (the posterior then sits
      // legitimately away from the truth; with less noise it closes in on it).
      const sim = simulateGeoDataset({ seed, T: 104, channels: 3, geos: 4, extras: 1, model, noise: 0.02 });
      const layout = new ParameterLayout(sim.structure);
      const run = await runChains({
        density: { kind: "mmm", structure: sim.structure, data: sim.data },
        chains: 4,
        seed,
        initialPosition: () => layout.medianPoint(),
        chainOptions: { numWarmup: 300, numDraws: 150, initRadius: 0.5 },
      });
      const truth = layout.readValues(sim.truth);
      const labels = layout.labels();
      const constrained = run.chains.map((c) => {
        const out = new Float64Array(c.draws.length);
        for (let d = 0; d < c.numDraws; d++) {
          layout.constrainFlat(c.draws.subarray(d * layout.dim, (d + 1) * layout.dim), out.subarray(d * layout.dim, (d + 1) * layout.dim));
        }
        return out;
      });
      const column = (i: number) => constrained.map((c) => Float64Array.from({ length: c.length / layout.dim }, (_, d) => c[d * layout.dim + i]));
      const missed: string[] = [];
      let maxRhat = 0;
      for (let i = 0; i < layout.dim; i++) {
        const chains = column(i);
        maxRhat = Math.max(maxRhat, rhat(chains));
        const pooled = Float64Array.from(chains.flatMap((c) => Array.from(c)));
        const h = hdi(pooled);
        if (!(truth[i] >= h.low && truth[i] <= h.high)) missed.push(labels[i]);
      }
      const divergences = run.chains.reduce((a, c) => a + c.divergences.sampling, 0);
      console.log(
        `geo ${model} seed ${seed}: ${layout.dim - missed.length}/${layout.dim} inside; max R-hat ${maxRhat.toFixed(3)}, divergences ${divergences}, ${run.wallSeconds.toFixed(1)} s; missed ${missed.join(", ")}`,
      );
      expect((layout.dim - missed.length) / layout.dim).toBeGreaterThanOrEqual(0.75);
      // The per-geo media effects are what geo models are for: most are covered.
      const mediaMissed = missed.filter((m) => m.startsWith("coef_media")).length;
      expect(mediaMissed).toBeLessThanOrEqual(3);
      expect(Number.isFinite(maxRhat)).toBe(true);
    });
  }
});
