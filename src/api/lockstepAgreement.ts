// A lockstep fit is returned only when its chains agree: many short chains
// that have not forgotten their starts give a summary that looks like a
// posterior and is not one (issue 21), so the fit says so instead.

import { lockstepChainsAgree, lockstepRuleWords } from "../diagnostics/agreement.js";
import { NotConvergedError } from "../errors.js";
import { lockstepLongerChains } from "../fit/config.js";
import type { FitDiagnostics } from "../fit/posteriorFit.js";

/** Returns the fit unchanged when it is NUTS or its lockstep chains agree; throws NotConvergedError otherwise. */
export function requireLockstepAgreement<F extends { diagnostics(): FitDiagnostics; layout: { dim: number }; record?: { sampling?: { fallback?: string } } }>(fit: F): F {
  const d = fit.diagnostics();
  if (d.method !== "chees" || d.interrupted) return fit;
  const nested = d.nested_r_hat;
  if (lockstepChainsAgree(nested, d.max_r_hat)) return fit;
  const figures = [
    nested !== undefined ? `nested R-hat ${nested.toFixed(3)} over ${d.superchains} superchains` : null,
    `max R-hat ${d.max_r_hat.toFixed(3)}`,
  ]
    .filter((s) => s !== null)
    .join(", ");
  throw new NotConvergedError(
    `NOT CONVERGED: the ${d.chains} lockstep chains (${d.backend === "webgpu" ? "WebGPU" : "CPU"}) did not reach agreement ` +
      `(${figures}; agreement is ${lockstepRuleWords(nested !== undefined)}), so their draws are not a posterior and no summary is given. ` +
      (d.extension && d.extension.r_hat.length > 1 ? `They went on while they disagreed, to ${d.draws} draws each (at most ${d.extension.most}). ` : "") +
      `Run NUTS instead (--method nuts, the default with --backend auto), more warm-up (--warmup), or ${lockstepLongerChains(d.chains, fit.layout.dim, Math.max(d.draws, d.extension?.most ?? 0))}.` +
      // The fit's warnings are not printed when it stops here: a WebGPU request's fallback is said here instead.
      (fit.record?.sampling?.fallback ? ` (${fit.record.sampling.fallback})` : ""),
    fit,
    nested,
    d.max_r_hat,
  );
}
