// WGSL: one element of the unconstrained vector -> its constrained value,
// the logs the media code needs, its prior and log-Jacobian, and d(prior +
// Jacobian)/du; the same formulas as assembly/priors.ts, in f32. Only the
// branches of the families present are emitted.

import type { PriorName } from "../../model/priors.js";
import { FAMILY_CODE } from "../../model/priors.js";

export function elementsWgsl(families: readonly PriorName[]): string {
  const has = (f: PriorName) => families.includes(f);
  const branches: string[] = [];
  if (has("Normal")) branches.push(NORMAL_BRANCH);
  if (has("Uniform")) branches.push(UNIFORM_BRANCH);
  if (has("Beta")) branches.push(BETA_BRANCH);
  const positive = (["HalfNormal", "Gamma", "LogNormal"] as PriorName[]).filter(has);
  if (positive.length > 0) branches.push(positiveBranch(positive));
  return LOGISTIC_HELPERS + elementFunction(branches);
}

const NORMAL_BRANCH = `  if (fam == ${FAMILY_CODE.Normal}u) {
    let z = (u - a) / b;
    r.lp -= 0.5 * z * z;
    r.dlp = -z / b;
    return r;
  }`;

const UNIFORM_BRANCH = `  if (fam == ${FAMILY_CODE.Uniform}u) {
    // x = a + (b - a) p, p = logistic(u).
    let lg = logisticPair(u);
    let width = b - a;
    r.x = a + width * lg.p;
    r.dx = width * lg.p * lg.q;
    r.jac = log(width) + lg.logp + lg.logq;
    r.dlp = lg.q - lg.p;
    if (a == 0.0) {
      r.logx = log(width) + lg.logp;
      r.dlogx = lg.q;
    } else {
      r.logx = log(r.x);
      r.dlogx = r.dx / r.x;
    }
    if (b == 1.0) {
      r.log1mx = log(width) + lg.logq;
      r.dlog1mx = -lg.p;
    } else {
      let om = 1.0 - b + width * lg.q;
      r.log1mx = log(om);
      r.dlog1mx = -r.dx / om;
    }
    return r;
  }`;

const BETA_BRANCH = `  if (fam == ${FAMILY_CODE.Beta}u) {
    let lg = logisticPair(u);
    r.x = lg.p;
    r.dx = lg.p * lg.q;
    r.logx = lg.logp;
    r.dlogx = lg.q;
    r.log1mx = lg.logq;
    r.dlog1mx = -lg.p;
    r.lp += (a - 1.0) * lg.logp + (b - 1.0) * lg.logq;
    r.jac = lg.logp + lg.logq;
    // d/du of a log x + b log(1 - x): the Jacobian folded in.
    r.dlp = a * lg.q - b * lg.p;
    return r;
  }`;

/** The families on (0, inf), x = e^u: one branch, the family's prior inside. */
const POSITIVE_PRIORS: Partial<Record<PriorName, string>> = {
  HalfNormal: `    if (fam == ${FAMILY_CODE.HalfNormal}u) {
      let z = r.x / a;
      r.lp -= 0.5 * z * z;
      r.dlp = 1.0 - z * z;
    }`,
  Gamma: `    if (fam == ${FAMILY_CODE.Gamma}u) {
      r.lp += (a - 1.0) * u - b * r.x;
      r.dlp = a - b * r.x;
    }`,
  LogNormal: `    if (fam == ${FAMILY_CODE.LogNormal}u) {
      let z = (u - a) / b;
      r.lp -= 0.5 * z * z + u;
      r.dlp = -z / b; // -1 of the density and +1 of the Jacobian cancel
    }`,
};

function positiveBranch(families: readonly PriorName[]): string {
  const sub = families.map((f) => POSITIVE_PRIORS[f]!);
  return `  {
    // Positive support: x = e^u, log-Jacobian u.
    r.x = exp(u);
    r.dx = r.x;
    r.logx = u;
    r.dlogx = 1.0;
    r.jac = u;
${sub.join("\n")}
  }`;
}

/** log1p on [0, 1] and the stable logistic pair the unit-interval families use. */
const LOGISTIC_HELPERS = /* wgsl */ `
struct Lg { p: f32, q: f32, logp: f32, logq: f32 }

// log(1 + e) for e in [0, 1]: a series where log's absolute error (2^-21 in
// WGSL's accuracy rules) would swamp a small result.
fn log1pUnit(e: f32) -> f32 {
  if (e < 0.0625) {
    return e * (1.0 - e * (0.5 - e * (1.0 / 3.0 - e * (0.25 - e * (0.2 - e * (1.0 / 6.0))))));
  }
  return log(1.0 + e);
}

// p = logistic(u), q = 1 - p and their logs from one exp of -|u| (stable in both tails).
fn logisticPair(u: f32) -> Lg {
  let e = exp(-abs(u));
  let l = log1pUnit(e);
  let big = 1.0 / (1.0 + e);
  let small = e * big;
  if (u >= 0.0) {
    return Lg(big, small, -l, -u - l);
  }
  return Lg(small, big, u - l, -l);
}

`;

/** fn el(i): the element's record, with the branches of the families present. */
function elementFunction(branches: readonly string[]): string {
  return /* wgsl */ `struct El {
  x: f32, dx: f32,
  logx: f32, dlogx: f32,
  log1mx: f32, dlog1mx: f32,
  lp: f32, dlp: f32, jac: f32,
}

// Element i of this invocation's position under its dataset's prior.
fn el(i: u32) -> El {
  let u = modelU(i);
  let fam = u32(data[db + U.famOff + i]);
  let a = data[db + U.aOff + i];
  let b = data[db + U.bOff + i];
  var r = El(u, 1.0, 0.0, 0.0, 0.0, 0.0, data[db + U.cOff + i], 0.0, 0.0);
${branches.join("\n")}
  return r;
}
`;
}
