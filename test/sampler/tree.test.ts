/**
 * The trajectory builder against mock integrators (in the spirit of Stan's
 * base_nuts unit tests): positions are integer indices along the trajectory,
 * so every property of the recursion can be checked exactly.
 */
import { describe, expect, it } from "vitest";
import { PhiloxRng, type UniformSource } from "../../src/rng/index.js";
import { NutsTrajectoryBuilder } from "../../src/sampler/tree.js";
import { createPhasePoint, type HamiltonianSystem, type PhasePoint } from "../../src/sampler/types.js";
import { chiSquare, chiSquareCritical } from "./helpers/stats.js";

interface MockOptions {
  dim?: number;
  /** Hamiltonian as a function of the trajectory index (default 0). */
  energy?: (k: number) => number;
  /** Momentum at trajectory index k (default: keep the momentum unchanged). */
  momentum?: (k: number) => number[];
  /** Negate the momentum at every step. */
  flip?: boolean;
}

/** Each leapfrog moves the index by sign(epsilon); velocity = momentum. */
class MockSystem implements HamiltonianSystem {
  readonly dim: number;
  visited: number[] = [];
  constructor(private readonly o: MockOptions = {}) {
    this.dim = o.dim ?? 1;
  }
  evolve(z: PhasePoint, epsilon: number): void {
    z.q[0] = z.q[0]! + Math.sign(epsilon);
    const k = z.q[0]!;
    this.visited.push(k);
    if (this.o.momentum) z.p.set(this.o.momentum(k));
    if (this.o.flip) for (let i = 0; i < this.dim; i++) z.p[i] = -z.p[i]!;
    z.logp = -(this.o.energy ? this.o.energy(k) : 0);
  }
  hamiltonian(z: PhasePoint, velocity: Float64Array): number {
    velocity.set(z.p);
    return this.o.energy ? this.o.energy(z.q[0]!) : 0;
  }
}

function startPoint(dim: number, p: number[]): PhasePoint {
  const z = createPhasePoint(dim);
  z.p.set(p);
  z.logp = 0;
  return z;
}

/** Always extends forward (0.75 > 0.5). */
const forwardOnly: UniformSource = { uniform: () => 0.75 };

describe("NUTS tree building with a mock integrator", () => {
  it("reaches the maximum depth without a U-turn: 2^depth - 1 leapfrog steps", () => {
    for (let maxDepth = 1; maxDepth <= 10; maxDepth++) {
      const builder = new NutsTrajectoryBuilder(1, { maxTreeDepth: maxDepth });
      const sys = new MockSystem();
      const res = builder.transition(sys, startPoint(1, [1]), 0.1, new PhiloxRng(maxDepth));
      expect(res.depth).toBe(maxDepth);
      expect(res.nLeapfrog).toBe(2 ** maxDepth - 1);
      expect(sys.visited.length).toBe(2 ** maxDepth - 1);
      expect(res.divergent).toBe(false);
      expect(res.acceptStat).toBe(1);
      // The trajectory is contiguous: it covers an interval of indices containing 0.
      const lo = Math.min(0, ...sys.visited);
      const hi = Math.max(0, ...sys.visited);
      expect(hi - lo).toBe(2 ** maxDepth - 1);
    }
  });

  it("stops at the first doubling when the momentum reverses", () => {
    for (let seed = 0; seed < 20; seed++) {
      const builder = new NutsTrajectoryBuilder(1, { maxTreeDepth: 10 });
      const res = builder.transition(new MockSystem({ flip: true }), startPoint(1, [1]), 0.1, new PhiloxRng(seed));
      expect(res.nLeapfrog).toBe(1);
      expect(res.depth).toBe(1);
      expect(res.divergent).toBe(false);
    }
  });

  it("applies the extra U-turn checks across the two halves of the top-level merge", () => {
    // 2-D momenta along the trajectory 0..3. Every subtree and the whole
    // trajectory pass the end-point criterion, but {0,1,2} fails it:
    // p0 . (p0 + p1 + p2) = -1 < 0.
    const table: Record<number, number[]> = { 1: [1, 0], 2: [-3, 1], 3: [2, 5] };
    const momentum = (k: number) => table[k] ?? [1, 0];
    const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]!;
    const sum = (...v: number[][]) => v.reduce((s, x) => [s[0]! + x[0]!, s[1]! + x[1]!], [0, 0]);
    const p = [0, 1, 2, 3].map(momentum);
    // Sanity of the construction: only the junction check can stop the tree.
    const rhoAll = sum(...p);
    expect(dot(p[0]!, rhoAll) > 0 && dot(p[3]!, rhoAll) > 0).toBe(true);
    const rhoNew = sum(p[2]!, p[3]!);
    expect(dot(p[2]!, rhoNew) > 0 && dot(p[3]!, rhoNew) > 0).toBe(true);
    expect(dot(p[0]!, sum(p[0]!, p[1]!, p[2]!))).toBeLessThan(0);

    const builder = new NutsTrajectoryBuilder(2, { maxTreeDepth: 10 });
    const res = builder.transition(new MockSystem({ dim: 2, momentum }), startPoint(2, [1, 0]), 0.1, forwardOnly);
    expect(res.depth).toBe(2);
    expect(res.nLeapfrog).toBe(3);

    // Control: a benign momentum at index 2 lets the tree grow to the maximum.
    const benign = (k: number) => (k === 2 ? [1, 1] : momentum(k));
    const res2 = new NutsTrajectoryBuilder(2, { maxTreeDepth: 4 }).transition(
      new MockSystem({ dim: 2, momentum: (k) => (k <= 3 ? benign(k) : [1, 0]) }),
      startPoint(2, [1, 0]),
      0.1,
      forwardOnly,
    );
    expect(res2.depth).toBe(4);
  });

  it("applies the extra U-turn checks across the halves of a merge inside a subtree", () => {
    // Indices 4..7 form the depth-2 subtree built at the third doubling; the
    // failing junction is {4,5,6}. Without the inner checks the subtree and
    // all top-level checks would pass.
    const table: Record<number, number[]> = { 6: [-3, 1], 7: [2, 5] };
    const momentum = (k: number) => table[k] ?? [1, 0];
    const builder = new NutsTrajectoryBuilder(2, { maxTreeDepth: 10 });
    const sys = new MockSystem({ dim: 2, momentum });
    const res = builder.transition(sys, startPoint(2, [1, 0]), 0.1, forwardOnly);
    expect(sys.visited).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(res.depth).toBe(2);
    expect(res.nLeapfrog).toBe(7);
  });

  it("flags divergences, discards the divergent subtree and respects the threshold", () => {
    const energy = (k: number) => (k >= 3 ? 2000 : 0);
    const builder = new NutsTrajectoryBuilder(1, { maxTreeDepth: 10 });
    const res = builder.transition(new MockSystem({ energy }), startPoint(1, [1]), 0.1, forwardOnly);
    expect(res.divergent).toBe(true);
    expect(res.depth).toBe(1);
    expect(res.nLeapfrog).toBe(3);
    expect([0, 1]).toContain(res.sample.q[0]);
    // mean of min(1, exp(H0 - H)) over the 3 steps: (1 + 1 + 0) / 3
    expect(res.acceptStat).toBeCloseTo(2 / 3, 12);

    const lenient = new NutsTrajectoryBuilder(1, { maxTreeDepth: 3, maxDeltaH: 5000 });
    const res2 = lenient.transition(new MockSystem({ energy }), startPoint(1, [1]), 0.1, forwardOnly);
    expect(res2.divergent).toBe(false);
    expect(res2.nLeapfrog).toBe(7);
  });

  it("treats a non-finite Hamiltonian (NaN or -Infinity log density) as divergent", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const energy = (k: number) => (k === 2 ? bad : 0);
      const res = new NutsTrajectoryBuilder(1).transition(
        new MockSystem({ energy }),
        startPoint(1, [1]),
        0.1,
        forwardOnly,
      );
      expect(res.divergent).toBe(true);
      expect(res.nLeapfrog).toBe(2);
      expect(Number.isFinite(res.acceptStat)).toBe(true);
      expect(res.sample.q[0]).not.toBe(2);
    }
  });

  it("reports the mean Metropolis acceptance over all steps and the selected point's energy", () => {
    const energy = (k: number) => 0.3 * k + 0.5 * Math.sin(k);
    for (let seed = 0; seed < 50; seed++) {
      const sys = new MockSystem({ energy });
      const res = new NutsTrajectoryBuilder(1, { maxTreeDepth: 5 }).transition(
        sys,
        startPoint(1, [1]),
        0.1,
        new PhiloxRng(seed),
      );
      const expected = sys.visited.reduce((a, k) => a + Math.min(1, Math.exp(energy(0) - energy(k))), 0) / sys.visited.length;
      expect(res.acceptStat).toBeCloseTo(expected, 12);
      expect(res.energy).toBe(energy(res.sample.q[0]!));
    }
  });

  /**
   * Exact selection probabilities: average over the 2^D direction sequences;
   * each new subtree proposes point k with probability w_k / W_subtree and is
   * accepted with probability min(1, W_subtree / W_old) (biased progressive
   * sampling at the top level).
   */
  function exactSelection(maxDepth: number, energy: (k: number) => number): Map<number, number> {
    const w = (k: number) => Math.exp(energy(0) - energy(k));
    const total = new Map<number, number>();
    for (let mask = 0; mask < 2 ** maxDepth; mask++) {
      let lo = 0;
      let hi = 0;
      let probs = new Map<number, number>([[0, 1]]);
      let wOld = w(0);
      for (let j = 0; j < maxDepth; j++) {
        const forward = ((mask >> j) & 1) === 1;
        const pts: number[] = [];
        for (let i = 1; i <= 2 ** j; i++) pts.push(forward ? hi + i : lo - i);
        if (forward) hi += 2 ** j;
        else lo -= 2 ** j;
        const wNew = pts.reduce((a, k) => a + w(k), 0);
        const a = Math.min(1, wNew / wOld);
        const next = new Map<number, number>();
        for (const [k, v] of probs) next.set(k, v * (1 - a));
        for (const k of pts) next.set(k, (next.get(k) ?? 0) + (a * w(k)) / wNew);
        probs = next;
        wOld += wNew;
      }
      for (const [k, v] of probs) total.set(k, (total.get(k) ?? 0) + v / 2 ** maxDepth);
    }
    return total;
  }

  function selectionCounts(maxDepth: number, energy: (k: number) => number, n: number): Map<number, number> {
    const builder = new NutsTrajectoryBuilder(1, { maxTreeDepth: maxDepth });
    const counts = new Map<number, number>();
    const z0 = startPoint(1, [1]);
    for (let seed = 0; seed < n; seed++) {
      const res = builder.transition(new MockSystem({ energy }), z0, 0.1, new PhiloxRng(seed, 7));
      const k = res.sample.q[0]!;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  }

  function chiSquareAgainst(exact: Map<number, number>, counts: Map<number, number>) {
    const keys = [...new Set([...exact.keys(), ...counts.keys()])].sort((a, b) => a - b);
    const c = keys.map((k) => counts.get(k) ?? 0);
    const p = keys.map((k) => exact.get(k) ?? 0);
    return { stat: chiSquare(c, p), df: p.filter((x) => x > 0).length - 1 };
  }

  it("samples the trajectory multinomially (unequal energies) with the exact selection law", () => {
    const energy = (k: number) => 0.15 * k - 0.5 * Math.cos(k);
    const exact = exactSelection(3, energy);
    const counts = selectionCounts(3, energy, 30_000);
    const { stat, df } = chiSquareAgainst(exact, counts);
    expect(df).toBe(14);
    expect(stat).toBeLessThan(chiSquareCritical(df));
  });

  it("with equal energies, selects uniformly within the newest subtree and never from the older half", () => {
    // Biased progressive sampling: with W_new = W_old the newest subtree is
    // always taken, and within it the selection is uniform.
    const builder = new NutsTrajectoryBuilder(1, { maxTreeDepth: 4 });
    const z0 = startPoint(1, [1]);
    const positionInLast = new Array<number>(8).fill(0);
    const n = 16_000;
    for (let seed = 0; seed < n; seed++) {
      const sys = new MockSystem();
      const res = builder.transition(sys, z0, 0.1, new PhiloxRng(seed, 11));
      const last = sys.visited.slice(-8);
      const idx = last.indexOf(res.sample.q[0]!);
      expect(idx).toBeGreaterThanOrEqual(0);
      positionInLast[idx]!++;
    }
    const probs = new Array<number>(8).fill(1 / 8);
    expect(chiSquare(positionInLast, probs)).toBeLessThan(chiSquareCritical(7));
    // ... which is exactly what the enumeration predicts.
    const exact = exactSelection(4, () => 0);
    const counts = selectionCounts(4, () => 0, 16_000);
    const { stat, df } = chiSquareAgainst(exact, counts);
    expect(stat).toBeLessThan(chiSquareCritical(df));
  });

  it("does not modify the initial point and is deterministic given the random stream", () => {
    const energy = (k: number) => 0.1 * k * k;
    const z0 = startPoint(1, [1]);
    const a = new NutsTrajectoryBuilder(1, { maxTreeDepth: 6 }).transition(new MockSystem({ energy }), z0, 0.1, new PhiloxRng(3));
    const qa = a.sample.q[0];
    const b = new NutsTrajectoryBuilder(1, { maxTreeDepth: 6 }).transition(new MockSystem({ energy }), z0, 0.1, new PhiloxRng(3));
    expect(b.sample.q[0]).toBe(qa);
    expect(b.nLeapfrog).toBe(a.nLeapfrog);
    expect(z0.q[0]).toBe(0);
    expect(z0.p[0]).toBe(1);
  });
});
