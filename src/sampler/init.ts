import type { LogDensity } from "../density/types.js";
import type { Rng } from "../rng/random.js";
import type { NutsState } from "./types.js";

/**
 * How to choose a chain's initial point on the unconstrained scale:
 *  - point: exactly the given position (one attempt);
 *  - jitter: position + uniform(-radius, radius) per coordinate;
 *  - uniform: uniform(-radius, radius) per coordinate, Stan's default with
 *    radius 2.
 */
export type InitSpec =
  | { kind: "point"; position: Float64Array }
  | { kind: "jitter"; position: Float64Array; radius: number }
  | { kind: "uniform"; radius?: number };

export interface InitOptions {
  /** Attempts before giving up (default 100; a plain point gets one). */
  maxTries?: number;
}

/** The radius of the uniform draws around the centre (0: the point itself). */
export function initRadius(spec: InitSpec): number {
  return spec.kind === "uniform" ? (spec.radius ?? 2) : spec.kind === "jitter" ? spec.radius : 0;
}

/** Writes one candidate starting point into out[offset .. offset + dim): the centre (0 for uniform) plus radius * uniform(-1, 1) per coordinate. */
export function drawInitCandidate(spec: InitSpec, radius: number, rng: Rng, out: Float64Array, offset: number, dim: number): void {
  const center = spec.kind === "uniform" ? null : spec.position;
  for (let i = 0; i < dim; i++) {
    const c = center === null ? 0 : center[i]!;
    out[offset + i] = radius > 0 ? c + radius * (2 * rng.uniform() - 1) : c;
  }
}

/** What the candidates were, for an error when none was usable. */
export function describeInit(spec: InitSpec, radius: number): string {
  if (spec.kind === "point") return "the given initial point";
  return spec.kind === "jitter" ? `points within ${radius} of the given initial point` : `points drawn uniformly from (-${radius}, ${radius})`;
}

function firstNonFinite(x: Float64Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return i;
  return -1;
}

/**
 * Finds an initial state with finite log-density and finite gradient,
 * drawing candidates from `rng`. Throws an Error naming how many candidates
 * failed and why.
 */
export function findInitialState(density: LogDensity, spec: InitSpec, rng: Rng, options: InitOptions = {}): NutsState {
  const dim = density.dim;
  const maxTries = spec.kind === "point" ? 1 : (options.maxTries ?? 100);
  if (!Number.isInteger(maxTries) || maxTries < 1) throw new Error(`maxTries must be a positive integer, got ${maxTries}`);
  if (spec.kind === "point" || spec.kind === "jitter") {
    if (spec.position.length !== dim) {
      throw new Error(`initial position has length ${spec.position.length}, expected ${dim}`);
    }
    if (firstNonFinite(spec.position) >= 0) throw new Error("initial position contains non-finite values");
  }
  const radius = initRadius(spec);
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new Error(`init radius must be finite and >= 0, got ${radius}`);

  let badLogp = 0;
  let badGrad = 0;
  let lastReason = "";
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const q = new Float64Array(dim);
    drawInitCandidate(spec, radius, rng, q, 0, dim);
    const g = new Float64Array(dim);
    const lp = density.logpGrad(q, g);
    if (!Number.isFinite(lp)) {
      badLogp++;
      lastReason = `log density is ${lp}`;
      continue;
    }
    const bad = firstNonFinite(g);
    if (bad >= 0) {
      badGrad++;
      lastReason = `gradient component ${bad} is ${g[bad]}`;
      continue;
    }
    return { position: q, logp: lp, gradient: g };
  }
  throw new Error(
    `Initialization failed: ${maxTries} of ${maxTries} attempts (${describeInit(spec, radius)}) were rejected: ` +
      `${badLogp} with a non-finite log density, ${badGrad} with a non-finite gradient (last: ${lastReason}).`,
  );
}
