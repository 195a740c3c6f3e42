// Ctrl-C (SIGINT) and SIGTERM during a fit: the first stops the chains at
// their next iteration through an AbortSignal (the command then says what it
// did and writes nothing); a second Ctrl-C quits at once.

import { FitStopped } from "../errors.js";

export type StopSignal = "SIGINT" | "SIGTERM";

/** Exit status of a command stopped by a signal, as shells report it (128 + signal number). */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** The command was stopped by the user; main() prints the message and exits with `exitCode`. */
export class StoppedBySignal extends Error {
  override name = "StoppedBySignal";
  readonly exitCode: number;
  constructor(
    readonly signal: StopSignal,
    message: string,
  ) {
    super(message);
    this.exitCode = SIGNAL_EXIT[signal];
  }
}

export interface StopOnSignals {
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: StopSignal | undefined;
  /** Removes the handlers (Node's defaults apply again). */
  dispose(): void;
}

export function stopOnSignals(stream: NodeJS.WritableStream = process.stderr): StopOnSignals {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handler = (sig: StopSignal) => {
    if (received !== undefined) {
      if (sig === "SIGINT") {
        stream.write("\nsecond Ctrl-C: quitting without waiting for the chains\n");
        process.exit(SIGNAL_EXIT.SIGINT);
      }
      return;
    }
    received = sig;
    stream.write(`\n${sig === "SIGINT" ? "Ctrl-C" : "SIGTERM"}: stopping the chains at their next iteration${sig === "SIGINT" ? " (Ctrl-C again to quit at once)" : ""}\n`);
    controller.abort();
  };
  const onInt = () => handler("SIGINT");
  const onTerm = () => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    },
  };
}

/**
 * Runs a fit under stopOnSignals. A stop by signal becomes StoppedBySignal,
 * whose message says what happened and that nothing was written to `out`.
 */
export async function fitUntilStopped<F extends { diagnostics(): { draws: number; chains: number } }>(
  out: string,
  fit: (signal: AbortSignal) => Promise<F>,
): Promise<F> {
  const stop = stopOnSignals();
  const untouched = `nothing was written to ${out} (an earlier fit there is untouched)`;
  try {
    const result = await fit(stop.signal);
    if (stop.received) {
      const d = result.diagnostics();
      throw new StoppedBySignal(stop.received, `stopped during sampling (${d.chains} chain${d.chains === 1 ? "" : "s"} x ${d.draws} draws kept); ${untouched}`);
    }
    return result;
  } catch (e) {
    if (e instanceof FitStopped && stop.received) throw new StoppedBySignal(stop.received, `${e.message}; ${untouched}`);
    throw e;
  } finally {
    stop.dispose();
  }
}
