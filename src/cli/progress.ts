// Progress on the terminal: every chain from the start (those still queued
// for a worker show as waiting), with elapsed time and an estimate of the time
// left. Bars on a TTY; plain lines otherwise (CI logs, pipes): a line per
// chain when its phase changes, at every tenth of its iterations, and at
// least every 10 s, so a long run is never silent.

import cliProgress from "cli-progress";
import type { ChainProgress } from "../index.js";

export interface ProgressDisplay {
  update(p: ChainProgress): void;
  stop(): void;
}

/** "1m05s", "42s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * Elapsed time and time left from the work done so far over all chains
 * (`done` of `total` iterations): the rate so far, applied to what is left.
 */
export class RunClock {
  private readonly started: number;
  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }
  elapsed(): number {
    return (this.now() - this.started) / 1000;
  }
  /** Seconds left, or NaN before any work is done. */
  remaining(done: number, total: number): number {
    const e = this.elapsed();
    if (done <= 0 || e <= 0) return NaN;
    return (e * (total - done)) / done;
  }
  describe(done: number, total: number): string {
    const left = this.remaining(done, total);
    return `${formatDuration(this.elapsed())} elapsed, ${Number.isNaN(left) ? "estimating time left" : `about ${formatDuration(left)} left`}`;
  }
}

export function progressDisplay(chains: number, stream: NodeJS.WriteStream = process.stderr, now?: () => number): ProgressDisplay {
  const clock = new RunClock(now);
  // Iterations done per line (chain id), and each line's total.
  const done = new Map<number, number>();
  const totals = new Map<number, number>();
  const overall = () => {
    let d = 0;
    let t = 0;
    for (const [id, total] of totals) {
      d += done.get(id) ?? 0;
      t += total;
    }
    return clock.describe(d, t);
  };
  // The first report says whether this is one line per chain (NUTS) or one
  // line for all chains in lockstep (it carries a label).
  const lines = (p: ChainProgress): number[] => (p.label === undefined ? Array.from({ length: chains }, (_, i) => i) : [p.chainId]);
  const name = (id: number, p?: ChainProgress) => p?.label ?? `chain ${id}`;
  return stream.isTTY ? ttyDisplay(stream, done, totals, overall, lines, name) : lineDisplay(stream, done, totals, overall, lines, name, clock);
}

type Lines = (p: ChainProgress) => number[];
type Name = (id: number, p?: ChainProgress) => string;

function ttyDisplay(stream: NodeJS.WriteStream, done: Map<number, number>, totals: Map<number, number>, overall: () => string, lines: Lines, name: Name): ProgressDisplay {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: "{chain} |{bar}| {value}/{total} {phase} divergences {divergences}",
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<number, cliProgress.SingleBar>();
  let clockBar: cliProgress.SingleBar | undefined;
  return {
    update(p) {
      if (bars.size === 0) {
        for (const id of lines(p)) {
          totals.set(id, p.total);
          bars.set(id, multi.create(p.total, 0, { chain: name(id, p).padEnd(8), phase: "waiting", divergences: 0 }));
        }
        clockBar = multi.create(1, 0, {}, { format: "{time}" });
      }
      done.set(p.chainId, p.iteration);
      // Chains that go on while they disagree (more draws) grow their totals.
      if (totals.has(p.chainId) && totals.get(p.chainId) !== p.total) {
        totals.set(p.chainId, p.total);
        bars.get(p.chainId)?.setTotal(p.total);
      }
      bars.get(p.chainId)?.update(p.iteration, { chain: name(p.chainId, p).padEnd(8), phase: p.phase, divergences: p.divergences });
      clockBar?.update(0, { time: overall() });
    },
    stop: () => multi.stop(),
  };
}

function lineDisplay(
  stream: NodeJS.WriteStream,
  done: Map<number, number>,
  totals: Map<number, number>,
  overall: () => string,
  lines: Lines,
  name: Name,
  clock: RunClock,
): ProgressDisplay {
  const last = new Map<number, { decile: number; phase: string; at: number; total: number }>();
  return {
    update(p) {
      if (totals.size === 0) {
        const ids = lines(p);
        for (const id of ids) totals.set(id, p.total);
        if (ids.length > 1) stream.write(`${ids.length} chains of ${p.total} iterations each (warm-up and sampling)\n`);
      }
      done.set(p.chainId, p.iteration);
      if (totals.has(p.chainId)) totals.set(p.chainId, p.total);
      const decile = Math.floor((10 * p.iteration) / p.total);
      const prev = last.get(p.chainId);
      const at = clock.elapsed();
      // A grown total (chains going on while they disagree) is said at once.
      if (prev && prev.decile >= decile && prev.phase === p.phase && prev.total === p.total && at - prev.at < 10) return;
      last.set(p.chainId, { decile, phase: p.phase, at, total: p.total });
      stream.write(`${name(p.chainId, p)}: ${p.iteration}/${p.total} (${p.phase}), divergences ${p.divergences}; ${overall()}\n`);
    },
    stop() {},
  };
}
