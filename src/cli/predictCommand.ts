import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { parseCsv } from "../io/csv.js";
import { csvText } from "../io/csvWrite.js";
import { MODEL_FILE } from "../io/fitOutputs.js";
import { loadMMM } from "../io/modelFile.js";
import { numericColumn } from "../io/csv.js";
import { parseInteger } from "./options.js";
import { readTextFile } from "./options.js";

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("posterior predictive of the target for new periods that follow the fitted data (media and extra columns by the fitted names)")
    .argument("<dir>", "output folder of `mmm fit`")
    .requiredOption("--data <file>", "CSV with the new periods' media and extra columns")
    .option("--gap <file>", "CSV of periods between the fitted data and the new ones (their carry-over counts)")
    .option("--seed <n>", "seed of the observation noise", "1")
    .option("--out <file>", "write the prediction as CSV (default: print it)")
    .action((dir: string, o: { data: string; gap?: string; seed: string; out?: string }) => {
      const fit = loadMMM(join(dir, MODEL_FILE));
      const { channelNames, extraNames } = fit.record.dataset;
      const rows = (path: string) => {
        const table = parseCsv(readTextFile(path, "data file"), path);
        const T = table.rows.length;
        if (T === 0) throw new InputError(`${path}: no data rows`);
        const C = channelNames.length;
        const F = extraNames.length;
        const media = new Float64Array(T * C);
        channelNames.forEach((name, c) => numericColumn(table, name, { role: "media", nonNegative: true }).forEach((v, t) => (media[t * C + c] = v)));
        const extra = new Float64Array(T * F);
        extraNames.forEach((name, f) => numericColumn(table, name, { role: "extra" }).forEach((v, t) => (extra[t * F + f] = v)));
        return { T, media, extra };
      };
      const pred = fit.predict(rows(o.data), { mediaGap: o.gap ? rows(o.gap) : undefined, seed: parseInteger(o.seed, "--seed", 0) });
      const text = csvText(["period", "mean", "hdi_3%", "hdi_97%"], pred.periods.map((p, i) => [i, p.mean, p["hdi_3%"], p["hdi_97%"]]));
      if (o.out) writeFileSync(o.out, text);
      else process.stdout.write(text);
    });
}
