// A lockstep fit is returned only when its chains agree: many short chains
// that have not forgotten their starts give a summary that looks like a
// posterior and is not one (issue 21), so the fit says so instead.

import { NotConvergedError } from "../errors.js";
import type { FitDiagnostics } from "../fit/posteriorFit.js";

/** Nested R-hat must stay below this (Margossian et al. 2024). */
export const LOCKSTEP_RHAT_THRESHOLD = 1.01;
/**
 * R-hat must stay below this. Looser than nested R-hat's bound on purpose:
 * with many short chains R-hat also measures how few effective draws each
 * chain has (its between-chain term is the variance of a chain's mean), so it
 * exceeds 1.01 on chains that have converged (Margossian et al. 2024, sec. 2);
 * nested R-hat is the convergence check, R-hat a guard against gross failure.
 */
export const LOCKSTEP_CLASSIC_RHAT_THRESHOLD = 1.05;

/** Returns the fit unchanged when it is NUTS or its lockstep chains agree; throws NotConvergedError otherwise. */
export function requireLockstepAgreement<F extends { diagnostics(): FitDiagnostics; record?: { sampling?: { fallback?: string } } }>(fit: F): F {
  const d = fit.diagnostics();
  if (d.method !== "chees" || d.interrupted) return fit;
  const nested = d.nested_r_hat;
  const nestedBad = nested !== undefined && !(nested < LOCKSTEP_RHAT_THRESHOLD);
  const rhatBad = !(d.max_r_hat < (nested !== undefined ? LOCKSTEP_CLASSIC_RHAT_THRESHOLD : LOCKSTEP_RHAT_THRESHOLD));
  if (!nestedBad && !rhatBad) return fit;
  const figures = [
    nested !== undefined ? `nested R-hat ${nested.toFixed(3)} over ${d.superchains} superchains` : null,
    `max R-hat ${d.max_r_hat.toFixed(3)}`,
  ]
    .filter((s) => s !== null)
    .join(", ");
  throw new NotConvergedError(
    `NOT CONVERGED: the ${d.chains} lockstep chains (${d.backend === "webgpu" ? "WebGPU" : "CPU"}) did not reach agreement ` +
      `(${figures}; nested R-hat must be below ${LOCKSTEP_RHAT_THRESHOLD} and R-hat below ${nested !== undefined ? LOCKSTEP_CLASSIC_RHAT_THRESHOLD : LOCKSTEP_RHAT_THRESHOLD}), so their draws are not a posterior and no summary is given. ` +
      `Run NUTS instead (--method nuts, the default with --backend auto), or more warm-up (--warmup).` +
      // The fit's warnings are not printed when it stops here: a WebGPU request's fallback is said here instead.
      (fit.record?.sampling?.fallback ? ` (${fit.record.sampling.fallback})` : ""),
    fit,
    nested,
    d.max_r_hat,
  );
}
