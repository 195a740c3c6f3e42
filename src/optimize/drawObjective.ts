// Turns per-draw KPIs and their gradients into the one number the optimizer
// maximises: their mean, or their CVaR_alpha (the mean of the worst alpha
// fraction). CVaR follows Rockafellar and Uryasev,
//   CVaR(R) = max_eta  eta - E[(eta - R)_+] / alpha,
// with the hinge smoothed as tau * softplus(./tau) so the optimizer sees a
// smooth function; eta is eliminated by solving its first-order condition
// (mean of sigmoid((eta - R_k)/tau) = alpha) exactly, and by the envelope
// theorem the gradient is a weighted mean of the draws' gradients whose
// weights tend, as tau -> 0, to the R-U subgradient (1/alpha on the draws
// below the alpha-quantile, 0 above).

/** Mean over draws; grad ([C]) = mean of the draws' gradients ([n][C]). */
export function meanOverDraws(values: Float64Array, grads: Float64Array | undefined, C: number, grad?: Float64Array): number {
  const n = values.length;
  let s = 0;
  for (let k = 0; k < n; k++) s += values[k];
  if (grad && grads) {
    grad.fill(0);
    for (let k = 0; k < n; k++) for (let c = 0; c < C; c++) grad[c] += grads[k * C + c] / n;
  }
  return s / n;
}

/** Empirical CVaR_alpha: mean of the lowest alpha*n values, the boundary value counted fractionally. */
export function empiricalCvar(values: ArrayLike<number>, alpha: number): number {
  const sorted = Float64Array.from(values).sort();
  const m = alpha * sorted.length;
  const full = Math.floor(m);
  let s = 0;
  for (let i = 0; i < full && i < sorted.length; i++) s += sorted[i];
  if (full < sorted.length) s += (m - full) * sorted[full];
  return s / m;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Smoothed CVaR_alpha of values (per draw) at temperature tau, and its
 * gradient from the draws' gradients.
 */
export function smoothedCvar(values: Float64Array, grads: Float64Array | undefined, C: number, alpha: number, tau: number, grad?: Float64Array): number {
  const n = values.length;
  const target = alpha * n;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    lo = Math.min(lo, values[k]);
    hi = Math.max(hi, values[k]);
  }
  lo -= 40 * tau;
  hi += 40 * tau;
  // Safeguarded Newton on F(eta) = sum sigmoid((eta - v)/tau) - alpha n, increasing in eta.
  let eta = 0.5 * (lo + hi);
  for (let it = 0; it < 200; it++) {
    let F = -target;
    let dF = 0;
    for (let k = 0; k < n; k++) {
      const s = sigmoid((eta - values[k]) / tau);
      F += s;
      dF += (s * (1 - s)) / tau;
    }
    if (F > 0) hi = eta;
    else lo = eta;
    if (Math.abs(F) <= 1e-12 * n || hi - lo <= 1e-15 * (Math.abs(eta) + tau)) break;
    const newton = dF > 0 ? eta - F / dF : NaN;
    eta = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
  }
  let penalty = 0;
  if (grad) grad.fill(0);
  for (let k = 0; k < n; k++) {
    const z = (eta - values[k]) / tau;
    penalty += tau * softplus(z);
    if (grad && grads) {
      const w = sigmoid(z) / target;
      for (let c = 0; c < C; c++) grad[c] += w * grads[k * C + c];
    }
  }
  return eta - penalty / target;
}
