import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { FittedMMM } from "../../src/api/fittedMMM.js";
import { referenceLogDensity } from "../../src/density/reference.js";
import { loadMMM, saveMMM } from "../../src/io/modelFile.js";
import { scaleRows } from "../../src/model/scaling.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { sliceDatasetRows } from "../helpers/datasets.js";
import { PhiloxRng } from "../../src/rng/random.js";

describe("a fitted model", () => {
  const sim = simulateDataset({ seed: 11, T: 70, channels: 3, extras: 1 });
  let fit: FittedMMM;
  beforeAll(async () => {
    fit = await fitMMM(sim.dataset, { sampler: { chains: 2, warmup: 150, samples: 100, seed: 3, threads: 0 } }, { trainRows: 60 });
  });

  it("summary has a row per parameter element with ArviZ columns", () => {
    const s = fit.summary();
    expect(s.map((r) => r.name)).toEqual(fit.layout.labels());
    for (const r of s) {
      expect(r["hdi_3%"]).toBeLessThanOrEqual(r.mean);
      expect(r["hdi_97%"]).toBeGreaterThanOrEqual(r.mean);
      expect(r.sd).toBeGreaterThan(0);
    }
    const d = fit.diagnostics();
    expect(d.chains).toBe(2);
    expect(d.gradient_evaluations.total).toBeGreaterThan(250);
    expect(d.step_sizes).toHaveLength(2);
    // Warm-up's seconds are its share of the chains' gradients (chains share threads one after another,
    // so the first chain's start of sampling would understate it), and warm-up and sampling fill the wall time.
    const g = d.gradient_evaluations;
    expect(d.warmup_seconds / d.wall_seconds).toBeCloseTo(g.warmup / (g.warmup + g.sampling), 10);
    expect(d.warmup_seconds + d.sampling_seconds).toBeCloseTo(d.wall_seconds, 10);
  });

  it("says what to do when the chains disagree", () => {
    const rec = fit.record;
    const shifted = Float64Array.from(rec.chains[1]!.draws, (v, i) => (i % fit.layout.dim === 0 ? v + 3 : v));
    const disagree = new FittedMMM({ ...rec, chains: [rec.chains[0]!, { ...rec.chains[1]!, draws: shifted }] });
    const w = disagree.diagnostics().warnings.find((x) => x.startsWith("R-hat up to"));
    expect(w).toMatch(/not reliable yet/);
    expect(w).toMatch(/--adaptation pooled-diag/);
    expect(w).toMatch(/--warmup 2000/);
    expect(w).toContain(`here ${fit.layout.labels()[0]}`);
    // 100 draws asked for exactly: longer chains are offered (10 x the draws).
    expect(w).toMatch(/\(1\) let the chains go on until they agree \(--max-samples 1000/);
    const capped = new FittedMMM({ ...rec, chains: disagree.record.chains, sampling: { method: "nuts", backend: "cpu", extension: { asked: 100, most: 100 * 4, rHat: [1.2, 1.1, 1.05, 1.03], ess: [50, 60, 70, 80] } } });
    expect(capped.diagnostics().warnings.find((x) => x.startsWith("R-hat up to"))).toMatch(/--max-samples 800; they went on to 100 draws each and stopped at the limit of 400/);
    // Lockstep chains also stop at the bound on their stored draws (2^26 numbers): 8192 chains of this model hold under 1000 each.
    const bound = Math.floor(2 ** 26 / (8192 * fit.layout.dim));
    expect(bound).toBeLessThan(1000);
    const manyChains = { ...rec.config, sampler: { ...rec.config.sampler, chains: 8192 } };
    const lockstepWarning = (sampling: FittedMMM["record"]["sampling"]) =>
      new FittedMMM({ ...rec, config: manyChains, chains: disagree.record.chains, sampling }).diagnostics().warnings.find((x) => /the chains disagree \(agreement is/.test(x));
    expect(lockstepWarning({ method: "chees", backend: "cpu" })).toContain(
      `Run NUTS (--method nuts), more warm-up, or let the chains go on until they agree (--max-samples 1000: up to that many draws each, ${Math.max(100, bound)} for 8192 lockstep chains, the most their draws may hold).`,
    );
    const stopped = lockstepWarning({ method: "chees", backend: "cpu", extension: { asked: 100, most: bound, rHat: [1.2, 1.1], ess: [50, 60] } });
    expect(stopped).toMatch(new RegExp(`or fewer, longer chains \\(8192 chains stop at ${bound} draws each, the most their draws may hold in 512 MiB; e\\.g\\. --chains \\d+ --max-samples ${2 * bound}\\): they went on to 100 draws each and stopped at the limit of ${bound}\\.`));
    const pooled = new FittedMMM({ ...rec, config: { ...rec.config, sampler: { ...rec.config.sampler, adaptation: "pooled-diag" } }, chains: disagree.record.chains });
    expect(pooled.diagnostics().warnings.find((x) => x.startsWith("R-hat up to"))).not.toMatch(/--adaptation pooled-diag/);
    // The default coordinates are not suggested to a fit that used them; it is offered longer chains first, then a
    // higher target acceptance (smaller steps), then the trend coordinates alone. A fit in the model's or the trend
    // coordinates alone is offered the default first.
    expect(rec.config.sampler.parameterisation).toBe("trend+baseline");
    expect(rec.config.sampler.targetAccept).toBe(0.95);
    expect(w).toMatch(/\(1\) let the chains go on until they agree.*\(2\) refit with --target-accept 0\.98 \(smaller steps.*\(3\) refit with --parameterisation trend \(the trend coordinates alone/);
    expect(w).not.toMatch(/--parameterisation trend\+baseline/);
    const inTrend = new FittedMMM({ ...rec, config: { ...rec.config, sampler: { ...rec.config.sampler, parameterisation: "trend" } }, chains: disagree.record.chains });
    expect(inTrend.diagnostics().warnings.find((x) => x.startsWith("R-hat up to"))).toMatch(/\(1\) refit with --parameterisation trend\+baseline \(the default/);
    // Where the baseline piece moves nothing (here a prior confining the extras' coefficients), trend is the same fit: neither is offered.
    const confinedStructure = { ...rec.structure, customPriors: { ...rec.structure.customPriors, coef_extra_features: { dist: "HalfNormal" as const, scale: 1 } } };
    const confined = new FittedMMM({ ...rec, structure: confinedStructure, chains: disagree.record.chains });
    const wc = confined.diagnostics().warnings.find((x) => x.startsWith("R-hat up to"));
    expect(wc).toMatch(/not reliable yet/);
    expect(wc).not.toMatch(/--parameterisation/);
    expect(wc).not.toMatch(/--target-accept/);
    const inModel = new FittedMMM({ ...rec, config: { ...rec.config, sampler: { ...rec.config.sampler, parameterisation: "model" } }, chains: disagree.record.chains });
    expect(inModel.diagnostics().warnings.find((x) => x.startsWith("R-hat up to"))).toMatch(/\(1\) refit with --parameterisation trend\+baseline/);
    // One chain: R-hat compares its halves, and the first remedy is more chains.
    const dim = fit.layout.dim;
    const half = rec.chains[0]!.draws.length / dim / 2;
    const drifted = Float64Array.from(rec.chains[0]!.draws, (v, i) => (i % dim === 0 && i >= half * dim ? v + 3 : v));
    const oneChain = new FittedMMM({ ...rec, config: { ...rec.config, sampler: { ...rec.config.sampler, chains: 1 } }, chains: [{ ...rec.chains[0]!, draws: drifted }] });
    const w1 = oneChain.diagnostics().warnings.find((x) => x.startsWith("R-hat up to"));
    expect(w1).toMatch(/: the first and second halves of the chain disagree, so the estimates are not reliable yet\. What to do, in order: \(1\) run several chains \(--chains 4\)/);
  });

  it("says which option gives a dense metric when draws hit the maximum tree depth or E-BFMI is low, unless the fit adapted one", () => {
    const rec = fit.record;
    // The same draws read as if the cap had been 2 deep: those at depth 2 or more hit it.
    const capped = (adaptation: typeof rec.config.sampler.adaptation) =>
      new FittedMMM({ ...rec, config: { ...rec.config, sampler: { ...rec.config.sampler, maxTreeDepth: 2, adaptation } } }).diagnostics().warnings.find((x) => /maximum tree depth/.test(x));
    expect(rec.config.sampler.adaptation).toBe("stan-diag");
    expect(capped("stan-diag")).toMatch(/^\d+ draws hit the maximum tree depth 2: sampling is inefficient; consider a larger --max-tree-depth or a dense metric \(--adaptation dense\)\.$/);
    expect(capped("nutpie-diag")).toMatch(/--adaptation dense/);
    for (const adapted of ["dense", "lowrank"] as const) expect(capped(adapted)).toMatch(/consider a larger --max-tree-depth\.$/);
    // E-BFMI alike: the first chain's energies made a slow ramp (successive differences small against their spread).
    const ramp = rec.chains.map((c, k) => (k === 0 ? { ...c, stats: { ...c.stats, energy: Float64Array.from(c.stats.energy, (_, t) => t) } } : c));
    const lowBfmi = (adaptation: typeof rec.config.sampler.adaptation) =>
      new FittedMMM({ ...rec, chains: ramp, config: { ...rec.config, sampler: { ...rec.config.sampler, adaptation } } }).diagnostics().warnings.find((x) => x.startsWith("E-BFMI"));
    expect(lowBfmi("stan-diag")).toMatch(/^E-BFMI of chain 0 is 0\.00 \(< 0\.3\): the sampler explores the energy poorly; consider more warm-up or a dense metric \(--adaptation dense\)\.$/);
    expect(lowBfmi("dense")).toMatch(/consider more warm-up\.$/);
    // At the cap the fit ran with, this fit's draws do not reach it.
    expect(fit.diagnostics().warnings.some((x) => /maximum tree depth/.test(x))).toBe(fit.diagnostics().max_tree_depth_hits > 0);
  });

  it("warns when the effective draws are under 100 per chain, naming the parameter, and offers longer chains", () => {
    const rec = fit.record;
    const dim = fit.layout.dim;
    // Each draw repeated 20 times: the same posterior, a twentieth of the effective draws.
    const repeat = <A extends Float64Array | Int32Array | Uint8Array>(a: A, width: number): A => {
      const out = new (a.constructor as new (n: number) => A)(a.length * 20);
      for (let i = 0; i < out.length / width; i++) out.set(a.subarray(Math.floor(i / 20) * width, (Math.floor(i / 20) + 1) * width), i * width);
      return out;
    };
    const sticky = rec.chains.map((c) => ({
      ...c,
      numDraws: c.numDraws * 20,
      draws: repeat(c.draws, dim),
      stats: Object.fromEntries(Object.entries(c.stats).map(([k, v]) => [k, repeat(v, 1)])) as typeof c.stats,
    }));
    const slow = new FittedMMM({ ...rec, chains: sticky });
    const low = Math.min(...slow.summary().map((r) => Math.min(r.ess_bulk, r.ess_tail)));
    expect(low).toBeLessThan(200);
    const w = slow.diagnostics().warnings.find((x) => x.startsWith("effective draws down to"));
    expect(w).toMatch(new RegExp(`^effective draws down to ${Math.round(low)} \\(.+; bulk or tail ESS under 200, 100 per chain\\)`));
    expect(w).toMatch(/Let the chains go on until they agree \(--max-samples 1000/);
    // The fit itself, with enough effective draws or not, is told so alike.
    const own = Math.min(...fit.summary().map((r) => Math.min(r.ess_bulk, r.ess_tail)));
    expect(fit.diagnostics().warnings.some((x) => x.startsWith("effective draws down to"))).toBe(own < 200);
  });

  it("contributions plus baseline add up to the prediction, period by period", () => {
    const c = fit.contributions();
    expect(c.periods).toHaveLength(60);
    for (const p of c.periods) {
      const sum = p.baseline.mean + p.media.reduce((a, m) => a + m.mean, 0);
      expect(sum).toBeCloseTo(p.prediction.mean, 6);
    }
    const total = c.totals.baseline.mean + c.totals.media.reduce((a, m) => a + m.mean, 0);
    expect(total).toBeCloseTo(c.totals.prediction.mean, 4);
  });

  it("ROI equals contributions recomputed from the draws with the reference model", () => {
    const r = fit.roi();
    const layout = fit.layout;
    const rec = fit.record;
    const data = scaleRows(rec.dataset, rec.scalers, 0, rec.trainRows);
    const C = 3;
    let k = 0;
    for (const chain of rec.chains) {
      for (let i = 0; i < chain.numDraws; i += 37) {
        const u = chain.draws.subarray(i * layout.dim, (i + 1) * layout.dim);
        const full = referenceLogDensity(layout, data, u).mu;
        for (let c = 0; c < C; c++) {
          const media = Float64Array.from(data.media);
          for (let t = 0; t < data.T; t++) media[t * C + c] = 0;
          const without = referenceLogDensity(layout, { ...data, media }, u).mu;
          let contrib = 0;
          for (let t = 0; t < data.T; t++) contrib += (full[t] - without[t]) * rec.scalers.target;
          let spend = 0;
          for (let t = 0; t < rec.trainRows; t++) spend += rec.dataset.media[t * C + c];
          const drawIndex = (rec.chains[0] === chain ? 0 : rec.chains[0].numDraws) + i;
          expect(r[c].draws[drawIndex]).toBeCloseTo(contrib / spend, 8);
          k++;
        }
      }
    }
    expect(k).toBeGreaterThan(10);
  });

  it("marginal ROI per channel, and response curves that rise with spend from zero", () => {
    const m = fit.marginalRoi();
    expect(m).toHaveLength(3);
    for (const r of m) expect(Number.isFinite(r.mean)).toBe(true);
    const curves = fit.responseCurves({ multipliers: [0, 0.5, 1, 1.5], maxDraws: 50 });
    for (const curve of curves) {
      const kpis = curve.points.map((p) => p.kpi.mean);
      for (let i = 1; i < kpis.length; i++) expect(kpis[i]).toBeGreaterThanOrEqual(kpis[i - 1] - 1e-9);
      expect(curve.points[0].incremental.mean).toBe(0);
    }
  });

  it("metrics on train and held-out test rows", () => {
    const m = fit.metrics();
    expect(m.train.periods).toBe(60);
    expect(m.test?.periods).toBe(10);
    expect(m.train.r2).toBeLessThanOrEqual(1);
    expect(m.train.mape).toBeGreaterThan(0);
  });

  it("saves and loads; predictions from the loaded model are identical", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-save-"));
    const path = join(dir, "model.mmm");
    saveMMM(fit, path);
    const loaded = loadMMM(path);
    const future = sliceDatasetRows(simulateDataset({ seed: 12, T: 8, channels: 3, extras: 1 }).dataset);
    const a = fit.predict(future, { seed: 5 });
    const b = loaded.predict(future, { seed: 5 });
    expect(Buffer.from(b.draws.buffer).equals(Buffer.from(a.draws.buffer))).toBe(true);
    expect(loaded.summary()).toEqual(fit.summary());

    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    expect(() => loadMMM(path)).toThrow(/truncated|checksum|past the end/);
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length - 50] ^= 0xff;
    writeFileSync(path, corrupt);
    expect(() => loadMMM(path)).toThrow(/checksum/);
    const newer = Buffer.from(bytes.toString("latin1").replace('"version":2', '"version":9'), "latin1");
    writeFileSync(path, newer);
    expect(() => loadMMM(path)).toThrow(/newer version/);
    writeFileSync(path, "hello");
    expect(() => loadMMM(path)).toThrow(/not a readable saved model/);
    expect(() => loadMMM(join(dir, "missing.mmm"))).toThrow(/ENOENT/);
  });
});

describe("fit configuration errors", () => {
  const sim = simulateDataset({ seed: 13, T: 30, channels: 2, extras: 0 });
  it("names the option or parameter at fault", async () => {
    await expect(fitMMM(sim.dataset, { sampler: { chains: 0 } })).rejects.toThrow(/chains must be an integer >= 1/);
    await expect(fitMMM(sim.dataset, { sampler: { targetAccept: 1 } })).rejects.toThrow(/target accept/);
    await expect(fitMMM(sim.dataset, { sampler: { initValues: { sigma: [0.1] } } })).rejects.toThrow(/missing parameter "intercept"/);
    await expect(fitMMM(sim.dataset, { costs: [1] })).rejects.toThrow(/1 values but there are 2 media channels/);
    await expect(fitMMM(sim.dataset, { sampler: { math: "quick" as never } })).rejects.toThrow(/math must be one of accurate, fast, exact/);
    await expect(fitMMM(sim.dataset, { customPriors: { slope: { dist: "Normal", loc: 0, scale: 1 } } })).rejects.toThrow(/slope/);
  });
  it("samples with the fast math mode, reproducibly", async () => {
    const opts = { sampler: { chains: 1, warmup: 30, samples: 20, threads: 0, math: "fast" as const } };
    const a = await fitMMM(sim.dataset, opts);
    const b = await fitMMM(sim.dataset, opts);
    const accurate = await fitMMM(sim.dataset, { sampler: { ...opts.sampler, math: "accurate" as const } });
    expect(Array.from(a.record.chains[0].draws)).toEqual(Array.from(b.record.chains[0].draws));
    expect(Array.from(a.record.chains[0].draws)).not.toEqual(Array.from(accurate.record.chains[0].draws));
  });

  it("starts every chain at user values with init 'median'", async () => {
    const fit0 = await fitMMM(sim.dataset, { sampler: { chains: 1, warmup: 0, samples: 1, threads: 0, init: "median" } });
    const values = fit0.layout.constrain(fit0.layout.medianPoint());
    values.sigma = [0.3];
    const fit = await fitMMM(sim.dataset, { sampler: { chains: 2, warmup: 0, samples: 1, threads: 0, init: "median", initValues: values } });
    const start = fit.layout.unconstrainFlat(fit.layout.readValues(values));
    for (const c of fit.record.chains) expect(Array.from(c.initialPosition)).toEqual(Array.from(start));
    const jittered = await fitMMM(sim.dataset, { sampler: { chains: 2, warmup: 0, samples: 1, threads: 0, initValues: values } });
    const a = jittered.record.chains[0].initialPosition;
    const b = jittered.record.chains[1].initialPosition;
    expect(Array.from(a)).not.toEqual(Array.from(b));
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - start[i])).toBeLessThanOrEqual(0.5);
  });
});

describe("posterior predictive noise", () => {
  it("uses each draw's sigma on the constrained scale, whatever its prior's transform", async () => {
    const sim = simulateDataset({ seed: 14, T: 30, channels: 2, extras: 0 });
    const fit = await fitMMM(sim.dataset, {
      customPriors: { sigma: { dist: "Uniform", low: 0.01, high: 1 } },
      sampler: { chains: 1, warmup: 30, samples: 10, threads: 0 },
    });
    const rows = sliceDatasetRows(simulateDataset({ seed: 15, T: 3, channels: 2, extras: 0 }).dataset);
    const noisy = fit.predict(rows, { seed: 9 });
    const mean = fit.predict(rows, { seed: 9, includeNoise: false });
    const sigmaOffset = fit.layout.offsetOf("sigma");
    const constrained = fit.constrainedDraws()[0];
    const rng = new PhiloxRng(9, 1_000_003);
    for (let k = 0; k < noisy.drawCount; k++) {
      const sigma = constrained[k * fit.layout.dim + sigmaOffset] * fit.record.scalers.target;
      for (let t = 0; t < 3; t++) {
        expect(noisy.draws[k * 3 + t] - mean.draws[k * 3 + t]).toBeCloseTo(sigma * rng.normal(), 6);
      }
    }
  });
});

describe("divergenceOutlier", () => {
  it("names the one chain that diverged far more often than the others", async () => {
    const { divergenceOutlier } = await import("../../src/fit/posteriorFit.js");
    expect(divergenceOutlier([537, 76, 34, 114])).toBe(0);
    expect(divergenceOutlier([40, 45, 300, 52])).toBe(2);
    expect(divergenceOutlier([40, 45, 60, 52])).toBeNull();
    expect(divergenceOutlier([0, 0, 5, 0])).toBeNull();
    expect(divergenceOutlier([12])).toBeNull();
  });
});
