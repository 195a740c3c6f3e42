// `mmm fit-many data.csv --by market`: one model per slice on the local cores.

import type { Command } from "commander";
import { InputError, SamplerFailure } from "../errors.js";
import { fitMany, type ManyEvent, type SliceOutcome } from "../index.js";
import { parseInteger } from "./options.js";
import { stopOnSignals, StoppedBySignal } from "./stopSignals.js";
import { addSliceOptions, formatDuration, readSlices, type SliceCliOptions } from "./sliceOptions.js";

interface FitManyCliOptions extends SliceCliOptions {
  workers?: string;
  threads?: string;
  resume?: boolean;
}

export function registerFitMany(program: Command): void {
  const cmd = program
    .command("fit-many")
    .description("fit one model per slice (market, country, brand) of a long-format CSV, slices in parallel on the local cores");
  addSliceOptions(cmd)
    .option("--workers <n>", "slices fitted at once (default: the number of cores, each slice's chains in series)")
    .option("--threads <n>", "worker threads per slice (default: cores / workers)")
    .option("--resume", "skip slices whose outputs are complete and whose data and options are unchanged (manifest hashes)")
    .action(async (data: string, o: FitManyCliOptions) => {
      const { slices, spec, by } = readSlices(data, o);
      const out = o.out!;
      const workers = o.workers === undefined ? undefined : parseInteger(o.workers, "--workers", 1);
      const threads = o.threads === undefined ? undefined : parseInteger(o.threads, "--threads", 1);
      // Ctrl-C stops the running slices at their next iteration (they are not
      // published); finished slices are kept. A second Ctrl-C quits at once:
      // nothing half-written can be left, as slices are published by rename.
      const stop = stopOnSignals();
      let result;
      try {
        result = await fitMany(slices, spec, {
          out,
          by,
          resume: o.resume === true,
          signal: stop.signal,
          onEvent: printEvent,
          ...(workers !== undefined ? { workers } : {}),
          ...(threads !== undefined ? { threads } : {}),
        });
      } finally {
        stop.dispose();
      }
      const c = result.combined;
      process.stdout.write(
        `${slices.length} slices: ${c.ok} fitted (${result.skipped.length} kept from before), ${c.failed} failed, ${c.missing} not fitted; ` +
          `${c.notConverged} not converged; ${formatDuration(result.wallSeconds)} with ${result.workers} worker(s) x ${result.threads} thread(s)\n` +
          `wrote ${c.files.map((f) => `${out}/${f}`).join(", ")} and ${out}/slices/\n`,
      );
      if (stop.received) {
        throw new StoppedBySignal(stop.received, `stopped before every slice was fitted: ${c.ok} fitted slice(s) kept in ${out}/slices/; rerun with --resume to fit the rest`);
      }
      if (c.failed > 0) throw failedSlices(result.outcomes, `${c.failed} of ${slices.length} slices failed (reasons above, in ${out}/failed/ and ${out}/manifest.json); the others are fitted`);
    });
}

/**
 * The error the command ends with when slices failed: exit code 1 when a chain, a worker or the engine
 * failed in any slice, else 2 (bad input). (The CLI fits slices with NUTS, so no slice fails for
 * lockstep chains that did not agree.)
 */
function failedSlices(outcomes: SliceOutcome[], message: string): Error {
  const broke = outcomes.some((o) => o.status === "failed" && (o.kind === "sampler" || o.kind === "internal"));
  return broke ? new SamplerFailure(message) : new InputError(message);
}

function printEvent(e: ManyEvent): void {
  const p = e.progress;
  const state = `[${p.done + p.skipped + p.failed}/${p.total}: ${p.done + p.skipped} ok, ${p.failed} failed, ${p.running.length} running, ~${formatDuration(p.secondsLeft)} left]`;
  if (e.type === "skipped") process.stderr.write(`${state} ${e.id}: complete from an earlier run, skipped\n`);
  else if (e.type === "started") process.stderr.write(`${state} ${e.id}: fitting\n`);
  else {
    const o = e.outcome;
    if (o.status === "ok") {
      const conv = (o.converged ? "converged" : `NOT converged (${o.issues.join("; ")})`) + (o.divergences > 0 ? `, ${o.divergences} divergences after warm-up` : "");
      process.stderr.write(`${state} ${o.id}: done in ${o.seconds.toFixed(1)} s, ${conv}\n`);
    } else if (o.status === "failed") {
      process.stderr.write(`${state} ${o.id}: FAILED (${o.kind}): ${o.reason}\n`);
    }
  }
}
