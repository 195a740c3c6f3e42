import { describe, expect, it } from "vitest";
import { requireLockstepAgreement } from "../../src/api/lockstepAgreement.js";
import { LOCKSTEP_RHAT_GUARD, NESTED_RHAT_LIMIT } from "../../src/diagnostics/index.js";
import { NotConvergedError } from "../../src/errors.js";
import type { FitDiagnostics } from "../../src/fit/posteriorFit.js";

// The agreement rule on its own, at its boundaries: nested R-hat must be
// below 1.01 and R-hat below 1.05 (1.01 when nested R-hat is unavailable).
function fitWith(d: Partial<FitDiagnostics>) {
  const diagnostics = { method: "chees", interrupted: false, chains: 64, superchains: 16, backend: "cpu", max_r_hat: 1.0, ...d } as FitDiagnostics;
  return { diagnostics: () => diagnostics };
}
const verdict = (d: Partial<FitDiagnostics>): "ok" | NotConvergedError => {
  try {
    requireLockstepAgreement(fitWith(d));
    return "ok";
  } catch (e) {
    if (e instanceof NotConvergedError) return e;
    throw e;
  }
};

describe("lockstep agreement thresholds", () => {
  it("are 1.01 for nested R-hat and 1.05 for R-hat", () => {
    expect(NESTED_RHAT_LIMIT).toBe(1.01);
    expect(LOCKSTEP_RHAT_GUARD).toBe(1.05);
  });

  it("accept nested R-hat just below 1.01 and refuse it at 1.01, above, or NaN", () => {
    expect(verdict({ nested_r_hat: 1.0099, max_r_hat: 1.02 })).toBe("ok");
    for (const nested of [1.01, 1.2, Number.NaN]) {
      const e = verdict({ nested_r_hat: nested, max_r_hat: 1.0 });
      expect(e).toBeInstanceOf(NotConvergedError);
      expect((e as NotConvergedError).nestedRhat).toBe(nested);
    }
  });

  it("with nested R-hat, accept R-hat below 1.05 and refuse it at 1.05 or NaN", () => {
    expect(verdict({ nested_r_hat: 1.0, max_r_hat: 1.0499 })).toBe("ok");
    for (const rhat of [1.05, Number.NaN]) {
      const e = verdict({ nested_r_hat: 1.0, max_r_hat: rhat });
      expect(e).toBeInstanceOf(NotConvergedError);
      expect((e as NotConvergedError).message).toMatch(/R-hat below 1\.05/);
    }
  });

  it("without nested R-hat, hold R-hat to 1.01", () => {
    expect(verdict({ max_r_hat: 1.0099 })).toBe("ok");
    const e = verdict({ max_r_hat: 1.01 });
    expect(e).toBeInstanceOf(NotConvergedError);
    expect((e as NotConvergedError).message).toMatch(/R-hat below 1\.01/);
    expect((e as NotConvergedError).message).toMatch(/\(max R-hat 1\.010;/);
    expect((e as NotConvergedError).message).not.toMatch(/superchains/);
  });

  it("name the chain count, superchains and backend in the message", () => {
    const e = verdict({ nested_r_hat: 1.033, max_r_hat: 1.067, chains: 256, superchains: 16, backend: "webgpu" }) as NotConvergedError;
    expect(e.message).toMatch(/the 256 lockstep chains \(WebGPU\)/);
    expect(e.message).toMatch(/nested R-hat 1\.033 over 16 superchains, max R-hat 1\.067/);
    expect(e.maxRhat).toBe(1.067);
  });

  it("leave NUTS fits and interrupted lockstep fits alone", () => {
    expect(verdict({ method: "nuts", nested_r_hat: 2, max_r_hat: 2 } as Partial<FitDiagnostics>)).toBe("ok");
    expect(verdict({ interrupted: true, nested_r_hat: 2, max_r_hat: 2 })).toBe("ok");
  });
});
