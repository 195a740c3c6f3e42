// Options shared by `mmm fit-many` and `mmm queue submit`: the long-format
// file, the --by columns, and the model and sampler options every slice
// shares (as `mmm fit` takes them).

import type { Command } from "commander";
import { columnIndex, InputError, parseCsv, sliceData, sliceTable, type SliceData, type SliceSpec } from "../index.js";
import { addDataOptions, addModelOptions, readModelOptions, type RawModelOptions } from "./modelOptions.js";
import { parseInteger, parseList, readTextFile } from "./options.js";
import { addSamplerOptions, readSamplerOptions, type SamplerCliOptions } from "./samplerOptions.js";

export interface SliceCliOptions extends RawModelOptions, SamplerCliOptions {
  by: string[];
  sliceReports?: boolean;
  out?: string;
}

const collect = (v: string, prev: string[]) => [...prev, ...parseList(v, "--by")];

export function addSliceOptions(cmd: Command): Command {
  cmd.argument("<data>", "long-format CSV file: one row per period and slice").option(
    "--by <column>",
    "column whose values name the slices (repeat, or comma-separate, for combinations: --by market --by brand)",
    collect,
    [],
  );
  addDataOptions(cmd, { withDate: true });
  addModelOptions(cmd);
  return addSamplerOptions(cmd, {
    rows: " of every slice",
    chains: "chains per slice",
    seed: "random seed (the same for every slice: a slice's draws do not depend on the others)",
  })
    .option("--slice-reports", "also write each slice's report.html (slower: a few seconds per slice)")
    .option("--out <dir>", "output folder (required): slices/<slice>/, failed/, manifest.json, combined.csv, report.html");
}

/** Reads the file, slices it and builds the spec every slice is fitted with. */
export function readSlices(data: string, o: SliceCliOptions): { slices: SliceData[]; spec: SliceSpec; by: string[] } {
  if (!o.out) throw new InputError("missing --out <dir>: the folder to write every slice's outputs to");
  if (o.by.length === 0) throw new InputError("missing --by <column>: the column whose values name the slices (market, country, brand)");
  if (o.costs || o.costsFile) throw new InputError("--costs and --costs-file are not taken here: each slice's media prior comes from its own spend");
  const table = parseCsv(readTextFile(data, "data file"), data);
  const slices = sliceTable(table, o.by).map(sliceData);
  const media = parseList(o.media, "--media");
  const extra = o.extra ? parseList(o.extra, "--extra") : [];
  const clash = o.by.find((c) => c === o.target || c === o.date || media.includes(c) || extra.includes(c));
  if (clash !== undefined) throw new InputError(`--by: column "${clash}" is also selected as the target, a media, extra or date column`);
  // Every slice has the file's columns: a misspelt one is one error now, not a failure per slice.
  for (const c of [o.target, ...media, ...extra, ...(o.date ? [o.date] : [])]) columnIndex(table, c);
  const { costs: _costs, ...model } = readModelOptions(o, media, extra.length);
  const spec: SliceSpec = {
    columns: { target: o.target, media, extra, ...(o.date ? { date: o.date } : {}) },
    model,
    sampler: {
      ...readSamplerOptions(o),
      // Slices run on CPU workers: the lockstep GPU path is for many chains of one model.
      backend: "cpu",
    },
    split: {
      ...(o.testRows !== undefined ? { testRows: parseInteger(o.testRows, "--test-rows", 0) } : {}),
      ...(o.testFrom !== undefined ? { testFrom: o.testFrom } : {}),
    },
    report: o.sliceReports === true,
  };
  return { slices, spec, by: o.by };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
