import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { EXPORT_FORMATS, exportInferenceData, loadAnyMMM, loadFitFolder, type ExportFormat } from "../index.js";

const EXTENSION: Record<ExportFormat, string> = { netcdf: "posterior.nc", zarr: "posterior.zarr", csv: "posterior_csv" };

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write a fitted model's posterior in ArviZ's InferenceData layout (posterior, sample_stats, observed_data, constant_data)")
    .argument("<fit>", "output folder of `mmm fit` (or a model.mmm file)")
    .option("--format <format>", `${EXPORT_FORMATS.join(", ")}`, "netcdf")
    .option("--out <path>", "where to write (default: FIT/posterior.nc, FIT/posterior.zarr or FIT/posterior_csv)")
    .action(async (fitPath: string, o: { format: string; out?: string }) => {
      if (!EXPORT_FORMATS.includes(o.format as ExportFormat)) {
        throw new InputError(`--format: expected one of ${EXPORT_FORMATS.join(", ")}, got "${o.format}"`);
      }
      const format = o.format as ExportFormat;
      const isDir = existsSync(fitPath) && statSync(fitPath).isDirectory();
      const fit = isDir ? loadFitFolder(fitPath) : loadAnyMMM(fitPath);
      const out = o.out ?? join(isDir ? fitPath : ".", EXTENSION[format]);
      const result = await exportInferenceData(fit, out, format);
      process.stdout.write(`wrote ${out} (${format}: ${result.groups.join(", ")})\n`);
    });
}
