// The demo reads its form fields with its own few lines (examples/browser/
// fields.ts: the library takes numbers, not text), worded as the CLI's option
// readers (src/cli/parse.ts): the same input gives the same value or the
// same message in both.

import { describe, expect, it } from "vitest";
import * as demo from "../../examples/browser/fields.js";
import * as cli from "../../src/cli/parse.js";

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

const TEXTS = ["4", "0", "-1", "2.5", "", " ", "abc", "1e3", "Infinity", "NaN", "0x10", "1,2", "1,,2", "3, 4 ,5", "1,x"];

describe("the demo's field readers and the CLI's option readers", () => {
  it("agree on every value and every message", () => {
    for (const t of TEXTS) {
      expect(outcome(() => demo.parseInteger(t, "--chains", 1))).toEqual(outcome(() => cli.parseInteger(t, "--chains", 1)));
      expect(outcome(() => demo.parseNumber(t, "--target-accept", (v) => v > 0 && v < 1, "a number strictly between 0 and 1"))).toEqual(
        outcome(() => cli.parseNumber(t, "--target-accept", (v) => v > 0 && v < 1, "a number strictly between 0 and 1")),
      );
      expect(outcome(() => demo.parseNumberList(t, "--costs"))).toEqual(outcome(() => cli.parseNumberList(t, "--costs")));
    }
  });

  it("throw the library's InputError", () => {
    expect(outcome(() => demo.parseInteger("0", "--chains", 1))).toEqual({ error: "InputError", message: '--chains: expected an integer >= 1, got "0"' });
  });
});
