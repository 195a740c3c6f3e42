// InferenceData as a zarr (v2) directory store, as xarray's to_zarr writes
// it: a group per InferenceData group, each variable one uncompressed chunk
// with its dimensions in _ARRAY_DIMENSIONS, and consolidated metadata
// (.zmetadata) at the root. xarray.open_zarr(path, group=...) and
// arviz.from_zarr read it.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InferenceDataLayout, Variable } from "./inferenceData.js";

function encode(v: Variable): { dtype: string; bytes: Uint8Array } {
  if (v.type === "string") {
    // Fixed-width UTF-32 (numpy's <U), as zarr v2 stores unicode.
    const strings = v.values as string[];
    const points = strings.map((s) => Array.from(s, (ch) => ch.codePointAt(0)!));
    const width = Math.max(1, ...points.map((p) => p.length));
    const out = new Uint32Array(strings.length * width);
    points.forEach((p, i) => out.set(p, i * width));
    return { dtype: `<U${width}`, bytes: new Uint8Array(out.buffer) };
  }
  const x = v.values as Float64Array;
  if (v.type === "int64") return { dtype: "<i8", bytes: new Uint8Array(BigInt64Array.from(x, (n) => BigInt(n)).buffer) };
  if (v.type === "bool") return { dtype: "|b1", bytes: Uint8Array.from(x) };
  return { dtype: "<f8", bytes: new Uint8Array(x.buffer, x.byteOffset, x.byteLength) };
}

/** Writes the store into dir (which must not exist yet; the caller makes it atomic). */
export function writeZarr(layout: InferenceDataLayout, dir: string): string[] {
  const metadata: Record<string, unknown> = {};
  const files: string[] = [];
  const put = (rel: string, content: string | Uint8Array) => {
    writeFileSync(join(dir, rel), content);
    files.push(rel);
  };
  const putJson = (rel: string, value: unknown) => {
    metadata[rel] = value;
    put(rel, JSON.stringify(value, null, 2));
  };
  mkdirSync(dir, { recursive: true });
  putJson(".zgroup", { zarr_format: 2 });
  putJson(".zattrs", {});
  for (const g of layout.groups) {
    mkdirSync(join(dir, g.name));
    putJson(`${g.name}/.zgroup`, { zarr_format: 2 });
    putJson(`${g.name}/.zattrs`, g.attrs);
    for (const v of [...g.coords, ...g.vars]) {
      const rel = `${g.name}/${v.name}`;
      mkdirSync(join(dir, rel));
      const { dtype, bytes } = encode(v);
      putJson(`${rel}/.zarray`, {
        zarr_format: 2,
        shape: v.shape,
        chunks: v.shape.map((n) => Math.max(1, n)),
        dtype,
        compressor: null,
        fill_value: null,
        order: "C",
        filters: null,
      });
      putJson(`${rel}/.zattrs`, { _ARRAY_DIMENSIONS: v.dims, ...(v.attrs ?? {}) });
      if (v.shape.every((n) => n > 0)) put(`${rel}/${v.shape.length ? v.shape.map(() => "0").join(".") : "0"}`, bytes);
    }
  }
  put(".zmetadata", JSON.stringify({ zarr_consolidated_format: 1, metadata }, null, 2));
  return files;
}
