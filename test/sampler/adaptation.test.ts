import { describe, expect, it } from "vitest";
import {
  DualAveraging,
  NutpieDiagMetricAdapter,
  StanDenseMetricAdapter,
  StanDiagMetricAdapter,
  StanWindowSchedule,
  WelfordCovariance,
  WelfordVariance,
  initStepSize,
} from "../../src/adaptation/index.js";
import { PhiloxRng } from "../../src/rng/index.js";

describe("Stan window schedule", () => {
  it("places the default windows for 1000 warm-up iterations", () => {
    expect(StanWindowSchedule.windows(1000)).toEqual([
      [75, 99],
      [100, 149],
      [150, 249],
      [250, 449],
      [450, 949],
    ]);
  });

  it("stretches the last slow window to the terminal buffer", () => {
    // With 600 iterations the slow phase ends at 549; after the 200-window
    // [250, 449] a 400-window would overrun, so [250, ...] is stretched to 549.
    expect(StanWindowSchedule.windows(600)).toEqual([
      [75, 99],
      [100, 149],
      [150, 249],
      [250, 549],
    ]);
    // With 500 the 200-window ends exactly at the terminal buffer.
    expect(StanWindowSchedule.windows(500)).toEqual([
      [75, 99],
      [100, 149],
      [150, 249],
      [250, 449],
    ]);
    expect(StanWindowSchedule.windows(150)).toEqual([[75, 99]]);
  });

  it("rescales to 15% / 75% / 10% when warm-up is shorter than 150", () => {
    const s = new StanWindowSchedule(100);
    expect([s.initBuffer, s.baseWindow, s.termBuffer]).toEqual([15, 75, 10]);
    expect(StanWindowSchedule.windows(100)).toEqual([[15, 89]]);
    expect(StanWindowSchedule.windows(149)).toEqual([[22, 134]]);
  });

  it("does no metric adaptation below 20 warm-up iterations", () => {
    expect(StanWindowSchedule.windows(19)).toEqual([]);
    expect(StanWindowSchedule.windows(20)).toEqual([[3, 17]]);
  });
});

describe("dual averaging", () => {
  it("finds the step size whose acceptance equals the target", () => {
    // Synthetic acceptance curve a(eps) = exp(-eps^2): target 0.8 at eps* = sqrt(-ln 0.8).
    const da = new DualAveraging({ delta: 0.8 });
    let eps = 1;
    da.init(eps);
    for (let i = 0; i < 3000; i++) eps = da.update(Math.exp(-eps * eps));
    const target = Math.sqrt(-Math.log(0.8));
    expect(Math.abs(da.final(eps) / target - 1)).toBeLessThan(0.02);
  });

  it("follows Stan's update formulas", () => {
    const da = new DualAveraging();
    da.init(0.5); // mu = log 5
    const e1 = da.update(0.6);
    // t = 1: eta = 1/11, sBar = 0.2/11, x = log 5 - sBar * 1 / 0.05, xBar = x
    const sBar = 0.2 / 11;
    const x = Math.log(5) - sBar / 0.05;
    expect(e1).toBeCloseTo(Math.exp(x), 14);
    expect(da.final(0)).toBeCloseTo(Math.exp(x), 14);
    // Acceptance above 1 is clipped to 1.
    const a = new DualAveraging();
    const b = new DualAveraging();
    a.init(1);
    b.init(1);
    expect(a.update(1.7)).toBe(b.update(1));
    // After a restart nothing is learned yet: the fallback is returned.
    a.restart();
    expect(a.final(0.123)).toBe(0.123);
  });
});

describe("step-size initialisation heuristic", () => {
  it("doubles until one step's acceptance falls below 0.8", () => {
    const probes: number[] = [];
    const eps = initStepSize((e) => {
      probes.push(e);
      return -e * e;
    }, 0.01);
    // -eps^2 <= log 0.8 first at eps = 0.64 (0.01 * 2^6)
    expect(eps).toBeCloseTo(0.64, 12);
    expect(probes[0]).toBe(0.01);
    expect(probes[1]).toBe(0.01);
  });

  it("halves until one step's acceptance rises above 0.8", () => {
    expect(initStepSize((e) => -e * e, 10)).toBeCloseTo(0.3125, 12);
  });

  it("halves past invalid (infinite-energy) steps", () => {
    expect(initStepSize((e) => (e > 0.1 ? Number.NEGATIVE_INFINITY : 0), 1)).toBeCloseTo(0.0625, 12);
  });

  it("throws on an improper posterior", () => {
    expect(() => initStepSize(() => 0, 1)).toThrow(/improper/);
  });
});

describe("Welford estimators", () => {
  it("match two-pass variance and covariance", () => {
    const rng = new PhiloxRng(8);
    const n = 500;
    const dim = 3;
    const xs: Float64Array[] = [];
    const wv = new WelfordVariance(dim);
    const wc = new WelfordCovariance(dim);
    for (let i = 0; i < n; i++) {
      const z = new Float64Array(dim);
      rng.fillNormal(z);
      const x = Float64Array.from([10 + z[0]!, 2 * z[0]! + z[1]!, 1e3 + 0.01 * z[2]!]);
      xs.push(x);
      wv.add(x);
      wc.add(x);
    }
    const mean = [0, 1, 2].map((j) => xs.reduce((a, x) => a + x[j]!, 0) / n);
    const cov = (i: number, j: number) => xs.reduce((a, x) => a + (x[i]! - mean[i]!) * (x[j]! - mean[j]!), 0) / (n - 1);
    const v = wv.variance();
    const c = wc.covariance();
    for (let i = 0; i < dim; i++) {
      expect(v[i]).toBeCloseTo(cov(i, i), 10);
      for (let j = 0; j < dim; j++) expect(c[i * dim + j]! / cov(i, j)).toBeCloseTo(1, 10);
    }
  });
});

describe("metric adapters", () => {
  it("Stan diag: regularised window variance at each window end", () => {
    const rng = new PhiloxRng(4);
    const ad = new StanDiagMetricAdapter(2, 1000);
    const window: Float64Array[] = [];
    let result: Float64Array | null = null;
    for (let it = 0; it < 100; it++) {
      const x = Float64Array.from([rng.normal() * 3, rng.normal() * 0.1]);
      if (it >= 75) window.push(x);
      result = ad.update(x);
      if (it < 99) expect(result).toBeNull();
    }
    expect(result).not.toBeNull();
    const n = window.length;
    expect(n).toBe(25);
    for (let j = 0; j < 2; j++) {
      const m = window.reduce((a, x) => a + x[j]!, 0) / n;
      const v = window.reduce((a, x) => a + (x[j]! - m) ** 2, 0) / (n - 1);
      expect(result![j]).toBeCloseTo((n / (n + 5)) * v + 1e-3 * (5 / (n + 5)), 12);
    }
  });

  it("Stan dense: regularised window covariance", () => {
    const ad = new StanDenseMetricAdapter(2, 1000);
    const pts = Array.from({ length: 100 }, (_, i) => Float64Array.from([Math.sin(i), Math.sin(i) + Math.cos(3 * i)]));
    let result: Float64Array | null = null;
    for (const p of pts) result = ad.update(p) ?? result;
    const w = pts.slice(75);
    const n = w.length;
    const m = [0, 1].map((j) => w.reduce((a, x) => a + x[j]!, 0) / n);
    const cov = (i: number, j: number) => w.reduce((a, x) => a + (x[i]! - m[i]!) * (x[j]! - m[j]!), 0) / (n - 1);
    const a = n / (n + 5);
    const b = 1e-3 * (5 / (n + 5));
    expect(result![0]).toBeCloseTo(a * cov(0, 0) + b, 12);
    expect(result![1]).toBeCloseTo(a * cov(0, 1), 12);
    expect(result![2]).toBeCloseTo(a * cov(1, 0), 12);
    expect(result![3]).toBeCloseTo(a * cov(1, 1) + b, 12);
  });

  it("nutpie: initial 1/|grad| and sqrt(var(x)/var(grad)) recovering Gaussian variances", () => {
    const scales = [1e-2, 1, 50];
    const ad = new NutpieDiagMetricAdapter(3, 1000);
    const x0 = Float64Array.from([0.5, -1, 2]);
    const g0 = Float64Array.from(x0, (x, i) => -x / scales[i]! ** 2);
    const init = ad.init(x0, g0);
    for (let i = 0; i < 3; i++) expect(init[i]).toBeCloseTo(1 / Math.abs(g0[i]!), 12);
    // For a Gaussian the gradient is linear in x, so the ratio is exact.
    const rng = new PhiloxRng(1);
    let last: Float64Array | null = null;
    for (let it = 0; it < 30; it++) {
      const x = Float64Array.from(scales, (s) => s * rng.normal());
      const g = Float64Array.from(x, (v, i) => -v / scales[i]! ** 2);
      last = ad.update(it, x, g) ?? last;
    }
    for (let i = 0; i < 3; i++) expect(last![i]! / scales[i]! ** 2).toBeCloseTo(1, 9);
    expect(ad.switches).toBeGreaterThan(0);
  });

  it("nutpie: switching schedule and frozen final window", () => {
    const ad = new NutpieDiagMetricAdapter(1, 1000);
    expect(ad.earlyEnd).toBe(300);
    expect(ad.finalWindowStart).toBe(850);
    ad.init(Float64Array.of(0), Float64Array.of(1));
    const switchesAt: number[] = [];
    let updates = 0;
    const rng = new PhiloxRng(2);
    for (let it = 0; it < 1000; it++) {
      const before = ad.switches;
      const x = Float64Array.of(rng.normal());
      const r = ad.update(it, x, Float64Array.of(-x[0]!));
      if (r) updates++;
      if (ad.switches > before) switchesAt.push(it);
      if (it >= 850) expect(r).toBeNull();
    }
    // First switch when the background (which also holds the initial point) reaches 10.
    expect(switchesAt[0]).toBe(8);
    // Early phase: every 10 draws; afterwards every 80, never within 80 of the final window.
    expect(switchesAt.filter((i) => i < 300).every((i, k, a) => k === 0 || i - a[k - 1]! === 10)).toBe(true);
    const late = switchesAt.filter((i) => i >= 300);
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((i) => i + 80 <= 850)).toBe(true);
    expect(updates).toBe(849); // from the second draw on, once the foreground holds 3 samples
  });
});
