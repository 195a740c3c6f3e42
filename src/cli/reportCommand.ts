import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkOutputFile, InputError, liftTestsFromTable, liftTestsToCompare, loadFitFolder, parseCsv, writeReport } from "../index.js";
import { parseInteger, parseNumber, readTextFile } from "./options.js";

interface ReportCliOptions {
  budget?: string;
  out?: string;
  title?: string;
  maxDraws?: string;
  periods?: string;
  boundsLowerPct?: string;
  boundsUpperPct?: string;
  liftTests?: string;
  liftBefore?: string;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write DIR/report.html: a self-contained HTML report of a fitted model (summary in plain words, plots, tables; with --budget, the optimizer's split of that budget)")
    .argument("<dir>", "output folder of `mmm fit`")
    .option("--budget <amount>", "total budget for the optimizer to split across channels (needs the budget optimizer)")
    .option("--periods <n>", "with --budget: planning periods after the end of the data (optimizer default 13)")
    .option("--bounds-lower-pct <p>", "with --budget: each channel may fall this fraction below its historical level (optimizer default 0.2)")
    .option("--bounds-upper-pct <p>", "with --budget: each channel may rise this fraction above its historical level (optimizer default 0.2)")
    .option("--out <file>", "where to write the report (default: DIR/report.html)")
    .option("--title <text>", "title at the top of the report", "Marketing mix report")
    .option("--max-draws <n>", "posterior draws behind each curve and band (evenly thinned)", "500")
    .option("--lift-tests <file>", "CSV of lift tests to compare with the model (default: those it was calibrated on)")
    .option("--lift-before <dir>", "output folder of the same model fitted without the lift tests: the report shows each test's lift before and after calibration")
    .action(async (dir: string, o: ReportCliOptions) => {
      const budget = o.budget === undefined ? undefined : parseNumber(o.budget, "--budget", (v) => v > 0, "a positive amount");
      const maxDraws = parseInteger(o.maxDraws ?? "500", "--max-draws", 10);
      const fraction = (v: string | undefined, name: string) =>
        v === undefined ? undefined : parseNumber(v, name, (x) => x >= 0, "a non-negative fraction (0.2 = 20%)");
      const optimizer = {
        periods: o.periods === undefined ? undefined : parseInteger(o.periods, "--periods", 1),
        boundsLowerPct: fraction(o.boundsLowerPct, "--bounds-lower-pct"),
        boundsUpperPct: fraction(o.boundsUpperPct, "--bounds-upper-pct"),
      };
      if (budget === undefined && Object.values(optimizer).some((v) => v !== undefined)) {
        throw new InputError("--periods and --bounds-*-pct set up the optimizer: give --budget too");
      }
      const fit = loadFitFolder(dir);
      if (o.out !== undefined && !o.out.toLowerCase().endsWith(".html") && existsSync(o.out) && statSync(o.out).isDirectory()) checkOutputFile(join(o.out, "report.html"));
      else checkOutputFile(o.out ?? join(dir, "report.html"));
      const liftTests = o.liftTests ? liftTestsFromTable(parseCsv(readTextFile(o.liftTests, "lift-test file"), o.liftTests)) : undefined;
      const liftBefore = o.liftBefore === undefined ? undefined : loadFitFolder(o.liftBefore);
      if (liftBefore) {
        if (!liftTestsToCompare(fit, liftTests)?.length) throw new InputError("--lift-before: the model in DIR was not calibrated on lift tests; give them with --lift-tests");
        const same = liftBefore.geoNames.join() === fit.geoNames.join() && liftBefore.channelNames.join() === fit.channelNames.join();
        if (!same) throw new InputError(`--lift-before ${o.liftBefore}: its model has other channels or geos than the one in ${dir}; give the same model fitted without the lift tests`);
      }
      const written = await writeReport(fit, o.out ?? join(dir, "report.html"), { budget, optimizer, title: o.title, maxDraws, liftTests, ...(liftBefore ? { liftBefore } : {}) });
      const opt = written.optimizer;
      if (opt && opt.status !== "ok") {
        const why = opt.status === "unavailable" ? opt.message : `the optimizer failed: ${opt.message}`;
        // The reasons are sentences with or without their full stop; one either way.
        process.stderr.write(`warning: ${why}${/[.!?]$/.test(why) ? "" : "."} The report says so in its budget section.\n`);
      }
      process.stdout.write(`wrote ${written.path}\n`);
    });
}
