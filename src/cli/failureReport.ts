import { CommanderError } from "commander";
import { InputError, NotConvergedError, SamplerFailure } from "../errors.js";
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
  const code = e instanceof InputError ? 2 : e instanceof NotConvergedError ? 3 : e instanceof SamplerFailure ? 1 : 0;
  if (code !== 0) {
    write(`error: ${(e as Error).message}\n`);
    return code;
  }
  write(`internal error: ${(e as Error)?.stack ?? e}\n`);
  return 1;
}
