import type { Command } from "commander";
import { checkDataQuality, formatDataQualityReport } from "../index.js";
import { addDataOptions, readDataset, type RawModelOptions } from "./modelOptions.js";

export function registerCheck(program: Command): void {
  const cmd = program
    .command("check")
    .description("data-quality check before fitting: correlations, variance inflation factors, spend shares, constant, sparse and outlying columns")
    .argument("<data>", "CSV file with a header row");
  addDataOptions(cmd, { withDate: true });
  cmd.option("--geo <column>", "geo data (long format, one row per date and geo; needs --date): the whole data's checks and each geo's")
  cmd.option("--json", "print the report as JSON").action((data: string, o: RawModelOptions & { json?: boolean; geo?: string }) => {
    const dataset = readDataset(data, o);
    const report = checkDataQuality(dataset);
    process.stdout.write(o.json ? JSON.stringify(report, null, 2) + "\n" : formatDataQualityReport(report) + "\n");
  });
}
