// The formula language of the kernel table entries (types.ts): numbers,
// names, + - * / with the usual precedence, left-associative (so "a * b * c"
// is (a * b) * c: generated code keeps the table's operation order exactly),
// unary minus, calls f(x, y) and `c ? x : y`. Read by scripts/gen-kernels.mjs
// (WebAssembly) and gpu/wgsl/ (WGSL).
import type { Formula } from "./types.js";

export type FormulaTree =
  | { readonly num: number }
  | { readonly name: string }
  | { readonly neg: FormulaTree }
  | { readonly op: "+" | "-" | "*" | "/"; readonly l: FormulaTree; readonly r: FormulaTree }
  | { readonly call: string; readonly args: readonly FormulaTree[] }
  | { readonly cond: FormulaTree; readonly yes: FormulaTree; readonly no: FormulaTree };

export function parseFormula(text: string): FormulaTree {
  const tokens = text.match(/\d+(?:\.\d+)?(?:e[-+]?\d+)?|[A-Za-z_][A-Za-z_0-9]*|[-+*/(),?:]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string): string => {
    const t = tokens[i++];
    if (want !== undefined && t !== want) throw new Error(`formula "${text}": expected "${want}" at token ${i}, found "${t ?? "end"}"`);
    if (t === undefined) throw new Error(`formula "${text}" ends too early`);
    return t;
  };
  const primary = (): FormulaTree => {
    const t = take();
    if (t === "(") {
      const e = ternary();
      take(")");
      return e;
    }
    if (t === "-") return { neg: primary() };
    if (/^\d/.test(t)) return { num: Number(t) };
    if (!/^[A-Za-z_]/.test(t)) throw new Error(`formula "${text}": unexpected "${t}"`);
    if (peek() !== "(") return { name: t };
    take("(");
    const args = [ternary()];
    while (peek() === ",") {
      take(",");
      args.push(ternary());
    }
    take(")");
    return { call: t, args };
  };
  const product = (): FormulaTree => {
    let e = primary();
    while (peek() === "*" || peek() === "/") e = { op: take() as "*" | "/", l: e, r: primary() };
    return e;
  };
  const sum = (): FormulaTree => {
    let e = product();
    while (peek() === "+" || peek() === "-") e = { op: take() as "+" | "-", l: e, r: product() };
    return e;
  };
  const ternary = (): FormulaTree => {
    const c = sum();
    if (peek() !== "?") return c;
    take("?");
    const yes = ternary();
    take(":");
    return { cond: c, yes, no: ternary() };
  };
  const tree = ternary();
  if (i !== tokens.length) throw new Error(`formula "${text}": unexpected "${tokens[i]}"`);
  return tree;
}

/** Every name a tree reads (function names excluded). */
export function namesIn(tree: FormulaTree, out = new Set<string>()): Set<string> {
  if ("name" in tree) out.add(tree.name);
  else if ("neg" in tree) namesIn(tree.neg, out);
  else if ("op" in tree) {
    namesIn(tree.l, out);
    namesIn(tree.r, out);
  } else if ("cond" in tree) {
    namesIn(tree.cond, out);
    namesIn(tree.yes, out);
    namesIn(tree.no, out);
  } else if ("call" in tree) for (const a of tree.args) namesIn(a, out);
  return out;
}

/** Whether a tree calls `fn`. */
export function calls(tree: FormulaTree, fn: string): boolean {
  if ("call" in tree) return tree.call === fn || tree.args.some((a) => calls(a, fn));
  if ("neg" in tree) return calls(tree.neg, fn);
  if ("op" in tree) return calls(tree.l, fn) || calls(tree.r, fn);
  if ("cond" in tree) return calls(tree.cond, fn) || calls(tree.yes, fn) || calls(tree.no, fn);
  return false;
}

/** The formula for one lane type. */
export function formulaFor(f: Formula, lane: "f64" | "f32"): string {
  return typeof f === "string" ? f : f[lane];
}
