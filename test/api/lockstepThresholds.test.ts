import { describe, expect, it } from "vitest";
import { requireLockstepAgreement } from "../../src/api/lockstepAgreement.js";
import { LOCKSTEP_RHAT_GUARD, NESTED_RHAT_LIMIT } from "../../src/diagnostics/index.js";
import { NotConvergedError } from "../../src/errors.js";
import type { FitDiagnostics } from "../../src/fit/posteriorFit.js";

// The agreement rule on its own, at its boundaries: nested R-hat must be
// below 1.01 and R-hat below 1.05 (1.01 when nested R-hat is unavailable).
function fitWith(d: Partial<FitDiagnostics>, dim = 30) {
  const diagnostics = { method: "chees", interrupted: false, chains: 64, superchains: 16, backend: "cpu", max_r_hat: 1.0, draws: 1000, ...d } as FitDiagnostics;
  return { diagnostics: () => diagnostics, layout: { dim } };
}
const verdict = (d: Partial<FitDiagnostics>, dim = 30): "ok" | NotConvergedError => {
  try {
    requireLockstepAgreement(fitWith(d, dim));
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

  it("offer longer chains within the bound on stored draws, and fewer chains where the bound stopped them", () => {
    // 64 chains of 30 parameters hold 34,952 draws each: twice 1000 is offered as it is.
    expect((verdict({ nested_r_hat: 1.02 }) as NotConvergedError).message).toMatch(/or longer chains \(--max-samples 2000\)\./);
    // 1024 chains of 74 parameters (the geo example) hold 885 each: they stopped at their 1000 draws, so fewer chains.
    const geo = verdict({ nested_r_hat: 1.02, chains: 1024, superchains: 16 }, 74) as NotConvergedError;
    expect(geo.message).toMatch(/or fewer, longer chains \(1024 chains stop at 885 draws each, the most their draws may hold in 512 MiB; e\.g\. --chains 256 --max-samples 2000\)\./);
    // 256 of them hold 3,542: 2000 draws asked for exactly, twice that would pass it, so as far as it goes.
    const mid = verdict({ nested_r_hat: 1.02, chains: 256, draws: 2000 }, 74) as NotConvergedError;
    expect(mid.message).toMatch(/or longer chains \(--max-samples 3542, the most 256 chains' draws may hold in 512 MiB; fewer chains may go further\)\./);
    // Having gone on to those 3,542 and still disagreeing: half as many chains, twice as far.
    const extension = { asked: 1000, most: 3542, r_hat: [1.1, 1.06], min_ess: [100, 200], nested_r_hat: [1.02, 1.02] };
    const far = verdict({ nested_r_hat: 1.02, chains: 256, draws: 3542, extension }, 74) as NotConvergedError;
    expect(far.message).toMatch(/They went on while they disagreed, to 3542 draws each \(at most 3542\)\./);
    expect(far.message).toMatch(/e\.g\. --chains 128 --max-samples 7084\)\./);
  });

  it("leave NUTS fits and interrupted lockstep fits alone", () => {
    expect(verdict({ method: "nuts", nested_r_hat: 2, max_r_hat: 2 } as Partial<FitDiagnostics>)).toBe("ok");
    expect(verdict({ interrupted: true, nested_r_hat: 2, max_r_hat: 2 })).toBe("ok");
  });
});
