// `mmm runs [DIR]` (default: here): list the run records under a folder, or compare two.

import type { Command } from "commander";
import { findRuns, formatRunComparison, formatRunList, InputError, pickRun } from "../index.js";

export function registerRuns(program: Command): void {
  program
    .command("runs")
    .description("list the fits (run.json records) under a folder: data hash, seed, timings, convergence and fit metrics; or compare two")
    .argument("[dir]", "folder to search (an output folder of fit or fit-many, or a folder holding several)", ".")
    .option("--compare <runs...>", "two run folders to compare (as listed, or paths from here): data, settings, metrics and each channel's ROI")
    .option("--depth <n>", "how many folder levels to search", "4")
    .option("--json", "print the records as JSON")
    .action((dir: string, o: { compare?: string[]; depth: string; json?: boolean }) => {
      const depth = Number(o.depth);
      if (!Number.isInteger(depth) || depth < 0) throw new InputError(`--depth must be a non-negative integer, got "${o.depth}"`);
      const runs = findRuns(dir, depth);
      if (o.compare) {
        if (o.compare.length !== 2) throw new InputError(`--compare takes two run folders, got ${o.compare.length}`);
        process.stdout.write(formatRunComparison(pickRun(runs, o.compare[0], dir), pickRun(runs, o.compare[1], dir)) + "\n");
        return;
      }
      if (o.json) {
        process.stdout.write(JSON.stringify(runs, null, 2) + "\n");
        return;
      }
      process.stdout.write(formatRunList(runs) + "\n");
    });
}
