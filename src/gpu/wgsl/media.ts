// WGSL: the media transform of one channel, forward (adds coef * f into mu)
// and reverse (dot products of the residual r = (y - mu) / sigma^2 with the
// cells, then the chain rule to the unconstrained parameters). The
// saturation's cell and chain rule come from the transform table
// (model/transforms/, the same entries the WebAssembly kernels are generated
// from, in f32 with natural exp and log); the adstock filters are written
// here, as in assembly/adstock.ts. The reverse pass recomputes the forward
// cells instead of storing them, so the per-chain memory stays O(T). In the
// geo program (geo.ts) they run once per (channel, geo): media(t, c) and
// coefIdx(c) read the current geo's series and coefficient, the transform's
// parameters are the channel's and their gradients add up over the geos.
// channelIntoMu, s1c and wIdx (program.ts) place a channel's contribution,
// d/dconv and weights: shared rows when one invocation walks the channels in
// turn, the channel's own when lanes run channels at once.

import type { ModelName } from "../../model/structure.js";
import { formulaFor, parseFormula, transformsOf, type FormulaTree } from "../../model/transforms/index.js";
import type { Adstock, Saturation } from "../../model/transforms/index.js";
import type { KernelConstant } from "../../model/transforms/types.js";
import { maskedSumWgsl, roiCellSums, ROI_ACCESSORS, ROI_ADJUST, ROI_FLUSH, ROI_SUMS } from "./roi.js";

// Partial sums over blocks of 32 rows, then across blocks: the f32 rounding
// error grows with about 32 + T/32 terms rather than T.
const FLUSH = "(t & 31u) == 31u";

/** A WGSL f32 literal. */
function literal(v: number): string {
  const s = String(Math.fround(v));
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A table constant in WGSL's units: the fast mode's base-2 f32 range, in natural log units. */
function constantValue(c: KernelConstant): number {
  return typeof c === "number" ? c : c.fast * Math.LN2;
}

/** WGSL expression of a formula; `name` resolves the names. */
function wgsl(tree: FormulaTree, name: (n: string) => string, call?: (fn: string, args: readonly FormulaTree[]) => string | undefined): string {
  const w = (t: FormulaTree) => wgsl(t, name, call);
  if ("num" in tree) return literal(tree.num);
  if ("name" in tree) return name(tree.name);
  if ("neg" in tree) return `-(${w(tree.neg)})`;
  if ("op" in tree) return `(${w(tree.l)} ${tree.op} ${w(tree.r)})`;
  if ("cond" in tree) return `select(${w(tree.no)}, ${w(tree.yes)}, ${w(tree.cond)})`;
  const custom = call?.(tree.call, tree.args);
  if (custom !== undefined) return custom;
  if (tree.call === "mask") return w(tree.args[0]); // zero signals return before the cell (satCell)
  if (!["log", "exp", "clamp", "max", "min"].includes(tree.call)) throw new Error(`unknown function "${tree.call}" in a kernel formula`);
  return `${tree.call}(${tree.args.map(w).join(", ")})`;
}

/** The saturation's per-channel vectors, in the order satCell takes them after a and b. */
function vectorNames(sat: Saturation): string[] {
  return ["BETA", ...Object.keys(sat.kernel.vectors)];
}

/** fn satCell(a, b, vectors...) -> Cell: the stages, the cell and the outputs of the saturation, G times b. */
function satCellWgsl(sat: Saturation): string {
  const k = sat.kernel;
  const consts = k.constants ?? {};
  const local = (n: string) => {
    if (consts[n] !== undefined) return literal(constantValue(consts[n]));
    return `t_${n}`;
  };
  const expr = (f: Parameters<typeof formulaFor>[0]) => wgsl(parseFormula(formulaFor(f, "f32")), local);
  const lines = [
    ...k.stages.map((s) => `  let t_${s.out} = ${expr(s.formula)};`),
    ...k.cell.map(([n, f]) => `  let t_${n} = ${expr(f)};`),
  ];
  const h = k.outputs.H !== undefined ? expr(k.outputs.H) : "0.0";
  return `
fn satCell(t_a: f32, b: f32, ${vectorNames(sat).map((v) => `t_${v}: f32`).join(", ")}) -> Cell {
  if (!(t_a >= TINY)) {
    return Cell(0.0, 0.0, 0.0, 0.0);
  }
${lines.join("\n")}
  return Cell(${expr(k.outputs.F)}, ${h}, ${expr(k.outputs.HD)}, ${expr(k.outputs.G)} * b);
}
`;
}

/** Scalar formulas of one model: parameters by alias (the adstock's first, then the saturation's: layout order). */
function scalarWgsl(adstock: Adstock, sat: Saturation) {
  const A = adstock.kernel.aliases;
  const S = sat.kernel.aliases;
  const index = (alias: string): string => {
    if (alias === "coef") return "coefIdx(c)";
    const k = A.includes(alias) ? A.indexOf(alias) : S.includes(alias) ? A.length + S.indexOf(alias) : -1;
    if (k < 0 || k > 3) throw new Error(`no transform parameter block for "${alias}"`);
    return `U.offT${k + 1} + c`;
  };
  const FIELDS: Record<string, string> = { log: "logx", log1m: "log1mx", d: "dx", dlog: "dlogx", dlog1m: "dlog1mx" };
  const LOCALS = new Set(["logNorm", "logSum", "dotF", "dotH", "dotHD", "dotG", "gLogNorm"]);
  const name = (n: string) =>
    LOCALS.has(n) ? n : n === "lnBase" ? "1.0" : n === "normalise" ? "(U.normalise != 0u)" : `xv(${index(n)})`;
  const call = (fn: string, args: readonly FormulaTree[]) => {
    if (!FIELDS[fn]) return undefined;
    const arg = args[0];
    if (!("name" in arg)) throw new Error(`${fn}() takes a parameter name`);
    return `el(${index(arg.name)}).${FIELDS[fn]}`;
  };
  const formula = (f: string) => wgsl(parseFormula(f), name, call);
  const grads = (table: Readonly<Record<string, string>>) =>
    Object.entries(table).map(([alias, f]) => `  addG(${index(alias)}, ${formula(f)});`);
  return { formula, grads };
}

/** Per-channel setup: logNorm, the vectors satCell takes, and the argument list to pass them. */
function setupWgsl(adstock: Adstock, sat: Saturation, logNorm: string) {
  const { formula } = scalarWgsl(adstock, sat);
  const vectors: [string, string][] = [["BETA", "coef"], ...Object.entries(sat.kernel.vectors)];
  const lines = [`  let logNorm = ${logNorm};`, ...vectors.map(([v, f]) => `  let t_${v} = ${formula(f)};`)];
  return { lines: lines.join("\n"), args: vectorNames(sat).map((v) => `t_${v}`).join(", ") };
}

/**
 * The reverse pass's chain rule after the sums sF, sH, sD, sG (adstock grads
 * appended by the caller); with ROI priors the slot is the roi, whose
 * gradient roiLambda added (roi.ts).
 */
function chainRuleWgsl(adstock: Adstock, sat: Saturation, roi: boolean): string {
  const { formula, grads } = scalarWgsl(adstock, sat);
  return [
    "  let dotF = sF;",
    "  let dotH = sH;",
    "  let dotHD = sD;",
    "  let dotG = sG;",
    ...(roi ? [] : ["  addG(coefIdx(c), dotF * el(coefIdx(c)).dx);"]),
    `  let gLogNorm = ${formula(sat.kernel.reverse.gLogNorm)};`,
    ...grads(sat.kernel.reverse.grads),
  ].join("\n");
}

const SUMS = `
  var sF = 0.0; var sH = 0.0; var sD = 0.0; var sG = 0.0;
  var pF = 0.0; var pH = 0.0; var pD = 0.0; var pG = 0.0;`;
const FLUSH_SUMS = `
    if (${FLUSH}) {
      sF += pF; sH += pH; sD += pD; sG += pG;
      pF = 0.0; pH = 0.0; pD = 0.0; pG = 0.0;
    }`;

/** Geometric adstock: a = lag a + x, b = da/dlag = lag b + a (before the update). */
function geometricWgsl(adstock: Adstock, sat: Saturation, roi: boolean): string {
  const { lines, args } = setupWgsl(adstock, sat, "select(0.0, el(U.offT1 + c).log1mx, U.normalise != 0u)");
  const { grads } = scalarWgsl(adstock, sat);
  const adstockGrads = typeof adstock.kernel.grads === "string" ? [] : grads(adstock.kernel.grads);
  const loopHead = `  let lag = xv(U.offT1 + c);
  var a = 0.0;
  var b = 0.0;
  for (var t = 0u; t < U.T; t++) {
    b = lag * b + a;
    a = lag * a + media(t, c);`;
  const masked = roi ? maskedSumWgsl(lines, loopHead, `let cell = satCell(a, b, ${args});`) : "";
  return `${masked}
fn channelForward(c: u32) {${roi ? "\n  deriveCoef(c);" : ""}
${lines}
${loopHead}
    channelIntoMu(c, t, t_BETA * satCell(a, b, ${args}).f);
  }
}

fn channelReverse(c: u32) {
${lines}
  let lag = xv(U.offT1 + c);
  var a = 0.0;
  var b = 0.0;${SUMS}${roi ? ROI_SUMS : ""}
  for (var t = 0u; t < U.T; t++) {
    b = lag * b + a;
    a = lag * a + media(t, c);
    let cell = satCell(a, b, ${args});
    let r = scratch[s0(t)];
    pF += r * cell.f; pH += r * cell.h; pD += r * cell.hd; pG += r * cell.g;${FLUSH_SUMS}${roi ? roiCellSums(true) + ROI_FLUSH : ""}
  }
  sF += pF; sH += pH; sD += pD; sG += pG;${roi ? ROI_ADJUST : ""}
${chainRuleWgsl(adstock, sat, roi)}
${adstockGrads.join("\n")}
}
`;
}

/**
 * The convolution adstocks' log weights (unshifted) of channel c at lag l,
 * as assembly/adstock.ts logWeights: carryover and delayed (l - delay)^2 log
 * rate; Weibull CDF -sum_{j=1..l} (j / scale)^shape (a running sum: `acc`);
 * Weibull PDF (shape - 1) log((l + 1) / scale) - ((l + 1) / scale)^shape.
 */
const LOG_WEIGHT: Record<ConvolutionKind, string> = {
  carryover: `let d = f32(l) - p2;
    let lw = d * d * logP1;`,
  weibull_cdf: `if (l > 0u) {
      acc += exp(p2 * (log(f32(l)) - logP1));
    }
    let lw = -acc;`,
  weibull_pdf: `let lz = log(f32(l + 1u)) - logP1;
    let lw = (p2 - 1.0) * lz - exp(p2 * lz);`,
};

/**
 * d log w[l] / d(first parameter, by its log) into g1 and d log w[l] /
 * d(second: the carryover's delay by value, the Weibull's shape by its log)
 * into g2, each times gw (assembly/adstock.ts convolutionGrads).
 */
const WEIGHT_GRAD: Record<ConvolutionKind, string> = {
  carryover: `let d = f32(l) - p2;
    g1 += gw * d * d;
    g2 -= gw * 2.0 * d * logP1;`,
  weibull_cdf: `if (l > 0u) {
      let lz = log(f32(l)) - logP1;
      let kz = p2 * exp(p2 * lz);
      sumZ += kz;
      sumZL += kz * lz;
    }
    g1 += gw * sumZ;
    g2 -= gw * sumZL;`,
  weibull_pdf: `let lz = log(f32(l + 1u)) - logP1;
    let z = exp(p2 * lz);
    g1 += gw * (p2 * z - (p2 - 1.0));
    g2 += gw * p2 * lz * (1.0 - z);`,
};

type ConvolutionKind = "carryover" | "weibull_cdf" | "weibull_pdf";

/** The convolution's weights: stored shifted by their largest log (none underflows alone); returns log sum(w). */
function convolutionWeightsWgsl(kind: ConvolutionKind): string {
  return `
// Stores channel c's lag weights, shifted by their largest log so that no
// parameter value can underflow them all (the normalised output does not
// change); returns log sum(w).
fn convolutionWeights(c: u32) -> f32 {
  let logP1 = el(U.offT1 + c).logx;
  let p2 = xv(U.offT2 + c);
  var maxLog = -3.0e38;
  var acc = 0.0;
  for (var l = 0u; l < U.lags; l++) {
    ${LOG_WEIGHT[kind]}
    scratch[wIdx(c, l)] = lw;
    maxLog = max(maxLog, lw);
  }
  var sum = 0.0;
  for (var l = 0u; l < U.lags; l++) {
    let w = exp(scratch[wIdx(c, l)] - maxLog);
    scratch[wIdx(c, l)] = w;
    sum += w;
  }
  return log(sum);
}

fn convolve(t: u32, c: u32) -> f32 {
  var s = 0.0;
  let n = min(t + 1u, U.lags);
  for (var l = 0u; l < n; l++) {
    s += scratch[wIdx(c, l)] * media(t - l, c);
  }
  return s;
}
`;
}

/** A convolution adstock: conv[t] = sum_l w[l] x[t-l] over L lags, signal conv / sum(w). */
function convolutionWgsl(kind: ConvolutionKind, adstock: Adstock, sat: Saturation, roi: boolean): string {
  const { lines, args } = setupWgsl(adstock, sat, "-logSum");
  const loopHead = "  for (var t = 0u; t < U.T; t++) {";
  const masked = roi ? maskedSumWgsl(`  let logSum = convolutionWeights(c);\n${lines}`, loopHead, `let cell = satCell(convolve(t, c), 1.0, ${args});`) : "";
  // d lik / d conv[t] = r g; with ROI priors the residual is r - lambda m, known after the loop: keep g alone.
  const rg = roi ? "cell.g" : "r * cell.g";
  const rAt = roi ? " * (scratch[s0(t)] - lambda * roiMask(t))" : "";
  return `${convolutionWeightsWgsl(kind)}${masked}
fn channelForward(c: u32) {${roi ? "\n  deriveCoef(c);" : ""}
  let logSum = convolutionWeights(c);
${lines}
${loopHead}
    channelIntoMu(c, t, t_BETA * satCell(convolve(t, c), 1.0, ${args}).f);
  }
}

fn channelReverse(c: u32) {
  let logSum = convolutionWeights(c);
${lines}${SUMS}${roi ? ROI_SUMS : ""}
  for (var t = 0u; t < U.T; t++) {
    let cell = satCell(convolve(t, c), 1.0, ${args});
    let r = scratch[s0(t)];
    pF += r * cell.f; pH += r * cell.h; pD += r * cell.hd;
    // d lik / d conv[t], for the lag sums below.
    scratch[s1c(c, t)] = ${rg};${FLUSH_SUMS}${roi ? roiCellSums(false) + ROI_FLUSH : ""}
  }
  sF += pF; sH += pH; sD += pD; sG += pG;${roi ? ROI_ADJUST : ""}
${chainRuleWgsl(adstock, sat, roi)}
  // d ls[t] / d w[l] = x[t - l] / conv[t] - 1 / sum(w); the second part sums over t.
  let perSum = gLogNorm * exp(-logSum);
  let logP1 = el(U.offT1 + c).logx;
  let p2 = xv(U.offT2 + c);
  var g1 = 0.0;
  var g2 = 0.0;
  var sumZ = 0.0;
  var sumZL = 0.0;
  for (var l = 0u; l < U.lags; l++) {
    var s = 0.0;
    var part = 0.0;
    for (var t = l; t < U.T; t++) {
      part += scratch[s1c(c, t)]${rAt} * media(t - l, c);
      if (${FLUSH}) {
        s += part;
        part = 0.0;
      }
    }
    s += part;
    let gw = (s - perSum) * scratch[wIdx(c, l)];
    ${WEIGHT_GRAD[kind]}
  }
  addG(U.offT1 + c, g1 * el(U.offT1 + c).dlogx);
  addG(U.offT2 + c, g2 * el(U.offT2 + c).${kind === "carryover" ? "dx" : "dlogx"});
}
`;
}

/** The adstock filters written in WGSL, by the table's adstock name. */
const ADSTOCK_WGSL: Record<string, (adstock: Adstock, sat: Saturation, roi: boolean) => string> = {
  geometric: geometricWgsl,
  carryover: (a, s, roi) => convolutionWgsl("carryover", a, s, roi),
  delayed: (a, s, roi) => convolutionWgsl("carryover", a, s, roi),
  weibull_cdf: (a, s, roi) => convolutionWgsl("weibull_cdf", a, s, roi),
  weibull_pdf: (a, s, roi) => convolutionWgsl("weibull_pdf", a, s, roi),
};

/** The media functions of a model; with ROI priors, the derived coefficients' too (roi.ts). */
export function mediaWgsl(model: ModelName, roi = false): string {
  const { adstock, saturation } = transformsOf(model);
  const filter = ADSTOCK_WGSL[adstock.name];
  if (!filter) throw new Error(`no WGSL filter for the ${adstock.name} adstock (gpu/wgsl/media.ts)`);
  return /* wgsl */ `
struct Cell { f: f32, h: f32, hd: f32, g: f32 }
${satCellWgsl(saturation)}
${filter(adstock, saturation, roi)}${roi ? ROI_ACCESSORS : ""}`;
}
