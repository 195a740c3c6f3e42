// What a media transform is: its TypeScript statement (forward and
// derivative, used by the optimizer and the report) and its kernel table
// entry (from which scripts/gen-kernels.mjs writes the SIMD kernels; see
// assembly/README.md). The float64 reference density (density/reference.ts)
// states each transform again on purpose: it is the oracle the kernels are
// tested against.

/** A kernel formula: one for every precision, or one per lane type when the f32 form must associate differently (range). */
export type Formula = string | { readonly f64: string; readonly f32: string };

/** A constant of the kernel formulas: one number, or one per math mode (the clamps are in the mode's log base). */
export type KernelConstant = number | { readonly exact: number; readonly accurate: number; readonly fast: number };

/**
 * A saturation's kernel table entry. The kernel evaluates, per cell (one
 * period of one media series), on the adstock's output a >= 0:
 *   stages (one loop each, results in scratch rows), then `cell` (named
 *   intermediates), then the outputs the reverse pass dots with the residual.
 * Names in vector formulas: `a` (the signal, lifted to a tiny positive value),
 * the stage outputs, the cell intermediates, the per-channel `vectors`, `BETA`
 * (the coefficient), the constants; functions log, exp (in the mode's base),
 * clamp(x, lo, hi), max(x, y), min(x, y), mask(x) (zero where a is zero).
 * Scalar formulas (vectors, reverse) name parameters by the aliases in
 * `params` and read value p, log(p), d(p) = dp/du, dlog(p), dlog1m(p);
 * `coef`, `logNorm` (log of the adstock's output factor), `lnBase`; in the
 * reverse, `dotF`, `dotH`, `dotHD` (times lnBase), `dotG` and `gLogNorm`.
 */
export interface SaturationKernel {
  /** Short aliases of the saturation's parameters, in its `params` order. */
  readonly aliases: readonly string[];
  readonly constants?: Readonly<Record<string, KernelConstant>>;
  /** Per-channel vectors (splats) set before each series' loops: scalar formulas. */
  readonly vectors: Readonly<Record<string, string>>;
  /** At most two passes before the cell pass, each one loop (short loops overlap long exp/log chains). */
  readonly stages: readonly { readonly out: string; readonly formula: Formula }[];
  readonly cell: readonly (readonly [string, Formula])[];
  /**
   * F = f; G = coef df/da (the kernel multiplies by da/dlag when the adstock
   * carries that series); H = coef df/d log a / (a parameter), when
   * gLogNorm needs it; HD = coef df/d(the parameter outside the shift) / lnBase.
   */
  readonly outputs: { readonly F: Formula; readonly G: Formula; readonly HD: Formula; readonly H?: Formula };
  readonly reverse: {
    /** d logp / d logNorm: how the normalisation of the adstock moves the log-density. */
    readonly gLogNorm: string;
    /** Gradient per parameter alias with respect to its unconstrained value. */
    readonly grads: Readonly<Record<string, string>>;
  };
}

/**
 * An adstock's kernel table entry: the filter itself is hand-written
 * AssemblyScript (assembly/adstock.ts: a recursion or a convolution), this
 * entry says how the generated kernels call it.
 */
export interface AdstockKernel {
  readonly aliases: readonly string[];
  /** Statement run once per evaluation before the series loop (e.g. a scan of every series). */
  readonly beforeSeries?: string;
  /** Statements run per series before its stages (s, c, g, base in scope). */
  readonly perSeries?: string;
  /** Scalar formula: log of the output factor (the filter's output is a * exp(logNorm)). */
  readonly logNorm: string;
  /** Expression: where the first stage reads a (0: already clamped in pScratch32, fast mode). */
  readonly signal: string;
  /** Whether the filter stores da/dlag in pSeriesB (G is then multiplied by it per cell). */
  readonly derivativeSeries: boolean;
  /** Function writing [dotF, dotH, dotHD, dotG] of series s: called as name<M>(base, g, withH, out). */
  readonly dots: string;
  /** Gradient per parameter alias (scalar formulas), or a statement that adds them (c, s in scope). */
  readonly grads: Readonly<Record<string, string>> | string;
}

/** A saturation f(v) of the adstocked media v >= 0, with f(0) = 0. */
export interface Saturation {
  readonly name: string;
  /** The model's parameter names, in layout order. */
  readonly params: readonly string[];
  /** How many coefficients `prepare` writes. */
  readonly coefficients: number;
  /** The coefficients the functions read, from the parameter values (once per draw and channel). */
  prepare(values: ArrayLike<number>, out: Float64Array, at: number): void;
  value(v: number, k: ArrayLike<number>, at: number): number;
  /** f(v), with df/dv in slope[0] (at v = 0 taken at a tiny positive v: it is infinite there for exponents below 1). */
  valueAndSlope(v: number, k: ArrayLike<number>, at: number, slope: Float64Array): number;
  /** Phrase for captions: "a Hill curve". */
  readonly shape: string;
  readonly kernel: SaturationKernel;
}

interface AdstockBase {
  readonly name: string;
  readonly params: readonly string[];
  /** Output per unit of a constant input, once the filter has settled. */
  steadyGain(values: ArrayLike<number>, normalise: boolean): number;
  /** Share of one period's effect landing 0..L-1 periods later, normalised over the L lags shown. */
  lagShares(values: ArrayLike<number>, L: number, out: Float64Array): void;
  /** Phrase for captions. */
  readonly shape: string;
  readonly kernel: AdstockKernel;
}

/** a[t] = decay a[t-1] + x[t]; output gain * a[t]. */
export interface RecursiveAdstock extends AdstockBase {
  readonly kind: "recursive";
  decay(values: ArrayLike<number>): number;
  gain(values: ArrayLike<number>, normalise: boolean): number;
}

/** output[t] = sum_l w[l] x[t - l], l < L, weights summing to 1. */
export interface ConvolutionAdstock extends AdstockBase {
  readonly kind: "convolution";
  weights(values: ArrayLike<number>, L: number, out: Float64Array): void;
}

export type Adstock = RecursiveAdstock | ConvolutionAdstock;
