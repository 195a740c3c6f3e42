// Per-chain progress on the terminal: bars on a TTY, plain lines otherwise
// (CI logs, pipes), about every 10% of a chain.

import cliProgress from "cli-progress";
import type { ChainProgress } from "../services/runChains.js";

export interface ProgressDisplay {
  update(p: ChainProgress): void;
  stop(): void;
}

export function progressDisplay(chains: number, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (stream.isTTY) {
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
    return {
      update(p) {
        let bar = bars.get(p.chainId);
        if (!bar) {
          bar = multi.create(p.total, 0, { chain: p.label ?? `chain ${p.chainId}`, phase: p.phase, divergences: 0 });
          bars.set(p.chainId, bar);
        }
        bar.update(p.iteration, { chain: p.label ?? `chain ${p.chainId}`, phase: p.phase, divergences: p.divergences });
      },
      stop: () => multi.stop(),
    };
  }
  const lastDecile = new Map<number, number>();
  return {
    update(p) {
      const decile = Math.floor((10 * p.iteration) / p.total);
      if ((lastDecile.get(p.chainId) ?? -1) >= decile) return;
      lastDecile.set(p.chainId, decile);
      stream.write(`${p.label ?? `chain ${p.chainId}`}: ${p.iteration}/${p.total} (${p.phase}), divergences ${p.divergences}\n`);
    },
    stop() {},
  };
}
