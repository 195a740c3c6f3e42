// Linear constraints written as formulas over channel spends, e.g.
// "tv + radio <= 0.4 * budget". mathjs parses each formula to an expression
// tree, which is walked (never evaluated) to collect the coefficient of each
// channel, of `budget` and the constant; anything that is not linear in them
// is refused. Channel names that are not identifiers go between backquotes.

import type { MathNode } from "mathjs";
import { InputError } from "../errors.js";
import { formatAmount as fmt } from "./channelBounds.js";

export type Relation = "<=" | ">=" | "==";

/** sum_c coefficients[c] * spend[c]  (relation)  budgetCoefficient * budget + constant. */
export interface SpendConstraint {
  formula: string;
  relation: Relation;
  coefficients: Float64Array;
  budgetCoefficient: number;
  constant: number;
}

interface Linear {
  coef: Float64Array;
  budget: number;
  constant: number;
}

const RELATIONS: Record<string, Relation> = { smaller: "<=", smallerEq: "<=", larger: ">=", largerEq: ">=", equal: "==" };

type Parse = (expr: string) => MathNode;
let parser: Parse | undefined;

/** mathjs takes about a second to load, so it is loaded only when constraints are given. */
async function loadParser(): Promise<Parse> {
  parser ??= (await import("mathjs")).parse as Parse;
  return parser;
}

export async function parseSpendConstraints(formulas: string[], channels: string[]): Promise<SpendConstraint[]> {
  if (formulas.length === 0) return [];
  const parse = await loadParser();
  return formulas.flatMap((f) => parseOne(parse, f, channels));
}

function parseOne(parse: Parse, formula: string, channels: string[]): SpendConstraint[] {
  const fail = (why: string) => new InputError(`constraint "${formula}": ${why}`);
  // `quoted name` -> a placeholder symbol.
  const symbols = new Map<string, number>();
  channels.forEach((name, c) => symbols.set(name, c));
  let bad: string | undefined;
  const text = formula.replace(/`([^`]*)`/g, (_, name: string) => {
    const c = channels.indexOf(name);
    if (c < 0) bad ??= name;
    const placeholder = `__channel_${c}__`;
    symbols.set(placeholder, c);
    return placeholder;
  });
  if (bad !== undefined) throw fail(`unknown channel \`${bad}\`; the channels are ${channels.join(", ")}`);
  let root: MathNode;
  try {
    root = parse(text);
  } catch (e) {
    throw fail(`cannot parse it (${(e as Error).message})`);
  }
  const C = channels.length;
  const constantOf = (v: number): Linear => ({ coef: new Float64Array(C), budget: 0, constant: v });
  const isConstant = (l: Linear) => l.budget === 0 && l.coef.every((v) => v === 0);
  const combine = (a: Linear, b: Linear, s: number): Linear => ({
    coef: a.coef.map((v, c) => v + s * b.coef[c]),
    budget: a.budget + s * b.budget,
    constant: a.constant + s * b.constant,
  });
  const scale = (a: Linear, s: number): Linear => ({ coef: a.coef.map((v) => v * s), budget: a.budget * s, constant: a.constant * s });
  const label = (n: MathNode) => n.toString().replace(/__channel_(\d+)__/g, (_, c) => `\`${channels[Number(c)]}\``);

  const linear = (node: MathNode): Linear => {
    const n = node as MathNode & { content?: MathNode; value?: unknown; name?: string; fn?: string | MathNode; op?: string; args?: MathNode[] };
    switch (node.type) {
      case "ParenthesisNode":
        return linear(n.content!);
      case "ConstantNode":
        if (typeof n.value !== "number" || !Number.isFinite(n.value)) throw fail(`"${label(node)}" is not a number`);
        return constantOf(n.value);
      case "SymbolNode": {
        const c = symbols.get(n.name!);
        if (c !== undefined) {
          const l = constantOf(0);
          l.coef[c] = 1;
          return l;
        }
        if (n.name === "budget") return { coef: new Float64Array(C), budget: 1, constant: 0 };
        throw fail(`unknown name "${n.name}"; use channel names (${channels.join(", ")}; put a name that is not an identifier between backquotes) and "budget"`);
      }
      case "OperatorNode": {
        const args = n.args!;
        switch (n.fn) {
          case "add":
            return combine(linear(args[0]), linear(args[1]), 1);
          case "subtract":
            return combine(linear(args[0]), linear(args[1]), -1);
          case "unaryMinus":
            return scale(linear(args[0]), -1);
          case "unaryPlus":
            return linear(args[0]);
          case "multiply": {
            const a = linear(args[0]);
            const b = linear(args[1]);
            if (isConstant(a)) return scale(b, a.constant);
            if (isConstant(b)) return scale(a, b.constant);
            throw fail(`"${label(node)}" multiplies spends or the budget together; constraints must be linear`);
          }
          case "divide": {
            const a = linear(args[0]);
            const b = linear(args[1]);
            if (!isConstant(b)) throw fail(`"${label(node)}" divides by a spend or the budget; constraints must be linear`);
            if (b.constant === 0) throw fail(`"${label(node)}" divides by zero`);
            return scale(a, 1 / b.constant);
          }
          case "pow": {
            const a = linear(args[0]);
            const b = linear(args[1]);
            if (isConstant(a) && isConstant(b)) return constantOf(Math.pow(a.constant, b.constant));
            throw fail(`"${label(node)}" raises a spend or the budget to a power; constraints must be linear`);
          }
          default:
            throw fail(`operator "${n.op ?? n.fn}" in "${label(node)}" is not allowed; use + - * / with numbers`);
        }
      }
      case "FunctionNode":
        throw fail(`function "${label(node)}" is not allowed; constraints must be linear in the channel spends`);
      case "AssignmentNode":
        throw fail(`"=" assigns; write "==" for an equality`);
      default:
        throw fail(`"${label(node)}" is not allowed (${node.type}); constraints must be linear in the channel spends`);
    }
  };

  const build = (left: MathNode, right: MathNode, rel: Relation): SpendConstraint => {
    const d = combine(linear(left), linear(right), -1); // left - right (rel) 0
    if (d.coef.every((v) => v === 0)) throw fail(`it mentions no channel spend`);
    return { formula, relation: rel, coefficients: d.coef, budgetCoefficient: -d.budget, constant: -d.constant };
  };

  const r = root as MathNode & { fn?: string; args?: MathNode[]; conditionals?: string[]; params?: MathNode[] };
  if (root.type === "OperatorNode" && r.fn! in RELATIONS) return [build(r.args![0], r.args![1], RELATIONS[r.fn!])];
  if (root.type === "RelationalNode") {
    // A chain such as "100 <= tv <= 500" is one constraint per comparison.
    return r.conditionals!.map((cond, i) => {
      const rel = RELATIONS[cond];
      if (!rel) throw fail(`comparison "${cond}" is not allowed; use <=, >= or ==`);
      return build(r.params![i], r.params![i + 1], rel);
    });
  }
  if (root.type === "AssignmentNode") throw fail(`"=" assigns; write "==" for an equality`);
  if (root.type === "OperatorNode" && r.fn === "unequal") throw fail(`"!=" is not allowed; use <=, >= or ==`);
  throw fail(`it needs a comparison: <=, >= or == (e.g. "tv + radio <= 0.4 * budget")`);
}

/** The constraint's right-hand side at a budget. */
export function rhsAt(c: SpendConstraint, budget: number): number {
  return c.budgetCoefficient * budget + c.constant;
}

/**
 * Each constraint on its own must be satisfiable within the bounds at this
 * budget: the range of its channel side over {lower <= s <= upper, sum s =
 * budget} is found greedily (a fractional knapsack) and compared with its
 * right-hand side, so the error can say by how much it misses.
 */
export function checkConstraintsAgainstBounds(cons: SpendConstraint[], lower: ArrayLike<number>, upper: ArrayLike<number>, budget: number): void {
  const C = lower.length;
  const extreme = (a: Float64Array, sign: number) => {
    const order = Array.from({ length: C }, (_, c) => c).sort((i, j) => sign * (a[i] - a[j]));
    let left = budget;
    let v = 0;
    for (let c = 0; c < C; c++) {
      left -= lower[c];
      v += a[c] * lower[c];
    }
    for (const c of order) {
      const add = Math.min(Math.max(0, left), upper[c] - lower[c]);
      v += a[c] * add;
      left -= add;
    }
    return v;
  };
  for (const con of cons) {
    const rhs = rhsAt(con, budget);
    const lo = extreme(con.coefficients, 1);
    const hi = extreme(con.coefficients, -1);
    const tol = 1e-9 * (Math.abs(rhs) + Math.abs(lo) + Math.abs(hi) + budget);
    const where = `at budget ${fmt(budget)} with the channels' bounds`;
    if ((con.relation === "<=" || con.relation === "==") && lo > rhs + tol) {
      throw new InputError(`constraint "${con.formula}" cannot hold ${where}: its spend side is at least ${fmt(lo)} but must be ${con.relation === "==" ? "equal to" : "at most"} ${fmt(rhs)} (over by ${fmt(lo - rhs)})`);
    }
    if ((con.relation === ">=" || con.relation === "==") && hi < rhs - tol) {
      throw new InputError(`constraint "${con.formula}" cannot hold ${where}: its spend side is at most ${fmt(hi)} but must be ${con.relation === "==" ? "equal to" : "at least"} ${fmt(rhs)} (short by ${fmt(rhs - hi)})`);
    }
  }
}
