// The formula language of the transform table (src/model/transforms/types.ts):
// numbers, names, + - * / with the usual precedence (left-associative, so
// "a * b * c" is (a * b) * c: the generated code keeps the table's operation
// order exactly), unary minus, calls f(x, y) and `c ? x : y`.

/** Parses one formula into a tree: { num }, { name }, { neg }, { op, l, r }, { call, args }, { cond, yes, no }. */
export function parseFormula(text) {
  const tokens = text.match(/\d+(?:\.\d+)?(?:e[-+]?\d+)?|[A-Za-z_][A-Za-z_0-9]*|[-+*/(),?:]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (want) => {
    const t = tokens[i++];
    if (want !== undefined && t !== want) throw new Error(`formula "${text}": expected "${want}" at token ${i}, found "${t ?? "end"}"`);
    return t;
  };
  const primary = () => {
    const t = take();
    if (t === undefined) throw new Error(`formula "${text}" ends too early`);
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
  const product = () => {
    let e = primary();
    while (peek() === "*" || peek() === "/") e = { op: take(), l: e, r: primary() };
    return e;
  };
  const sum = () => {
    let e = product();
    while (peek() === "+" || peek() === "-") e = { op: take(), l: e, r: product() };
    return e;
  };
  const ternary = () => {
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

/** Every name a tree reads (call names excluded). */
export function namesIn(tree, out = new Set()) {
  if (tree.name) out.add(tree.name);
  for (const k of ["neg", "l", "r", "cond", "yes", "no"]) if (tree[k]) namesIn(tree[k], out);
  for (const a of tree.args ?? []) namesIn(a, out);
  return out;
}

/** The formula for one lane type. */
export function formulaFor(f, lane) {
  return typeof f === "string" ? f : f[lane];
}
