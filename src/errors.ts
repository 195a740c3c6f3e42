/**
 * A problem with what the user gave us (data, options, files). The CLI maps
 * it to exit code 2 and prints the message alone, never a stack trace.
 */
export class InputError extends Error {
  override name = "InputError";
}

/**
 * A fit stopped (AbortSignal, the demo's Stop, Ctrl-C) before it had draws
 * worth keeping: during warm-up, or so early in sampling that no posterior
 * summary can be made. A stop later in sampling is no error: the fit returns
 * a model marked interrupted, with the draws so far.
 */
export class FitStopped extends Error {
  override name = "FitStopped";
  constructor(
    readonly phase: "warmup" | "sampling",
    message: string,
  ) {
    super(message);
  }
}

/**
 * A lockstep (many-chain) fit whose chains did not reach agreement: nested
 * R-hat or R-hat above the threshold. The draws are not a posterior, so the
 * fit is not returned as one; `fit` keeps it for inspection. The CLI maps it
 * to exit code 3 and prints the message alone.
 */
export class NotConvergedError extends Error {
  override name = "NotConvergedError";
  constructor(
    message: string,
    readonly fit: unknown,
    readonly nestedRhat: number | undefined,
    readonly maxRhat: number,
  ) {
    super(message);
  }
}

/**
 * A chain, or the worker thread running chains, failed: the density threw
 * inside it, or the worker could not start, crashed or ran out of memory.
 * The message names the chains. Not a problem with the user's input, and
 * its stack (the main thread's, where the failure was received) says
 * nothing of where the chain failed: the CLI prints the message alone and
 * exits 1.
 */
export class SamplerFailure extends Error {
  override name = "SamplerFailure";
}

/**
 * What kind of failure an error is, for the layers that report failures
 * without throwing them on (serve's error codes, fit-many's failure
 * records): the user's input, chains that did not agree, a failed chain or
 * worker, or anything else (a bug).
 */
export type FailureKind = "input" | "not_converged" | "sampler" | "internal";

export function failureKind(e: unknown): FailureKind {
  if (e instanceof InputError) return "input";
  if (e instanceof NotConvergedError) return "not_converged";
  if (e instanceof SamplerFailure) return "sampler";
  return "internal";
}
