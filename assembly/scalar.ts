// Numerically stable scalar helpers used outside the hot loops.

/** log(1 + e^u) without overflow or loss for large |u|. */
export function softplus(u: f64): f64 {
  return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

/** 1 / (1 + e^-u), accurate in both tails. */
export function logistic(u: f64): f64 {
  if (u >= 0) return 1.0 / (1.0 + Math.exp(-u));
  const e = Math.exp(u);
  return e / (1.0 + e);
}
