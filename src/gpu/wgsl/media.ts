// WGSL: the media transform of one channel, forward (adds coef * f into mu)
// and reverse (dot products of the residual r = (y - mu) / sigma^2 with the
// cells, then the chain rule to the unconstrained parameters). The
// saturation's cell and chain rule come from the transform table
// (model/transforms/, the same entries the WebAssembly kernels are generated
// from, in f32 with natural exp and log); the adstock filters are written
// here, as in assembly/adstock.ts. The reverse pass recomputes the forward
// cells instead of storing them, so the per-chain memory stays O(T).

import type { ModelName } from "../../model/structure.js";
import { formulaFor, parseFormula, transformsOf, type FormulaTree } from "../../model/transforms/index.js";
import type { Adstock, Saturation } from "../../model/transforms/index.js";
import type { KernelConstant } from "../../model/transforms/types.js";

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
    if (alias === "coef") return "U.offMedia + c";
    const k = A.includes(alias) ? A.indexOf(alias) : S.includes(alias) ? A.length + S.indexOf(alias) : -1;
    if (k < 0 || k > 2) throw new Error(`no transform parameter block for "${alias}"`);
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

/** The reverse pass's chain rule after the sums sF, sH, sD, sG (adstock grads appended by the caller). */
function chainRuleWgsl(adstock: Adstock, sat: Saturation): string {
  const { formula, grads } = scalarWgsl(adstock, sat);
  return [
    "  let dotF = sF;",
    "  let dotH = sH;",
    "  let dotHD = sD;",
    "  let dotG = sG;",
    "  addG(U.offMedia + c, dotF * el(U.offMedia + c).dx);",
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
function geometricWgsl(adstock: Adstock, sat: Saturation): string {
  const { lines, args } = setupWgsl(adstock, sat, "select(0.0, el(U.offT1 + c).log1mx, U.normalise != 0u)");
  const { grads } = scalarWgsl(adstock, sat);
  const adstockGrads = typeof adstock.kernel.grads === "string" ? [] : grads(adstock.kernel.grads);
  return `
fn channelForward(c: u32) {
${lines}
  let lag = xv(U.offT1 + c);
  var a = 0.0;
  var b = 0.0;
  for (var t = 0u; t < U.T; t++) {
    b = lag * b + a;
    a = lag * a + media(t, c);
    scratch[s0(t)] += t_BETA * satCell(a, b, ${args}).f;
  }
}

fn channelReverse(c: u32) {
${lines}
  let lag = xv(U.offT1 + c);
  var a = 0.0;
  var b = 0.0;${SUMS}
  for (var t = 0u; t < U.T; t++) {
    b = lag * b + a;
    a = lag * a + media(t, c);
    let cell = satCell(a, b, ${args});
    let r = scratch[s0(t)];
    pF += r * cell.f; pH += r * cell.h; pD += r * cell.hd; pG += r * cell.g;${FLUSH_SUMS}
  }
  sF += pF; sH += pH; sD += pD; sG += pG;
${chainRuleWgsl(adstock, sat)}
${adstockGrads.join("\n")}
}
`;
}

/** Carryover: w[l] = rate^((l - delay)^2) over L lags, conv[t] = sum_l w[l] x[t-l], signal conv / sum(w). */
function carryoverWgsl(adstock: Adstock, sat: Saturation): string {
  const { lines, args } = setupWgsl(adstock, sat, "-logSum");
  return `
// Stores channel c's lag weights w[l] = rate^((l - delay)^2), shifted by their
// largest log so that a tiny rate cannot underflow them all (the normalised
// output does not change); returns log sum(w).
fn carryoverWeights(c: u32) -> f32 {
  let logRate = el(U.offT1 + c).logx;
  let delay = xv(U.offT2 + c);
  var maxLog = -3.0e38;
  for (var l = 0u; l < U.lags; l++) {
    let d = f32(l) - delay;
    maxLog = max(maxLog, d * d * logRate);
  }
  var sum = 0.0;
  for (var l = 0u; l < U.lags; l++) {
    let d = f32(l) - delay;
    let w = exp(d * d * logRate - maxLog);
    scratch[wIdx(l)] = w;
    sum += w;
  }
  return log(sum);
}

fn convolve(t: u32, c: u32) -> f32 {
  var s = 0.0;
  let n = min(t + 1u, U.lags);
  for (var l = 0u; l < n; l++) {
    s += scratch[wIdx(l)] * media(t - l, c);
  }
  return s;
}

fn channelForward(c: u32) {
  let logSum = carryoverWeights(c);
${lines}
  for (var t = 0u; t < U.T; t++) {
    scratch[s0(t)] += t_BETA * satCell(convolve(t, c), 1.0, ${args}).f;
  }
}

fn channelReverse(c: u32) {
  let logSum = carryoverWeights(c);
${lines}${SUMS}
  for (var t = 0u; t < U.T; t++) {
    let cell = satCell(convolve(t, c), 1.0, ${args});
    let r = scratch[s0(t)];
    pF += r * cell.f; pH += r * cell.h; pD += r * cell.hd;
    // d lik / d conv[t], for the lag sums below.
    scratch[s1(t)] = r * cell.g;${FLUSH_SUMS}
  }
  sF += pF; sH += pH; sD += pD; sG += pG;
${chainRuleWgsl(adstock, sat)}
  // d ls[t] / d w[l] = x[t - l] / conv[t] - 1 / sum(w); the second part sums over t.
  let perSum = gLogNorm * exp(-logSum);
  let logRate = el(U.offT1 + c).logx;
  let delay = xv(U.offT2 + c);
  var gLogRate = 0.0;
  var gDelay = 0.0;
  for (var l = 0u; l < U.lags; l++) {
    var s = 0.0;
    var part = 0.0;
    for (var t = l; t < U.T; t++) {
      part += scratch[s1(t)] * media(t - l, c);
      if (${FLUSH}) {
        s += part;
        part = 0.0;
      }
    }
    s += part;
    let gw = (s - perSum) * scratch[wIdx(l)];
    let d = f32(l) - delay;
    gLogRate += gw * d * d;
    gDelay -= gw * 2.0 * d * logRate;
  }
  addG(U.offT1 + c, gLogRate * el(U.offT1 + c).dlogx);
  addG(U.offT2 + c, gDelay * el(U.offT2 + c).dx);
}
`;
}

/** The adstock filters written in WGSL, by the table's adstock name. */
const ADSTOCK_WGSL: Record<string, (adstock: Adstock, sat: Saturation) => string> = {
  geometric: geometricWgsl,
  carryover: carryoverWgsl,
};

export function mediaWgsl(model: ModelName): string {
  const { adstock, saturation } = transformsOf(model);
  const filter = ADSTOCK_WGSL[adstock.name];
  if (!filter) throw new Error(`no WGSL filter for the ${adstock.name} adstock (gpu/wgsl/media.ts)`);
  return /* wgsl */ `
struct Cell { f: f32, h: f32, hd: f32, g: f32 }
${satCellWgsl(saturation)}
${filter(adstock, saturation)}`;
}
