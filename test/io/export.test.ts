// Posterior export in ArviZ's InferenceData layout: the netCDF-4 file read
// back with h5wasm (structure: groups, dimension scales, values), the zarr
// store and csv files read directly, and, where Debian's python3-xarray and
// python3-netcdf4 are installed, every group opened by xarray and netCDF4
// and compared with the engine's own draws.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { parseCsv } from "../../src/io/csv.js";
import { exportInferenceData } from "../../src/io/export/index.js";
import { datasetFromTable } from "../../src/io/datasetTable.js";
import { EXAMPLE_CSV, EXAMPLE_DATA } from "../serve/client.js";
import { findPython } from "../serve/python.js";

const CHAINS = 2;
const DRAWS = 40;

/** Constrained draws of one parameter element: [chain][draw]. */
function elementDraws(fit: FittedMMM, label: string): number[][] {
  const index = fit.layout.labels().indexOf(label);
  const dim = fit.layout.dim;
  return fit.constrainedDraws().map((c) => Array.from({ length: DRAWS }, (_, k) => c[k * dim + index]!));
}

describe("InferenceData export", () => {
  let fit: FittedMMM;
  const dir = mkdtempSync(join(tmpdir(), "mmm-export-"));
  const nc = join(dir, "posterior.nc");
  const zarr = join(dir, "posterior.zarr");
  const csv = join(dir, "csv");

  beforeAll(async () => {
    const dataset = datasetFromTable(parseCsv(readFileSync(EXAMPLE_CSV, "utf8"), EXAMPLE_CSV), EXAMPLE_DATA);
    fit = await fitMMM(dataset, { sampler: { chains: CHAINS, warmup: 60, samples: DRAWS, seed: 5, threads: 0 } }, { trainRows: 150 });
    await exportInferenceData(fit, nc, "netcdf");
    await exportInferenceData(fit, zarr, "zarr");
    await exportInferenceData(fit, csv, "csv");
  });

  it("writes netCDF-4: groups, dimension scales and the engine's values", async () => {
    await h5wasm.ready;
    const f = new h5wasm.File(nc, "r");
    try {
      expect(f.keys()).toEqual(["posterior", "sample_stats", "observed_data", "constant_data"]);
      const coef = f.get("posterior/coef_media") as InstanceType<typeof h5wasm.Dataset>;
      expect(coef.shape).toEqual([CHAINS, DRAWS, 5]);
      const values = coef.value as Float64Array;
      const tv = elementDraws(fit, "coef_media[0]");
      expect(values[0]).toBe(tv[0]![0]);
      expect(values[(1 * DRAWS + 3) * 5]).toBe(tv[1]![3]);
      expect(coef.get_attached_scales(2)).toEqual(["/posterior/channel"]);
      expect((f.get("posterior/channel") as InstanceType<typeof h5wasm.Dataset>).value).toEqual(EXAMPLE_DATA.media);
      expect(Object.keys((f.get("posterior/chain") as InstanceType<typeof h5wasm.Dataset>).attrs)).toContain("_Netcdf4Dimid");
      const target = f.get("observed_data/target") as InstanceType<typeof h5wasm.Dataset>;
      expect(target.shape).toEqual([150]);
      expect((target.value as Float64Array)[149]).toBe(fit.record.dataset.target[149]);
      const diverging = f.get("sample_stats/diverging") as InstanceType<typeof h5wasm.Dataset>;
      expect(diverging.attrs.dtype?.value).toBe("bool");
    } finally {
      f.close();
    }
  });

  it("writes a zarr store whose chunks hold the same values", () => {
    const meta = JSON.parse(readFileSync(join(zarr, "posterior/coef_media/.zarray"), "utf8"));
    expect(meta).toMatchObject({ shape: [CHAINS, DRAWS, 5], dtype: "<f8", compressor: null });
    const attrs = JSON.parse(readFileSync(join(zarr, "posterior/coef_media/.zattrs"), "utf8"));
    expect(attrs._ARRAY_DIMENSIONS).toEqual(["chain", "draw", "channel"]);
    const bytes = readFileSync(join(zarr, "posterior/coef_media/0.0.0"));
    const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(values[2]).toBe(elementDraws(fit, "coef_media[2]")[0]![0]);
    const consolidated = JSON.parse(readFileSync(join(zarr, ".zmetadata"), "utf8"));
    expect(Object.keys(consolidated.metadata)).toContain("sample_stats/energy/.zarray");
  });

  it("writes csv: a row per chain and draw, a column per element named by its coordinates", () => {
    const lines = readFileSync(join(csv, "posterior.csv"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(1 + CHAINS * DRAWS);
    const header = lines[0]!.split(",");
    expect(header.slice(0, 2)).toEqual(["chain", "draw"]);
    const col = header.indexOf("coef_media[search]");
    expect(Number(lines[1 + DRAWS + 2]!.split(",")[col])).toBe(elementDraws(fit, "coef_media[1]")[1]![2]);
    expect(readFileSync(join(csv, "constant_data.costs.csv"), "utf8").split("\n")[0]).toBe("channel,costs");
  });

  const { python, why } = findPython(["xarray", "netCDF4", "numpy"]);
  it.skipIf(!python)(`opens with xarray and netCDF4 as the engine wrote it${python ? "" : ` (skipped: ${why})`}`, () => {
    const script = `
import json, sys, xarray as xr, netCDF4
out = {}
for store, opener in (("nc", lambda g: xr.open_dataset(sys.argv[1], group=g)), ("zarr", lambda g: xr.open_zarr(sys.argv[2], group=g))):
    for g in ("posterior", "sample_stats", "observed_data", "constant_data"):
        try:
            ds = opener(g)
        except Exception as e:
            if store == "zarr" and "zarr" in str(e).lower(): continue
            raise
        out[store + "/" + g] = {"sizes": dict(ds.sizes), "vars": sorted(ds.data_vars), "dtypes": {k: str(v.dtype) for k, v in ds.data_vars.items()}}
ds = xr.open_dataset(sys.argv[1], group="posterior")
out["channel"] = [str(c) for c in ds.channel.values]
out["tv_chain1_draw3"] = float(ds.coef_media.sel(channel="tv", chain=1, draw=3))
out["time_first"] = str(xr.open_dataset(sys.argv[1], group="observed_data").time.values[0])
n = netCDF4.Dataset(sys.argv[1])
out["netcdf4_groups"] = list(n.groups)
out["netcdf4_dims"] = {k: len(v) for k, v in n.groups["posterior"].dimensions.items()}
print(json.dumps(out))
`;
    const r = spawnSync(python!, ["-c", script, nc, zarr], { encoding: "utf8" });
    expect(r.stderr).not.toMatch(/Traceback/);
    const out = JSON.parse(r.stdout);
    expect(out["nc/posterior"].sizes).toMatchObject({ chain: CHAINS, draw: DRAWS, channel: 5, extra: 2 });
    expect(out["nc/posterior"].vars).toEqual(expect.arrayContaining(["coef_media", "sigma", "expo_trend", "gamma_seasonality", "coef_extra_features"]));
    expect(out["nc/sample_stats"].dtypes).toMatchObject({ diverging: "bool", tree_depth: "int64", energy: "float64", step_size: "float64", acceptance_rate: "float64" });
    expect(out["nc/observed_data"].sizes).toEqual({ time: 150 });
    expect(out["nc/constant_data"].sizes).toEqual({ time: 150, channel: 5, extra: 2 });
    expect(out.channel).toEqual(EXAMPLE_DATA.media);
    expect(out.tv_chain1_draw3).toBe(elementDraws(fit, "coef_media[0]")[1]![3]);
    expect(out.time_first).toBe("2022-01-03");
    expect(out.netcdf4_groups).toEqual(["posterior", "sample_stats", "observed_data", "constant_data"]);
    expect(out.netcdf4_dims).toMatchObject({ chain: CHAINS, draw: DRAWS, channel: 5 });
    if (out["zarr/posterior"]) expect(out["zarr/posterior"].sizes).toEqual(out["nc/posterior"].sizes);
  });

  it("daily data with weekday effects: the effects on a day_of_week axis named by the days, every variable written", async () => {
    const lines = ["day,orders,search"];
    for (let t = 0; t < 40; t++) lines.push([new Date(Date.UTC(2024, 0, 1 + t)).toISOString().slice(0, 10), 100 + (t % 7) * 3 + ((t * 17) % 5), 10 + ((t * 7) % 9)].join(","));
    const daily = datasetFromTable(parseCsv(lines.join("\n") + "\n", "daily.csv"), { date: "day", target: "orders", media: ["search"], extra: [] });
    const weekdayFit = await fitMMM(daily, { weekdaySeasonality: true, sampler: { chains: 1, warmup: 20, samples: 10, seed: 2, threads: 0 } });
    const path = join(dir, "daily.nc");
    await exportInferenceData(weekdayFit, path, "netcdf");
    await h5wasm.ready;
    const f = new h5wasm.File(path, "r");
    try {
      const posterior = f.get("posterior") as InstanceType<typeof h5wasm.Group>;
      expect(posterior.keys()).toEqual(expect.arrayContaining(["weekday", "day_of_week", "intercept", "coef_media"]));
      const weekday = f.get("posterior/weekday") as InstanceType<typeof h5wasm.Dataset>;
      expect(weekday.shape).toEqual([1, 10, 7]);
      expect(weekday.get_attached_scales(2)).toEqual(["/posterior/day_of_week"]);
      // 2024-01-01 was a Monday: weekday[0] is the effect of the rows t = 0, 7, 14, ...
      expect((f.get("posterior/day_of_week") as InstanceType<typeof h5wasm.Dataset>).value).toEqual(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]);
    } finally {
      f.close();
    }
    // The summary names them alike.
    expect(weekdayFit.summary().filter((r) => r.name.startsWith("weekday")).map((r) => r.about)).toEqual(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]);
  });
});
