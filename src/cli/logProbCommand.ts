import type { Command } from "commander";
import { logProb } from "../index.js";
import { addDataOptions, addModelOptions, readDataset, readModelOptions, type RawModelOptions } from "./modelOptions.js";
import { readJsonFile } from "./options.js";

export function registerLogProb(program: Command): void {
  const cmd = program
    .command("log-prob")
    .description(
      "print the full log-density, with and without the log-Jacobian, and its gradient on the unconstrained scale, at given parameter values (JSON)",
    )
    .requiredOption("--data <file>", "CSV file with a header row");
  addDataOptions(cmd, { withDate: false });
  addModelOptions(cmd);
  cmd.requiredOption("--params <file>", "JSON file of parameter values keyed by name").action((o: RawModelOptions & { data: string; params: string }) => {
    const dataset = readDataset(o.data, o, 1);
    const result = logProb({ dataset, params: readJsonFile(o.params, "parameter file"), ...readModelOptions(o, dataset.channelNames, dataset.extraNames.length, dataset.frequency) });
    const { labels: _labels, ...out } = result;
    process.stdout.write(JSON.stringify(out) + "\n");
  });
}
