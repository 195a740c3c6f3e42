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
  let center: Float64Array | null = null;
  let radius = 0;
  if (spec.kind === "point" || spec.kind === "jitter") {
    if (spec.position.length !== dim) {
      throw new Error(`initial position has length ${spec.position.length}, expected ${dim}`);
    }
    center = spec.position;
    if (firstNonFinite(center) >= 0) throw new Error("initial position contains non-finite values");
  }
  if (spec.kind === "jitter") radius = spec.radius;
  if (spec.kind === "uniform") radius = spec.radius ?? 2;
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new Error(`init radius must be finite and >= 0, got ${radius}`);

  let badLogp = 0;
  let badGrad = 0;
  let lastReason = "";
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const q = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      const c = center === null ? 0 : center[i]!;
      q[i] = radius > 0 ? c + radius * (2 * rng.uniform() - 1) : c;
    }
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
  const what =
    spec.kind === "point"
      ? "the given initial point"
      : spec.kind === "jitter"
        ? `points within ${radius} of the given initial point`
        : `points drawn uniformly from (-${radius}, ${radius})`;
  throw new Error(
    `Initialization failed: ${maxTries} of ${maxTries} attempts (${what}) were rejected: ` +
      `${badLogp} with a non-finite log density, ${badGrad} with a non-finite gradient (last: ${lastReason}).`,
  );
}
