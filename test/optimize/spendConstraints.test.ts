import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { checkConstraintsAgainstBounds, parseSpendConstraints, rhsAt } from "../../src/optimize/spendConstraints.js";

const CH = ["tv", "radio", "paid search"];

async function one(f: string) {
  const [c, ...rest] = await parseSpendConstraints([f], CH);
  expect(rest).toHaveLength(0);
  return { rel: c.relation, a: Array.from(c.coefficients), rhs: (b: number) => rhsAt(c, b) };
}

async function rejects(f: string, pattern: RegExp) {
  const p = parseSpendConstraints([f], CH);
  await expect(p).rejects.toBeInstanceOf(InputError);
  await expect(parseSpendConstraints([f], CH)).rejects.toThrow(pattern);
}

describe("constraint formulas", () => {
  it("extracts the coefficients of linear formulas", async () => {
    let c = await one("tv + radio <= 0.4 * budget");
    expect(c.rel).toBe("<=");
    expect(c.a).toEqual([1, 1, 0]);
    expect(c.rhs(1000)).toBeCloseTo(400, 12);
    c = await one("2*(tv - radio) >= 100 + budget/10");
    expect(c.rel).toBe(">=");
    expect(c.a).toEqual([2, -2, 0]);
    expect(c.rhs(500)).toBeCloseTo(150, 12);
    c = await one("tv / 2 <= `paid search` - 3");
    expect(c.a).toEqual([0.5, 0, -1]);
    expect(c.rhs(1)).toBeCloseTo(-3, 12);
    // Moved to one side: 0.4 budget - tv >= 0, i.e. -tv >= -0.4 budget.
    c = await one("0.4 budget >= tv");
    expect(c.rel).toBe(">=");
    expect(c.a).toEqual([-1, 0, 0]);
    expect(c.rhs(10)).toBeCloseTo(-4, 12);
    c = await one("radio == 30% * budget");
    expect(c.rel).toBe("==");
    expect(c.rhs(200)).toBeCloseTo(60, 12);
    c = await one("-(tv) + 2^3 * radio < 1e3");
    expect(c.a).toEqual([-1, 8, 0]);
    expect(c.rhs(0)).toBe(1000);
    const chain = await parseSpendConstraints(["100 <= tv <= 0.5 * budget"], CH);
    expect(chain.map((x) => x.relation)).toEqual(["<=", "<="]);
    expect(Array.from(chain[0].coefficients)).toEqual([-1, 0, 0]); // 100 - tv <= 0
    expect(rhsAt(chain[0], 0)).toBe(-100);
    expect(rhsAt(chain[1], 1000)).toBe(500);
  });

  it("refuses nonlinear formulas, unknown names and formulas that are not constraints", async () => {
    await rejects("tv * radio <= 1", /multiplies spends/);
    await rejects("tv^2 <= 10", /power/);
    await rejects("sqrt(tv) <= 10", /function "sqrt\(tv\)" is not allowed/);
    await rejects("tv / radio <= 1", /divides by a spend/);
    await rejects("tv * budget <= 1", /multiplies spends or the budget/);
    await rejects("tvv + radio <= 10", /unknown name "tvv"/);
    await rejects("paid search <= 10", /unknown name/);
    await rejects("`print` <= 10", /unknown channel `print`/);
    await rejects("tv + radio", /needs a comparison/);
    await rejects("tv = 3", /write "==" for an equality/);
    await rejects("tv != 3", /"!=" is not allowed/);
    await rejects("budget <= 10", /mentions no channel/);
    await rejects("tv <= 'abc'", /not a number|not allowed/);
    await rejects("tv <= [1, 2]", /not allowed/);
    await rejects("tv <=", /cannot parse/);
    await rejects("tv / 0 <= 1", /divides by zero/);
    await rejects("tv mod 2 <= 1", /not allowed/);
  });

  it("says by how much a constraint misses what the bounds and budget allow", () => {
    const cons = [{ formula: "tv + radio <= 0.2 * budget", relation: "<=" as const, coefficients: Float64Array.from([1, 1, 0]), budgetCoefficient: 0.2, constant: 0 }];
    // Lower bounds force tv + radio >= 300 at budget 1000; the constraint wants <= 200.
    expect(() => checkConstraintsAgainstBounds(cons, [100, 200, 0], [1000, 1000, 1000], 1000)).toThrow(/at least 300 but must be at most 200 \(over by 100\)/);
    // Feasible: paid search can take the rest.
    expect(() => checkConstraintsAgainstBounds(cons, [50, 50, 0], [1000, 1000, 1000], 1000)).not.toThrow();
    const ge = [{ formula: "tv >= 0.9 * budget", relation: ">=" as const, coefficients: Float64Array.from([1, 0, 0]), budgetCoefficient: 0.9, constant: 0 }];
    expect(() => checkConstraintsAgainstBounds(ge, [0, 0, 0], [800, 1000, 1000], 1000)).toThrow(/at most 800 but must be at least 900 \(short by 100\)/);
  });
});
