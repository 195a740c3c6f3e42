// What the media kernels share (hand-written): the kit's vector constants,
// the per-channel parameter vectors, clamps and the rows of geo g. The
// transforms' own constants are generated with their kernels
// (generated/media.ts).
import { nTp, pMu, pResid, pScratch32 } from "./layout";

// Adstock or convolution values below this count as zero: the log stays
// finite and 1/a cannot overflow. Exactly zero media gives exactly zero.
const MIN_POS: f64 = 1e-300;
// Fast mode: f32 range for the adstock value (a (1 + e^z) stays finite).
const FAST_MIN: f64 = 1e-30;
const FAST_MAX: f64 = 1e20;

// Vector constants, loaded where used (see simdmath.ts on why a table).
export const K_MIN_POS = 0;
const KC: usize = memory.data<f64>([MIN_POS, MIN_POS]);
export const K32_FAST_MIN = 0;
export const K32_FAST_MAX = 1;
const KC32: usize = memory.data<f32>([
  <f32>FAST_MIN, <f32>FAST_MIN, <f32>FAST_MIN, <f32>FAST_MIN,
  <f32>FAST_MAX, <f32>FAST_MAX, <f32>FAST_MAX, <f32>FAST_MAX,
]);

@inline
export function KIT64(i: i32): v128 {
  return v128.load(KC + (<usize>i << 4));
}

@inline
export function KIT32(i: i32): v128 {
  return v128.load(KC32 + (<usize>i << 4));
}

// The channel's parameters as vectors, written before its time loop and
// loaded inside it: V8 would otherwise keep them as scalars and re-splat them
// in the loop under register pressure. Slots 0..15 are the adstock scan's,
// 16..31 the generated kernels'.
const PV: usize = memory.data(32 << 4, 16);

@inline
export function setPV(i: i32, v: f64): void {
  v128.store(PV + (<usize>i << 4), f64x2.splat(v));
}

@inline
export function setPV32(i: i32, v: f64): void {
  v128.store(PV + (<usize>i << 4), f32x4.splat(<f32>v));
}

@inline
export function P(i: i32): v128 {
  return v128.load(PV + (<usize>i << 4));
}

/** Where a model's reverse pass finds [dotF, dotH, dotHD, dotG] of the series. */
export const DOTS: usize = memory.data(4 << 3, 16);

/** Where a lift test's kernel leaves d lp / d coef of its series (assembly/lift.ts). */
export const LIFT_DOT: usize = memory.data(8, 8);

@inline
export function splat(v: f64): v128 {
  return f64x2.splat(v);
}

@inline
export function clamp(v: v128, lo: v128, hi: v128): v128 {
  return f64x2.pmin(f64x2.pmax(v, lo), hi);
}

@inline
export function clamp32(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** Geo g's row of mu (the national model has one, g = 0). */
@inline
export function muRow(g: i32): usize {
  return pMu + ((<usize>g * <usize>nTp) << 3);
}

/** Geo g's row of the residual (y - mu) / sigma^2. */
@inline
export function residRow(g: i32): usize {
  return pResid + ((<usize>g * <usize>nTp) << 3);
}

/** Geo g's row of the fast mode's f32 residual. */
@inline
export function resid32Row(g: i32): usize {
  return pScratch32 + ((<usize>g * <usize>nTp) << 2);
}
