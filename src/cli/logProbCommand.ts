import type { Command } from "commander";
import { logProb } from "../api/logProb.js";
import { InputError } from "../errors.js";
import { parseCsv } from "../io/csv.js";
import { datasetFromTable } from "../model/dataset.js";
import { parsePriorFile } from "../model/priorFile.js";
import { MODEL_NAMES, type ModelName } from "../model/structure.js";
import { parseInteger, parseList, parseNumber, parseNumberList, readJsonFile, readTextFile } from "./options.js";

interface LogProbOptions {
  data: string;
  target: string;
  media: string;
  extra?: string;
  costs?: string;
  mediaPriorScale: string;
  model: string;
  degreesSeasonality: string;
  frequency: string;
  weekdaySeasonality?: boolean;
  priors?: string;
  params: string;
}

export function registerLogProb(program: Command): void {
  program
    .command("log-prob")
    .description(
      "print the full log-density, with and without the log-Jacobian, and its gradient on the unconstrained scale, at given parameter values (JSON)",
    )
    .requiredOption("--data <file>", "CSV file with a header row")
    .requiredOption("--target <column>", "target (KPI) column")
    .requiredOption("--media <columns>", "comma-separated media spend columns")
    .option("--extra <columns>", "comma-separated extra feature (control) columns")
    .option("--costs <numbers>", "total cost per channel, comma-separated (default: column sums)")
    .option("--media-prior-scale <s>", "scale of the media coefficient prior", "0.15")
    .option("--model <name>", `one of ${MODEL_NAMES.join(", ")}`, "hill_adstock")
    .option("--degrees-seasonality <n>", "Fourier degrees of seasonality", "2")
    .option("--frequency <n>", "periods per seasonal cycle", "52")
    .option("--weekday-seasonality", "add a day-of-week effect (daily data)")
    .option("--priors <file>", "JSON file of custom priors keyed by parameter name")
    .requiredOption("--params <file>", "JSON file of parameter values keyed by name")
    .action((o: LogProbOptions) => {
      if (!MODEL_NAMES.includes(o.model as ModelName)) {
        throw new InputError(`--model: unknown model "${o.model}"; use one of ${MODEL_NAMES.join(", ")}`);
      }
      const table = parseCsv(readTextFile(o.data, "data file"), o.data);
      const dataset = datasetFromTable(
        table,
        { target: o.target, media: parseList(o.media, "--media"), extra: o.extra ? parseList(o.extra, "--extra") : [] },
        1,
      );
      const result = logProb({
        dataset,
        params: readJsonFile(o.params, "parameter file"),
        costs: o.costs ? parseNumberList(o.costs, "--costs") : undefined,
        mediaPriorScale: parseNumber(o.mediaPriorScale, "--media-prior-scale", (v) => v > 0, "a positive number"),
        model: o.model as ModelName,
        degreesSeasonality: parseInteger(o.degreesSeasonality, "--degrees-seasonality", 0),
        seasonalityFrequency: parseNumber(o.frequency, "--frequency", (v) => v > 0, "a positive number"),
        weekdaySeasonality: o.weekdaySeasonality ?? false,
        customPriors: o.priors ? parsePriorFile(readJsonFile(o.priors, "priors file")) : undefined,
      });
      const { labels: _labels, ...out } = result;
      process.stdout.write(JSON.stringify(out) + "\n");
    });
}
