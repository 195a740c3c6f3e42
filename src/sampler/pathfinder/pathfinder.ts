// Pathfinder (Zhang, Carpenter, Gelman & Vehtari 2022, JMLR): L-BFGS paths
// from uniform(-2, 2) starts; at each iterate a normal approximation and a
// Monte Carlo ELBO from K draws; per path the approximation with the highest
// ELBO; the paths' draws pooled and importance-resampled with Pareto-smoothed
// weights. Here it chooses the chains' starting points. Every random number
// comes from Philox streams of the seed, so the result depends on the seed
// alone; a path that fails is dropped with its reason.

import type { LogDensity } from "../../density/types.js";
import { SamplerFailure } from "../../errors.js";
import { exp } from "../../math/portable.js";
import { createRng } from "../../rng/random.js";
import type { Rng } from "../../rng/random.js";
import { findInitialState } from "../init.js";
import { lbfgsAscent } from "./lbfgs.js";
import { iterateHistories, normalApproximation, type NormalApproximation } from "./approximation.js";
import { paretoSmooth } from "./psis.js";

export interface PathfinderOptions {
  seed: number;
  /** Paths (default 4, as Stan). */
  paths?: number;
  /** L-BFGS history (default 6). */
  history?: number;
  /** Draws per ELBO estimate (default 25, Stan's num_elbo_draws). */
  elboDraws?: number;
  /** Draws per path pooled for resampling (default 250). */
  drawsPerPath?: number;
  /** L-BFGS iterations at most per path (default 1000). */
  maxIterations?: number;
  /** Radius of the uniform starts (default 2, Stan's). */
  initRadius?: number;
}

export interface PathResult {
  path: number;
  /** Why the path was dropped; absent when it gave draws. */
  failure?: string;
  /** Why L-BFGS stopped. */
  stop?: string;
  iterations: number;
  /** The iterate chosen and its ELBO. */
  bestIterate?: number;
  elbo?: number;
  approximation?: NormalApproximation;
}

export interface PathfinderResult {
  /** Resampled draws, one per requested start (rows of length dim). */
  starts: Float64Array[];
  /** The pooled draws and their Pareto-smoothed log importance weights (unnormalised). */
  draws: Float64Array[];
  logWeights: Float64Array;
  paths: PathResult[];
  /** Pareto k-hat of the pooled importance weights (NaN when not fitted). */
  paretoK: number;
  /** Log-density evaluations, with or without gradient, all counted. */
  evaluations: number;
}

/** Philox streams of Pathfinder, far from the chains' streams (0, 1, ...). */
const PATH_STREAM = 0x50460000;
const RESAMPLE_STREAM = 0x5046ffff;

/** Counts every evaluation of the density it wraps. */
class CountingDensity implements LogDensity {
  count = 0;
  constructor(private readonly inner: LogDensity) {}
  get dim() {
    return this.inner.dim;
  }
  logp(x: Float64Array): number {
    this.count++;
    return this.inner.logp(x);
  }
  logpGrad(x: Float64Array, g: Float64Array): number {
    this.count++;
    return this.inner.logpGrad(x, g);
  }
}

function finiteLogp(density: LogDensity, x: Float64Array): number {
  const lp = density.logp(x);
  return Number.isFinite(lp) ? lp : -Infinity;
}

/** One path: L-BFGS, then the iterate whose approximation has the highest ELBO. */
export function singlePath(density: LogDensity, rng: Rng, path: number, o: PathfinderOptions): PathResult {
  let start;
  try {
    start = findInitialState(density, { kind: "uniform", radius: o.initRadius ?? 2 }, rng);
  } catch (e) {
    return { path, iterations: 0, failure: (e as Error).message };
  }
  const traj = lbfgsAscent(density, start.position, start.logp, start.gradient, { history: o.history ?? 6, maxIterations: o.maxIterations ?? 1000 });
  const iterations = traj.positions.length - 1;
  if (iterations === 0) return { path, iterations, stop: traj.stop, failure: `L-BFGS made no progress (${traj.stop})` };
  const histories = iterateHistories(traj.positions, traj.gradients, o.history ?? 6);
  const K = o.elboDraws ?? 25;
  const x = new Float64Array(density.dim);
  let best: PathResult | null = null;
  let invalid = 0;
  for (let l = 1; l <= iterations; l++) {
    const approx = normalApproximation(traj.positions[l]!, traj.gradients[l]!, histories[l - 1]!);
    if (!approx) {
      invalid++;
      continue;
    }
    let elbo = 0;
    for (let k = 0; k < K; k++) {
      const lq = approx.draw(rng, x);
      elbo += finiteLogp(density, x) - lq;
    }
    elbo /= K;
    if (Number.isFinite(elbo) && (!best || elbo > best.elbo!)) {
      best = { path, iterations, stop: traj.stop, bestIterate: l, elbo, approximation: approx };
    }
  }
  if (!best) {
    const why = invalid === iterations ? "no iterate gave a positive-definite approximation" : "every ELBO estimate was non-finite (draws where the density is zero or undefined)";
    return { path, iterations, stop: traj.stop, failure: `${why}; L-BFGS: ${traj.stop}` };
  }
  return best;
}

/**
 * Multi-path Pathfinder: `count` starting points resampled (without
 * replacement, so chains start apart) from the pooled draws of the paths.
 * Throws an Error naming each path's failure when none gave draws.
 */
export function pathfinderStarts(density: LogDensity, count: number, o: PathfinderOptions): PathfinderResult {
  const run = pathfinderSteps(density, count, o);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}

/**
 * Pathfinder one path at a time: yields the index of each path it finishes,
 * returns what pathfinderStarts returns. A caller that must stay responsive
 * (a Stop button, Ctrl-C) yields to its event loop between paths.
 */
export function* pathfinderSteps(density: LogDensity, count: number, o: PathfinderOptions): Generator<number, PathfinderResult, void> {
  const counting = new CountingDensity(density);
  const nPaths = o.paths ?? 4;
  const perPath = o.drawsPerPath ?? 250;
  const paths: PathResult[] = [];
  const draws: Float64Array[] = [];
  const logWeights: number[] = [];
  for (let p = 0; p < nPaths; p++) {
    const rng = createRng(o.seed, PATH_STREAM + p);
    const r = singlePath(counting, rng, p, o);
    paths.push(r);
    for (let i = 0; r.approximation && i < perPath; i++) {
      const x = new Float64Array(density.dim);
      const lq = r.approximation.draw(rng, x);
      draws.push(x);
      logWeights.push(finiteLogp(counting, x) - lq);
    }
    yield p;
  }
  const ok = paths.filter((p) => !p.failure).length;
  if (ok === 0) {
    throw new SamplerFailure(`Pathfinder failed on all ${nPaths} paths: ${paths.map((p) => `path ${p.path + 1}: ${p.failure}`).join("; ")}`);
  }
  const smoothed = paretoSmooth(Float64Array.from(logWeights));
  const usable = Array.from(smoothed.logWeights).filter(Number.isFinite).length;
  if (usable === 0) throw new Error(`Pathfinder: all ${draws.length} draws of the ${ok} path(s) that finished have a non-finite log density`);
  const chosen = resample(smoothed.logWeights, count, createRng(o.seed, RESAMPLE_STREAM));
  return {
    starts: chosen.map((i) => Float64Array.from(draws[i]!)),
    draws,
    logWeights: smoothed.logWeights,
    paths,
    paretoK: smoothed.k,
    evaluations: counting.count,
  };
}

/**
 * `count` indices drawn with probability proportional to exp(logWeights),
 * without replacement while draws with positive weight remain.
 */
function resample(logWeights: Float64Array, count: number, rng: Rng): number[] {
  let max = -Infinity;
  for (const v of logWeights) if (v > max) max = v;
  const w = Array.from(logWeights, (v) => (Number.isFinite(v) ? exp(v - max) : 0));
  const chosen: number[] = [];
  for (let c = 0; c < count; c++) {
    let total = 0;
    for (const v of w) total += v;
    if (!(total > 0)) {
      // Fewer usable draws than starts: reuse the ones chosen, in order.
      chosen.push(chosen[c % chosen.length]!);
      continue;
    }
    let u = rng.uniform() * total;
    let pick = -1;
    for (let i = 0; i < w.length; i++) {
      if (w[i]! <= 0) continue;
      pick = i;
      u -= w[i]!;
      if (u < 0) break;
    }
    chosen.push(pick);
    w[pick] = 0;
  }
  return chosen;
}
