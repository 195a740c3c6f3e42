// InferenceData as netCDF-4 (an HDF5 file with netCDF's conventions),
// written with h5wasm: one HDF5 group per InferenceData group, every
// dimension a coordinate variable made a dimension scale (with
// _Netcdf4Dimid) and attached to the variables' axes (DIMENSION_LIST /
// REFERENCE_LIST), booleans as int8 flagged dtype="bool" as xarray writes
// them. xarray.open_dataset(path, group=...) and arviz.from_netcdf read it.

import { InputError } from "../../errors.js";
import type { Group, InferenceDataLayout, Variable } from "./inferenceData.js";

type H5 = typeof import("h5wasm");
type H5Group = InstanceType<H5["Group"]>;

let h5: Promise<H5> | undefined;

/**
 * h5wasm loads on first use (its wasm is ~3 MB): only netCDF exports pay for
 * it. It is an optional dependency; without it the other formats still work.
 */
function loadH5(): Promise<H5> {
  h5 ??= import("h5wasm/node").then(
    async (m) => {
      const mod = ((m as unknown as { default?: H5 }).default ?? m) as H5;
      await mod.ready;
      return mod;
    },
    () => {
      h5 = undefined;
      throw new InputError("netCDF export needs the optional package h5wasm, which is not installed (npm install h5wasm); --format zarr and csv need nothing more");
    },
  );
  return h5;
}

function data(v: Variable): { data: Float64Array | BigInt64Array | Int8Array | string[]; dtype?: string } {
  if (v.type === "string") return { data: v.values as string[] };
  const x = v.values as Float64Array;
  if (v.type === "int64") return { data: BigInt64Array.from(x, (n) => BigInt(n)), dtype: "<q" };
  if (v.type === "bool") return { data: Int8Array.from(x), dtype: "<b" };
  return { data: x, dtype: "<d" };
}

function writeGroup(root: H5Group, g: Group, nextDimid: () => number): void {
  const group = root.create_group(g.name, true);
  for (const [k, v] of Object.entries(g.attrs)) group.create_attribute(k, v);
  const path = (name: string) => `/${g.name}/${name}`;
  for (const c of g.coords) {
    const { data: values, dtype } = data(c);
    const ds = group.create_dataset({ name: c.name, data: values, shape: c.shape, ...(dtype ? { dtype } : {}) });
    ds.make_scale(c.name);
    ds.create_attribute("_Netcdf4Dimid", new Int32Array([nextDimid()]), [], "<i");
  }
  for (const v of g.vars) {
    const { data: values, dtype } = data(v);
    const ds = group.create_dataset({ name: v.name, data: values, shape: v.shape, ...(dtype ? { dtype } : {}) });
    if (v.type === "bool") ds.create_attribute("dtype", "bool");
    for (const [k, a] of Object.entries(v.attrs ?? {})) ds.create_attribute(k, a);
    v.dims.forEach((dim, i) => ds.attach_scale(i, path(dim)));
  }
  // h5wasm reports a dataset it could not create on stderr and goes on: an export missing one must fail, not be written.
  const written = new Set(group.keys());
  const missing = [...g.coords, ...g.vars].map((v) => v.name).filter((name) => !written.has(name));
  if (missing.length > 0) throw new Error(`netCDF export: could not write ${missing.join(", ")} in group ${g.name}`);
}

/** Writes the layout to path (replacing it); the caller makes it atomic. */
export async function writeNetcdf(layout: InferenceDataLayout, path: string): Promise<void> {
  const mod = await loadH5();
  const file = new mod.File(path, "w", { track_order: true });
  try {
    let dimid = 0;
    file.create_attribute("_NCProperties", "version=2,mmm-wasm");
    for (const g of layout.groups) writeGroup(file, g, () => dimid++);
  } finally {
    file.close();
  }
}
