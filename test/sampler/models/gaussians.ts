import type { LogDensity } from "../../../src/density/types.js";

/** iid standard normal in `dim` dimensions. */
export function standardNormal(dim: number): LogDensity {
  return {
    dim,
    logp(x) {
      let s = 0;
      for (let i = 0; i < dim; i++) s -= 0.5 * x[i]! * x[i]!;
      return s;
    },
    logpGrad(x, g) {
      let s = 0;
      for (let i = 0; i < dim; i++) {
        s -= 0.5 * x[i]! * x[i]!;
        g[i] = -x[i]!;
      }
      return s;
    },
  };
}

/** Independent normals with standard deviations `scales`. */
export function diagonalNormal(scales: ArrayLike<number>): LogDensity {
  const dim = scales.length;
  const inv = Float64Array.from(scales, (s) => 1 / s);
  return {
    dim,
    logp(x) {
      let s = 0;
      for (let i = 0; i < dim; i++) {
        const z = x[i]! * inv[i]!;
        s -= 0.5 * z * z;
      }
      return s;
    },
    logpGrad(x, g) {
      let s = 0;
      for (let i = 0; i < dim; i++) {
        const z = x[i]! * inv[i]!;
        s -= 0.5 * z * z;
        g[i] = -z * inv[i]!;
      }
      return s;
    },
  };
}

/** Scales spaced log-uniformly from `lo` to `hi`. */
export function logSpacedScales(dim: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(dim);
  for (let i = 0; i < dim; i++) out[i] = Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (dim - 1));
  return out;
}

/** Zero-mean bivariate normal with unit variances and correlation rho. */
export function correlatedNormal2(rho: number): LogDensity {
  const c = 1 / (1 - rho * rho);
  return {
    dim: 2,
    logp(x) {
      const a = x[0]!;
      const b = x[1]!;
      return -0.5 * c * (a * a - 2 * rho * a * b + b * b);
    },
    logpGrad(x, g) {
      const a = x[0]!;
      const b = x[1]!;
      g[0] = -c * (a - rho * b);
      g[1] = -c * (b - rho * a);
      return -0.5 * c * (a * a - 2 * rho * a * b + b * b);
    },
  };
}

/**
 * Neal's funnel: v ~ N(0, 3^2), x_i | v ~ N(0, exp(v/2)^2) for i = 1..dim-1.
 * Coordinates: [v, x_1, ..., x_{dim-1}].
 */
export function funnel(dim: number): LogDensity {
  const k = dim - 1;
  function body(x: Float64Array, g: Float64Array | null): number {
    const v = x[0]!;
    const e = Math.exp(-v);
    let ss = 0;
    for (let i = 1; i < dim; i++) {
      ss += x[i]! * x[i]!;
      if (g) g[i] = -x[i]! * e;
    }
    if (g) g[0] = -v / 9 + 0.5 * ss * e - 0.5 * k;
    const lp = -(v * v) / 18 - 0.5 * ss * e - 0.5 * k * v;
    return Number.isFinite(lp) ? lp : Number.NEGATIVE_INFINITY;
  }
  return { dim, logp: (x) => body(x, null), logpGrad: (x, g) => body(x, g) };
}

/**
 * Zero-mean normal with a dense covariance `sigma` (row-major dim x dim),
 * given with its precision `precision` = sigma^-1 (the caller inverts).
 */
export function denseNormal(precision: Float64Array, dim: number): LogDensity {
  const quad = (x: Float64Array, g: Float64Array | null): number => {
    let s = 0;
    for (let i = 0; i < dim; i++) {
      let r = 0;
      for (let j = 0; j < dim; j++) r += precision[i * dim + j]! * x[j]!;
      if (g) g[i] = -r;
      s += x[i]! * r;
    }
    return -0.5 * s;
  };
  return { dim, logp: (x) => quad(x, null), logpGrad: (x, g) => quad(x, g) };
}
