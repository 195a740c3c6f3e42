import { CommanderError } from "commander";
import { failureKind, type FailureKind } from "../errors.js";
import { StoppedBySignal } from "./stopSignals.js";

/**
 * What the CLI says when a command throws, and its exit code: 0 for help
 * and version, 2 for bad input (the message alone), 3 for a fit whose
 * chains did not agree, 1 for a failed chain or worker (the message alone:
 * it names the chains and the cause) and for anything else, which is a bug
 * and keeps its stack for the report.
 */
export function reportFailure(e: unknown, write: (text: string) => void): number {
  if (e instanceof CommanderError) {
    // Commander has printed its own message; help and version exit 0, usage errors are bad input.
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof StoppedBySignal) {
    write(`stopped: ${e.message}\n`);
    return e.exitCode;
  }
  // Messages that say all there is: bad input, chains that did not agree, a failed chain or worker.
  const kind = failureKind(e);
  if (kind !== "internal") {
    write(`error: ${(e as Error).message}\n`);
    return EXIT_CODE[kind];
  }
  write(`internal error: ${(e as Error)?.stack ?? e}\n`);
  return 1;
}

const EXIT_CODE: Record<Exclude<FailureKind, "internal">, number> = { input: 2, not_converged: 3, sampler: 1 };
