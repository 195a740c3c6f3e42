// Posterior export (Node): a fitted model's InferenceData written as
// netCDF-4, zarr or csv, whole or not at all (written beside the target,
// then renamed into place).

import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import type { FittedGeoMMM } from "../../api/fittedGeoMMM.js";
import type { FittedMMM } from "../../api/fittedMMM.js";
import { InputError } from "../../errors.js";
import { writeCsv } from "./csv.js";
import { inferenceData } from "./inferenceData.js";
import { writeNetcdf } from "./netcdf.js";
import { ENGINE_VERSION } from "./version.js";
import { writeZarr } from "./zarr.js";

export { inferenceData, type InferenceDataLayout, type Group, type Variable } from "./inferenceData.js";

export const EXPORT_FORMATS = ["netcdf", "zarr", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportResult {
  path: string;
  format: ExportFormat;
  groups: string[];
  /** Files written (relative to path, for the folder formats). */
  files: string[];
}

/** What an earlier export of each format leaves, so that only such a thing is ever replaced. */
const MARKER: Record<ExportFormat, string | null> = { netcdf: null, zarr: ".zgroup", csv: "posterior.csv" };

/**
 * An existing destination is replaced only if it is what this format writes
 * (a file for netCDF, an earlier export's folder otherwise): never a folder
 * or file of the user's that happens to be in the way.
 */
function checkReplaceable(path: string, format: ExportFormat): void {
  if (!existsSync(path)) return;
  const isDir = statSync(path).isDirectory();
  const marker = MARKER[format];
  const ok = marker === null ? !isDir : isDir && existsSync(join(path, marker));
  if (!ok) {
    throw new InputError(`cannot export to "${path}": it exists and is not an earlier ${format} export; remove it or choose another path`);
  }
}

export async function exportInferenceData(
  fit: FittedMMM | FittedGeoMMM,
  path: string,
  format: ExportFormat = "netcdf",
  engineVersion = ENGINE_VERSION,
): Promise<ExportResult> {
  if (!EXPORT_FORMATS.includes(format)) throw new InputError(`export format must be one of ${EXPORT_FORMATS.join(", ")}, got "${format}"`);
  const parent = dirname(path);
  if (!existsSync(parent)) throw new InputError(`cannot export to "${path}": the folder "${parent}" does not exist`);
  checkReplaceable(path, format);
  const layout = inferenceData(fit, engineVersion);
  const temp = join(parent, `.${basename(path)}.${process.pid}.partial`);
  rmSync(temp, { recursive: true, force: true });
  let files: string[];
  try {
    if (format === "netcdf") {
      await writeNetcdf(layout, temp);
      files = [basename(path)];
    } else files = format === "zarr" ? writeZarr(layout, temp) : writeCsv(layout, temp);
    rmSync(path, { recursive: true, force: true });
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  return { path, format, groups: layout.groups.map((g) => g.name), files };
}
