// Small inlined accessors shared by the kernels: typed loads from the flat
// buffers, accumulation into the gradient, and a lane sum.
import { pGrad } from "./layout";

export const HALF_LOG_2PI: f64 = 0.91893853320467274178;

@inline
export function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

@inline
export function addGrad(i: i32, v: f64): void {
  const p = pGrad + (<usize>i << 3);
  store<f64>(p, load<f64>(p) + v);
}

@inline
export function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}
