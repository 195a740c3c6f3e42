// The `mmm` command line. It parses arguments, calls the public API and maps
// errors to exit codes: 0 success, 2 bad input, 3 a lockstep fit that did
// not converge, 1 internal failure.

import { Command } from "commander";
import { reportFailure } from "./failureReport.js";
import { registerLogProb } from "./logProbCommand.js";
import { registerFit } from "./fitCommand.js";
import { registerCheck } from "./checkCommand.js";
import { registerSummary } from "./summaryCommand.js";
import { registerPredict } from "./predictCommand.js";
import { registerOptimize } from "./optimizeCommand.js";
import { registerReport } from "./reportCommand.js";
import { packageVersion } from "./version.js";
import { registerServe } from "./serveCommand.js";
import { registerExport } from "./exportCommand.js";
import { registerFitMany } from "./fitManyCommand.js";
import { registerQueue } from "./queueCommand.js";
import { registerRuns } from "./runsCommand.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("mmm")
    .description("Bayesian Marketing Mix Modeling: fit, check and optimise media budgets")
    .version(packageVersion(), "-V, --version", "print the version of mmm-wasm")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerFit(program);
  registerSummary(program);
  registerPredict(program);
  registerOptimize(program);
  registerCheck(program);
  registerLogProb(program);
  registerReport(program);
  registerServe(program);
  registerExport(program);
  registerFitMany(program);
  registerQueue(program);
  registerRuns(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    return reportFailure(e, (text) => process.stderr.write(text));
  }
}
