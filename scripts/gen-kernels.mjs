// Generates assembly/generated/media.ts, the media kernels of every model,
// from the transform table (src/model/transforms/): per saturation its
// stage passes and cell pass unrolled for f64x2 (four cells of two rows per
// iteration) and f32x4 (two cells of four rows), per model the forward and
// reverse passes that compose its adstock and saturation. Run by
// `npm run build:wasm` before asc; the output is not committed.
// See assembly/README.md for the table format and the kernels' structure.
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { liftDispatch, liftFunction } from "./gen-lift.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The table, bundled from its TypeScript (type imports only) and imported. */
async function loadTable() {
  const out = await build({
    entryPoints: [join(root, "src/model/transforms/index.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "error",
  });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

// ---------------------------------------------------------------------------
// Constants and per-channel vectors

/** Transform constants: f64 pairs (slot per distinct value) and f32 quads. */
class Constants {
  f64 = [];
  f32 = [];
  slot64(v) {
    let i = this.f64.findIndex((x) => Object.is(x, v));
    if (i < 0) i = this.f64.push(v) - 1;
    return i;
  }
  slot32(v) {
    const r = Math.fround(v);
    let i = this.f32.findIndex((x) => Object.is(x, r));
    if (i < 0) i = this.f32.push(r) - 1;
    return i;
  }
  /** A constant { exact, accurate, fast } as lane code. */
  ref(c, lane) {
    if (lane === "f32") return `KS32(${this.slot32(c.fast)})`;
    const e = this.slot64(c.exact);
    const a = this.slot64(c.accurate);
    return e === a ? `KS64(${e})` : `KS64(isExact<M>() ? ${e} : ${a})`;
  }
  emit() {
    const num = (v) => (Number.isInteger(v) ? `${v}.0` : String(v));
    return [
      `const KS: usize = memory.data<f64>([${this.f64.map((v) => `${num(v)}, ${num(v)}`).join(", ")}]);`,
      `const KS_32: usize = memory.data<f32>([${this.f32.map((v) => Array(4).fill(`<f32>${num(v)}`).join(", ")).join(", ")}]);`,
      "@inline function KS64(i: i32): v128 {\n  return v128.load(KS + (<usize>i << 4));\n}",
      "@inline function KS32(i: i32): v128 {\n  return v128.load(KS_32 + (<usize>i << 4));\n}",
    ].join("\n");
  }
}

const constants = new Constants();
/** The kit's own constants (assembly/kernelKit.ts). */
const KIT = { MIN_POS: { f64: "KIT64(K_MIN_POS)" }, FAST_MIN: { f32: "KIT32(K32_FAST_MIN)" }, FAST_MAX: { f32: "KIT32(K32_FAST_MAX)" } };

/** Per-channel vector slots (f64 copy and f32 copy) of kernelKit.ts's PV block, from 16 up (below: the adstock scan's). */
const vectorSlots = new Map();
function vectorSlot(name) {
  if (!vectorSlots.has(name)) vectorSlots.set(name, 16 + 2 * vectorSlots.size);
  if (vectorSlots.get(name) > 30) throw new Error(`too many per-channel vectors (kernelKit.ts PV holds 32 slots)`);
  return vectorSlots.get(name);
}

// ---------------------------------------------------------------------------
// Vector formulas

const OPS = { "+": "add", "-": "sub", "*": "mul", "/": "div" };

/**
 * Lane code of a vector formula for cell i. scope.local(name) gives a local's
 * code (or undefined), scope.constants the saturation's named constants.
 */
function vec(tree, lane, i, scope) {
  const t = lane === "f64" ? "f64x2" : "f32x4";
  const constOf = (node) => {
    if (node.num !== undefined) return { exact: node.num, accurate: node.num, fast: node.num };
    if (node.name && scope.constants[node.name] !== undefined) {
      const c = scope.constants[node.name];
      return typeof c === "number" ? { exact: c, accurate: c, fast: c } : c;
    }
    if (node.neg) {
      const c = constOf(node.neg);
      return c && { exact: -c.exact, accurate: -c.accurate, fast: -c.fast };
    }
    return undefined;
  };
  const c = constOf(tree);
  if (c) return constants.ref(c, lane);
  if (tree.name) {
    const local = scope.local(tree.name, i);
    if (local) return local;
    if (KIT[tree.name]?.[lane]) return KIT[tree.name][lane];
    if (scope.vectors.has(tree.name)) return `P(${vectorSlot(tree.name) + (lane === "f32" ? 1 : 0)})`;
    throw new Error(`unknown name "${tree.name}" in a vector formula`);
  }
  if (tree.neg) return `${t}.neg(${vec(tree.neg, lane, i, scope)})`;
  if (tree.op) {
    const code = `${t}.${OPS[tree.op]}(${vec(tree.l, lane, i, scope)}, ${vec(tree.r, lane, i, scope)})`;
    // A product already held in a local (see cellBody: BETA F) is read, not recomputed.
    return scope.held?.get(code) ?? code;
  }
  if (tree.call) {
    const a = tree.args.map((x) => vec(x, lane, i, scope));
    const fn = {
      log: lane === "f64" ? `vlogb<M>(${a[0]})` : `flog2(${a[0]})`,
      exp: lane === "f64" ? `vexpb<M>(${a[0]})` : `fexp2(${a[0]})`,
      clamp: lane === "f64" ? `clamp(${a[0]}, ${a[1]}, ${a[2]})` : `clamp32(${a[0]}, ${a[1]}, ${a[2]})`,
      max: `${t}.pmax(${a[0]}, ${a[1]})`,
      min: `${t}.pmin(${a[0]}, ${a[1]})`,
      mask: `v128.and(${a[0]}, pos${i})`,
    }[tree.call];
    if (!fn) throw new Error(`unknown function "${tree.call}" in a vector formula`);
    return fn;
  }
  throw new Error(`ternaries are for scalar formulas only`);
}

// ---------------------------------------------------------------------------
// Scalar formulas (per-channel setup and the reverse pass's chain rule)

/** Unconstrained index of a transform parameter: the adstock's first, then the saturation's (layout order). */
function paramIndex(model, alias) {
  const A = model.adstock.kernel.aliases;
  const S = model.saturation.kernel.aliases;
  if (A.includes(alias) && S.includes(alias)) throw new Error(`"${alias}" names a parameter of both ${model.adstock.name} and ${model.saturation.name}`);
  const k = A.includes(alias) ? A.indexOf(alias) : S.includes(alias) ? A.length + S.indexOf(alias) : -1;
  if (k < 0) throw new Error(`unknown name "${alias}" in a scalar formula of ${model.adstock.name} x ${model.saturation.name}`);
  if (k >= 4) throw new Error(`the core has four transform parameter blocks (layout.ts offTransform1..4); "${alias}" is the ${k + 1}th`);
  return `offTransform${k + 1} + c`;
}

const ARRAYS = { log: "pLogValue", log1m: "pLog1mValue", d: "pDValue", dlog: "pDLogValue", dlog1m: "pDLog1mValue" };
const LOCALS = new Set(["coef", "logNorm", "logSum", "dotF", "dotH", "dotHD", "dotG", "gLogNorm"]);

function scalar(tree, model) {
  const index = (node) => {
    if (!node.name) throw new Error(`functions of parameters take a parameter name`);
    return node.name === "coef" ? "offMedia + s" : paramIndex(model, node.name);
  };
  if (tree.num !== undefined) return Number.isInteger(tree.num) ? `${tree.num}.0` : String(tree.num);
  if (tree.name) {
    if (LOCALS.has(tree.name)) return tree.name;
    if (tree.name === "lnBase") return "lnBase<M>()";
    if (tree.name === "normalise") return "normaliseAdstock";
    return `f64At(pValue, ${paramIndex(model, tree.name)})`;
  }
  if (tree.neg) return `-${scalar(tree.neg, model)}`;
  if (tree.op) return `(${scalar(tree.l, model)} ${tree.op} ${scalar(tree.r, model)})`;
  if (tree.cond) return `(${scalar(tree.cond, model)} ? ${scalar(tree.yes, model)} : ${scalar(tree.no, model)})`;
  if (tree.call && ARRAYS[tree.call]) return `f64At(${ARRAYS[tree.call]}, ${index(tree.args[0])})`;
  // exp of any scalar (e.g. exp(logNorm), the adstock's output factor).
  if (tree.call === "exp") return `Math.exp(${scalar(tree.args[0], model)})`;
  throw new Error(`unknown function "${tree.call}" in a scalar formula`);
}

// ---------------------------------------------------------------------------
// Unrolled passes

/** Cells per 8-row iteration, and the byte offset of cell i in f64 rows and in the lane type's rows. */
const CELLS = { f64: 4, f32: 2 };
const rowOff = (lane, i) => (lane === "f64" ? `off + ${16 * i}` : `off4 + ${16 * i}`);

/** Statements: `const name{i} = expr{i}` for every cell. */
function each(lane, name, expr) {
  return Array.from({ length: CELLS[lane] }, (_, i) => `const ${name}${i} = ${expr(i)};`);
}

const SCRATCH = ["pScratchY", "pScratchE"];

function satScope(sat, defined) {
  return {
    constants: sat.kernel.constants ?? {},
    vectors: new Set(["BETA", ...Object.keys(sat.kernel.vectors)]),
    local: (name, i) => (defined.has(name) ? `${name}${i}` : undefined),
  };
}

/**
 * One stage pass of a saturation in one lane type: the loop body. In f64 the
 * inputs are loaded inside each cell's expression, so that cell by cell a
 * load follows the previous cell's exp or log (in the exact mode those are
 * calls, and values loaded ahead would be kept across them); in f32 (no
 * calls) every load comes first.
 */
function stageBody(sat, k, lane, fromKit) {
  const stage = sat.kernel.stages[k];
  const tree = parseFormula(formulaFor(stage.formula, lane));
  if (calls(tree, "mask")) throw new Error(`${sat.name}: mask() belongs in the cell pass`);
  const reads = namesIn(tree);
  const inputs = new Map();
  if (reads.has("a")) {
    if (lane === "f64") inputs.set("a", (i) => `f64x2.pmax(v128.load(src + ${rowOff(lane, i)}), ${KIT.MIN_POS.f64})`);
    else if (k === 0 && !fromKit) inputs.set("a", (i) => `clamp32(v128.load(src + ${rowOff(lane, i)}), ${KIT.FAST_MIN.f32}, ${KIT.FAST_MAX.f32})`);
    else inputs.set("a", (i) => `v128.load(pScratch32 + ${rowOff(lane, i)})`);
  }
  sat.kernel.stages.slice(0, k).forEach((s, j) => {
    if (reads.has(s.out)) inputs.set(s.out, (i) => `v128.load(${SCRATCH[j]} + ${rowOff(lane, i)})`);
  });
  const lines = [];
  const defined = new Set();
  const scope = satScope(sat, defined);
  if (lane === "f64") scope.local = (name, i) => inputs.get(name)?.(i);
  else
    for (const [name, load] of inputs) {
      lines.push(...each(lane, name, load));
      defined.add(name);
    }
  lines.push(...each(lane, stage.out, (i) => vec(tree, lane, i, scope)));
  if (lane === "f32" && k === 0 && !fromKit && defined.has("a")) {
    lines.push(...Array.from({ length: 2 }, (_, i) => `v128.store(pScratch32 + ${rowOff(lane, i)}, a${i});`));
  }
  lines.push(...Array.from({ length: CELLS[lane] }, (_, i) => `v128.store(${SCRATCH[k]} + ${rowOff(lane, i)}, ${stage.out}${i});`));
  return lines;
}

function loop(lane, body) {
  const off = lane === "f64" ? "const off = <usize>t << 3;" : "const off4 = <usize>t << 2;";
  return [`for (let t = 0; t < nTp; t += 8) {`, `  ${off}`, ...body.map((l) => `  ${l}`), `}`];
}

function indent(lines, n) {
  return lines.map((l) => " ".repeat(n) + l);
}

function stageFunction(sat, k) {
  const name = `${sat.name}Stage${k}`;
  const arg = "src: usize";
  const fast = k === 0
    ? ["if (src == 0) {", ...indent(loop("f32", stageBody(sat, k, "f32", true)), 2), "} else {", ...indent(loop("f32", stageBody(sat, k, "f32", false)), 2), "}"]
    : loop("f32", stageBody(sat, k, "f32", false));
  return [
    `/** ${sat.name}: ${sat.kernel.stages[k].out} = ${JSON.stringify(sat.kernel.stages[k].formula)} into ${SCRATCH[k]}${k === 0 ? " (src: the signal a; fast mode, 0: already in pScratch32)" : ""}. */`,
    "@inline",
    `function ${name}<M>(${arg}): void {`,
    "  if (isFast<M>()) {",
    ...indent(fast, 4),
    "  } else {",
    ...indent(loop("f64", stageBody(sat, k, "f64", false)), 4),
    "  }",
    "}",
  ].join("\n");
}

/** The cell pass's loop body in one lane type. */
function cellBody(sat, lane) {
  const kr = sat.kernel;
  const outputs = Object.entries(kr.outputs).map(([k, f]) => [k, parseFormula(formulaFor(f, lane))]);
  const cells = kr.cell.map(([n, f]) => [n, parseFormula(formulaFor(f, lane))]);
  const reads = new Set();
  for (const [, t] of [...outputs, ...cells]) namesIn(t, reads);
  const usesMask = [...outputs, ...cells].some(([, t]) => calls(t, "mask"));
  const defined = new Set();
  const scope = satScope(sat, defined);
  const lines = [];
  const o = (i) => rowOff(lane, i);
  if (lane === "f64") {
    if (reads.has("a") || usesMask) lines.push(...each(lane, "araw", (i) => `v128.load(sa + ${o(i)})`));
  } else if (reads.has("a") || usesMask) {
    lines.push(...each(lane, "a", (i) => `v128.load(pScratch32 + ${o(i)})`));
    defined.add("a");
  }
  kr.stages.forEach((s, j) => {
    if (!reads.has(s.out)) return;
    lines.push(...each(lane, s.out, (i) => `v128.load(${SCRATCH[j]} + ${o(i)})`));
    defined.add(s.out);
  });
  if (lane === "f64") {
    lines.push(...each(lane, "m", (i) => `v128.load(pMu + ${o(i)})`));
    if (usesMask) lines.push(...each(lane, "pos", (i) => `f64x2.ge(araw${i}, ${KIT.MIN_POS.f64})`));
    if (reads.has("a")) {
      lines.push(...each(lane, "a", (i) => `f64x2.pmax(araw${i}, ${KIT.MIN_POS.f64})`));
      defined.add("a");
    }
  } else {
    lines.push(...each(lane, "m", (i) => `v128.load(pMu + off + ${32 * i})`));
    lines.push(...each(lane, "n", (i) => `v128.load(pMu + off + ${32 * i + 16})`));
    if (usesMask) lines.push(...each(lane, "pos", (i) => `f32x4.gt(a${i}, ${KIT.FAST_MIN.f32})`));
  }
  for (const [n, t] of cells) {
    lines.push(...each(lane, n, (i) => vec(t, lane, i, scope)));
    defined.add(n);
  }
  const out = Object.fromEntries(outputs.map(([k, t]) => [k, (i) => vec(t, lane, i, scope)]));
  const mul = lane === "f64" ? "f64x2.mul" : "f32x4.mul";
  // F: a cell name, or its own local.
  const fTree = outputs.find(([k]) => k === "F")[1];
  const F = "name" in fTree && defined.has(fTree.name) ? (i) => `${fTree.name}${i}` : (i) => `outF${i}`;
  if (F(0) === "outF0") lines.push(...each(lane, "outF", out.F));
  const beta = `P(${vectorSlot("BETA")})`;
  if (lane === "f64") {
    // coef F feeds mu; an output that needs it reads it from the local.
    lines.push(...each(lane, "bF", (i) => `f64x2.mul(${beta}, ${F(i)})`));
    scope.held = new Map(Array.from({ length: 4 }, (_, i) => [`f64x2.mul(${beta}, ${F(i)})`, `bF${i}`]));
  }
  for (let i = 0; i < CELLS[lane]; i++) {
    const gi = out.G(i);
    lines.push(`v128.store(cellG + ${o(i)}, withB ? ${mul}(${gi}, v128.load(sb + ${o(i)})) : ${gi});`);
    lines.push(`v128.store(cellHD + ${o(i)}, ${out.HD(i)});`);
    if (out.H) lines.push(`v128.store(cellH + ${o(i)}, ${out.H(i)});`);
  }
  if (lane === "f64") {
    for (let i = 0; i < 4; i++) {
      lines.push(`v128.store(sat + ${o(i)}, ${F(i)});`);
      lines.push(`v128.store(pMu + ${o(i)}, f64x2.add(m${i}, bF${i}));`);
    }
  } else {
    // F also in f64: it feeds mu and is exported.
    for (let i = 0; i < 2; i++) {
      lines.push(`v128.store(sat32 + ${o(i)}, ${F(i)});`);
      lines.push(`const lo${i} = promoteLo(${F(i)});`, `const hi${i} = promoteHi(${F(i)});`);
      lines.push(`v128.store(sat + off + ${32 * i}, lo${i});`, `v128.store(sat + off + ${32 * i + 16}, hi${i});`);
      lines.push(`v128.store(pMu + off + ${32 * i}, f64x2.add(m${i}, f64x2.mul(${beta}, lo${i})));`);
      lines.push(`v128.store(pMu + off + ${32 * i + 16}, f64x2.add(n${i}, f64x2.mul(${beta}, hi${i})));`);
    }
  }
  return lines;
}

function cellFunction(sat) {
  return [
    `/** ${sat.name}: the cell pass, F, H, HD, G per cell (f32 in the fast mode, F also f64), and coef F into mu. */`,
    "@inline",
    `function ${sat.name}Cells<M>(base: usize, withB: bool, pMu: usize): void {`,
    "  const sa = pSeriesA + base;",
    "  const sb = pSeriesB + base;",
    "  const sat = pSat + base;",
    "  const sat32 = pSat32 + base;",
    "  const cellH = pCellH + base;",
    "  const cellHD = pCellHD + base;",
    "  const cellG = pCellG + base;",
    "  if (isFast<M>()) {",
    ...indent(loop("f32", ["const off = off4 << 1;", ...cellBody(sat, "f32")]), 4),
    "  } else {",
    ...indent(loop("f64", cellBody(sat, "f64")), 4),
    "  }",
    "}",
  ].join("\n");
}

// ---------------------------------------------------------------------------
// Per model: forward and reverse

/** A function looping over the media series s (channel c, geo g, byte offset base). */
function seriesFunction(doc, name, before, body) {
  return [
    `/** ${doc} */`,
    `function ${name}<M>(): void {`,
    ...before.map((l) => `  ${l}`),
    "  for (let s = 0; s < nS; s++) {",
    "    const c = s / nG;",
    "    const g = s - c * nG;",
    "    const base = <usize>s * seriesStride;",
    ...indent(body, 4),
    "  }",
    "}",
  ].join("\n");
}

function modelForward(name, model) {
  const { adstock, saturation: sat } = model;
  const ak = adstock.kernel;
  const setup = [["BETA", "coef"], ...Object.entries(sat.kernel.vectors)].flatMap(([v, f]) => {
    const slot = vectorSlot(v);
    return [`const v${v} = ${scalar(parseFormula(f), model)};`, `setPV(${slot}, v${v});`, `setPV32(${slot + 1}, v${v});`];
  });
  const stages = sat.kernel.stages.map((_, k) => `${sat.name}Stage${k}<M>(src);`);
  return seriesFunction(
    `${name} forward: ${adstock.name} adstock, then ${sat.name} saturation; adds coef f into mu.`,
    `${name}Forward`,
    ak.beforeSeries ? [ak.beforeSeries] : [],
    [
      ...(ak.perSeries ? [ak.perSeries] : []),
      "const coef = f64At(pValue, offMedia + s);",
      `const logNorm = ${scalar(parseFormula(ak.logNorm), model)};`,
      `const src: usize = ${ak.signal};`,
      ...setup,
      ...stages,
      `${sat.name}Cells<M>(base, ${ak.derivativeSeries}, muRow(g));`,
    ],
  );
}

function modelReverse(name, model) {
  const { adstock, saturation: sat } = model;
  const ak = adstock.kernel;
  const rev = sat.kernel.reverse;
  const grads = (table) =>
    Object.entries(table).map(([alias, f]) => `addGrad(${paramIndex(model, alias)}, ${scalar(parseFormula(f), model)});`);
  const adstockGrads = typeof ak.grads === "string" ? [ak.grads] : grads(ak.grads);
  return seriesFunction(
    `${name} reverse: the media part of the gradient (after the forward pass and the residual).`,
    `${name}Reverse`,
    ["const ln = lnBase<M>(); // HD holds the log term in the mode's base"],
    [
      "roiSeries<M>(s); // ROI priors: this series' residual (assembly/roi.ts)",
      `${ak.dots}<M>(base, g, ${sat.kernel.outputs.H !== undefined}, DOTS);`,
      "const dotF = load<f64>(DOTS);",
      "const dotH = load<f64>(DOTS, 8);",
      "const dotHD = load<f64>(DOTS, 16) * ln;",
      "const dotG = load<f64>(DOTS, 24);",
      "const coef = f64At(pValue, offMedia + s);",
      "addGrad(offMedia + s, dotF * f64At(pDValue, offMedia + s));",
      `const gLogNorm = ${scalar(parseFormula(rev.gLogNorm), model)};`,
      ...grads(rev.grads),
      ...adstockGrads,
    ],
  );
}

/** The hand-written filters the table's adstock entries call (every export of assembly/adstock.ts). */
function adstockExports() {
  return [...readFileSync(join(root, "assembly/adstock.ts"), "utf8").matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
}

// ---------------------------------------------------------------------------

const table = await loadTable();
const { formulaFor, namesIn, parseFormula, calls } = table;
// One kernel per code (models with the same adstock and saturation kernels
// share one); names as identifiers ("geometric+logistic" -> geometric_logistic).
const byCode = new Map();
for (const [name, m] of Object.entries(table.MODEL_TRANSFORMS)) if (!byCode.has(m.code)) byCode.set(m.code, [name.replace(/\W/g, "_"), m]);
const models = [...byCode.values()];
const saturations = [...new Map(models.map(([, m]) => [m.saturation.name, m.saturation])).values()];
const parts = [];
for (const sat of saturations) {
  if (sat.kernel.stages.length > 2) throw new Error(`${sat.name}: at most two stages (two scratch rows)`);
  sat.kernel.stages.forEach((_, k) => parts.push(stageFunction(sat, k)));
  parts.push(cellFunction(sat));
}
for (const [name, m] of models) parts.push(modelForward(name, m), modelReverse(name, m));
const liftTools = { vec, scalar, parseFormula, formulaFor, paramIndex, vectorSlot, satScope, KIT };
for (const [name, m] of models) parts.push(liftFunction(name, m, liftTools));
parts.push(liftDispatch(models));
const dispatch = (what) =>
  [
    `/** The media ${what} pass of the configured model (layout.ts modelKind). */`,
    `export function media${what}<M>(): void {`,
    ...models.map(([name, m], i) => `  ${i ? "else " : ""}if (modelKind == ${m.code}) ${name}${what}<M>();`),
    "}",
  ].join("\n");
parts.push(dispatch("Forward"), dispatch("Reverse"));

const header = `// GENERATED by scripts/gen-kernels.mjs from src/model/transforms/: do not edit.
// The media kernels of every model (assembly/README.md).
import { fexp2, flog2, isExact, isFast, lnBase, promoteHi, promoteLo, vexpb, vlogb } from "../simdmath";
import { modelKind, nS, nG, nTp, normaliseAdstock, offMedia, offTransform1, offTransform2, offTransform3, offTransform4, pCellG, pCellH, pCellHD, pDLog1mValue, pDLogValue, pDValue, pLog1mValue, pLogValue, pSat, pSat32, pScratch32, pScratchE, pScratchY, pSeriesA, pSeriesB, pValue, seriesStride } from "../layout";
import { addGrad, f64At, hsum } from "../access";
import { roiSeries } from "../roi";
import { DOTS, LIFT_DOT, K32_FAST_MAX, K32_FAST_MIN, K_MIN_POS, KIT32, KIT64, P, clamp, clamp32, muRow, setPV, setPV32 } from "../kernelKit";
import { ${adstockExports().join(", ")} } from "../adstock";
`;
// Constants last: the passes above registered them.
const text = [header, constants.emit(), ...parts].join("\n\n") + "\n";
const outDir = join(root, "assembly/generated");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "media.ts"), text);
console.log(`gen-kernels: assembly/generated/media.ts (${models.length} models, ${saturations.length} saturations)`);
