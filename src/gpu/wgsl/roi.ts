// WGSL for ROI priors (docs/roi-priors.md; the WebAssembly core's
// assembly/roi.ts): the roi block sits in the coefficient's slot, and each
// channel's coefficient is derived, coef_c = roi_c / (omega_c S_c),
// S_c = sum_{t in P} f[t, c], so that the model's ROI over the calibration
// period P is exactly roi_c. The forward pass computes S_c with one extra
// filter pass and stores coef_c over the roi's constrained value (the
// reverse pass recomputes roi from the position). The reverse pass sums the
// cells against the residual r and against the period's mask m in the same
// loop; with Lambda_c = coef_c sum_t r f and lambda_c = Lambda_c omega_c /
// roi_c, every dot is then sum (r - lambda_c m) X, which is the chain rule
// through S, and d lp / d roi_c = Lambda_c / roi_c.

/** Accessors of the packed calibration (datasetPack.ts): the mask [T] and omega [C]. */
export const ROI_ACCESSORS = /* wgsl */ `
fn roiMask(t: u32) -> f32 { return data[db + U.maskOff + t]; }
fn roiOmega(c: u32) -> f32 { return data[db + U.omegaOff + c]; }

// Channel c's derived coefficient, stored over its roi's constrained value.
fn deriveCoef(c: u32) {
  let roi = xv(U.offMedia + c);
  scratch[xIdx(U.offMedia + c)] = roi / (roiOmega(c) * channelMaskedSum(c));
}

// From the unadjusted sum_t r f: adds d lp / d u of the roi and returns lambda_c.
fn roiLambda(c: u32, sumRF: f32) -> f32 {
  let e = el(U.offMedia + c);
  let lambda = xv(U.offMedia + c) * sumRF / e.x;
  addG(U.offMedia + c, lambda * e.dx);
  return lambda * roiOmega(c);
}
`;

/** Masked partial sums beside the residual's (q: per block of 32 rows, Q: across blocks). */
export const ROI_SUMS = `
  var qF = 0.0; var qH = 0.0; var qD = 0.0; var qG = 0.0;
  var QF = 0.0; var QH = 0.0; var QD = 0.0; var QG = 0.0;`;

/** The loop body's masked sums of the cells F, H, HD (and G when `withG`). */
export function roiCellSums(withG: boolean): string {
  return `
    let m = roiMask(t);
    qF += m * cell.f; qH += m * cell.h; qD += m * cell.hd;${withG ? " qG += m * cell.g;" : ""}`;
}

export const ROI_FLUSH = `
    if ((t & 31u) == 31u) {
      QF += qF; QH += qH; QD += qD; QG += qG;
      qF = 0.0; qH = 0.0; qD = 0.0; qG = 0.0;
    }`;

/** After the loop: lambda, and the dots of (r - lambda m). */
export const ROI_ADJUST = `
  QF += qF; QH += qH; QD += qD; QG += qG;
  let lambda = roiLambda(c, sF);
  sF -= lambda * QF; sH -= lambda * QH; sD -= lambda * QD; sG -= lambda * QG;`;

/** channelMaskedSum(c): sum over the calibration rows of f, from the filter loop `loop` whose body leaves `cell`. */
export function maskedSumWgsl(setup: string, loopHead: string, cellLine: string): string {
  return `
fn channelMaskedSum(c: u32) -> f32 {
${setup}
  var s = 0.0;
  var part = 0.0;
${loopHead}
    ${cellLine}
    part += roiMask(t) * cell.f;
    if ((t & 31u) == 31u) {
      s += part;
      part = 0.0;
    }
  }
  return s + part;
}
`;
}
