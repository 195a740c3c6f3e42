// The saved-model file: one binary file holding a JSON header (format,
// version, config, scalers, shapes, sampler statistics) and the typed arrays
// (data and draws) as raw little-endian bytes, closed by a CRC-32 so a
// truncated or corrupted file is caught on load.
//
//   "MMMFIT\r\n" | u32 header length | header JSON (UTF-8) | pad to 8 |
//   arrays, each 8-aligned | u32 CRC-32 of everything before it

import { InputError } from "../errors.js";
import type { FitRecord, GeoFitRecord, StoredChain } from "./record.js";
import type { DrawStats } from "../sampler/index.js";
import { ParameterLayout } from "../model/layout.js";

/**
 * 2 added geo models (header "kind": "national" | "geo"; a geo record's
 * dataset is [T][C][G] and its scalers per geo). Version 1 files are national.
 */
export const SAVED_MODEL_VERSION = 2;

/** A national or a geo fitted model's record. */
export type SavedRecord = FitRecord | GeoFitRecord;
const MAGIC = "MMMFIT\r\n";

type ArrayKind = "f64" | "i32" | "u8";
type NumericArray = Float64Array | Int32Array | Uint8Array;

interface ArrayEntry {
  name: string;
  kind: ArrayKind;
  offset: number;
  length: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function kindOf(a: NumericArray): ArrayKind {
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Int32Array) return "i32";
  return "u8";
}

const STAT_KEYS: (keyof DrawStats)[] = ["treeDepth", "nLeapfrog", "divergent", "energy", "acceptStat", "stepSize", "logp"];

export function serializeFit(record: SavedRecord): Uint8Array {
  if (!littleEndian) throw new Error("saving models needs a little-endian platform");
  const arrays: [string, NumericArray][] = [
    ["dataset.target", record.dataset.target],
    ["dataset.media", record.dataset.media],
    ["dataset.extra", record.dataset.extra],
  ];
  record.chains.forEach((c, i) => {
    arrays.push([`chains.${i}.draws`, c.draws], [`chains.${i}.inverseMetric`, c.inverseMetric], [`chains.${i}.initialPosition`, c.initialPosition]);
    for (const k of STAT_KEYS) arrays.push([`chains.${i}.stats.${k}`, c.stats[k]]);
  });
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    entries.push({ name, kind: kindOf(a), offset, length: a.length });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const { target: _t, media: _m, extra: _e, ...datasetMeta } = record.dataset;
  const header = {
    format: "mmm-wasm fitted model",
    version: SAVED_MODEL_VERSION,
    kind: record.kind === "geo" ? "geo" : "national",
    config: record.config,
    structure: record.structure,
    scalers: record.scalers,
    dataset: datasetMeta,
    trainRows: record.trainRows,
    costs: record.costs,
    timing: record.timing,
    ...(record.sampling ? { sampling: record.sampling } : {}),
    chains: record.chains.map(({ draws: _d, stats: _s, inverseMetric: _i, initialPosition: _p, ...rest }) => rest),
    arrays: entries,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((MAGIC.length + 4 + headerBytes.length) / 8) * 8;
  const total = dataStart + offset + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, MAGIC.length + 4);
  arrays.forEach(([, a], i) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entries[i].offset);
  });
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

export function deserializeFit(bytes: Uint8Array, source = "model file"): SavedRecord {
  const bad = (why: string) => new InputError(`${source} is not a readable saved model: ${why}`);
  // A header can pass the checksum (it was written so) and still be malformed:
  // every shape is checked, and anything else that breaks is reported as such.
  try {
    const record = readRecord(bytes, source, bad);
    checkRecord(record, bad);
    return record;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw bad(`its header is malformed (${(e as Error).message})`);
  }
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** The shapes everything downstream relies on: names, lengths, draws per chain. */
function checkRecord(r: SavedRecord, bad: (why: string) => InputError): void {
  const d = r.dataset as SavedRecord["dataset"] & { G?: number };
  if (!isCount(d.T) || d.T < 1) throw bad("its header's dataset has no row count");
  if (!isNames(d.channelNames) || d.channelNames.length < 1) throw bad("its header's dataset has no channel names");
  if (!isNames(d.extraNames)) throw bad("its header's dataset has no extra-column names");
  const G = r.kind === "geo" ? d.G : 1;
  if (!isCount(G) || G < 1) throw bad("its header's dataset has no geo count");
  const [T, C, F] = [d.T, d.channelNames.length, d.extraNames.length];
  const extraPerGeo = r.kind === "geo" ? (d as { extraPerGeo?: boolean }).extraPerGeo !== false : true;
  if (d.target.length !== T * G) throw bad(`the target has ${d.target.length} values for ${T} rows`);
  if (d.media.length !== T * C * G) throw bad(`the media have ${d.media.length} values for ${T} rows x ${C} channels`);
  if (d.extra.length !== T * F * (extraPerGeo ? G : 1) && d.extra.length !== T * F * G && d.extra.length !== T * F) {
    throw bad(`the extra columns have ${d.extra.length} values for ${T} rows x ${F} columns`);
  }
  if (!isCount(r.trainRows) || r.trainRows < 1 || r.trainRows > T) throw bad(`train rows ${String(r.trainRows)} is not within 1..${T}`);
  if (!Array.isArray(r.costs) || r.costs.length !== C) throw bad("its costs do not match the channels");
  if (!r.config || typeof r.config !== "object" || !r.config.sampler) throw bad("its header has no sampler configuration");
  if (!r.scalers || !Array.isArray((r.scalers as { media?: unknown }).media)) throw bad("its header has no scalers");
  if (!Array.isArray(r.chains) || r.chains.length < 1) throw bad("it holds no chains");
  const dim = new ParameterLayout(r.structure).dim;
  r.chains.forEach((c, i) => {
    if (!isCount(c.numDraws) || c.numDraws < 1) throw bad(`chain ${i} has no draws count`);
    if (c.draws.length !== c.numDraws * dim) throw bad(`chain ${i} has ${c.draws.length} values for ${c.numDraws} draws of ${dim} parameters`);
    for (const k of STAT_KEYS) if (c.stats[k].length !== c.numDraws) throw bad(`chain ${i}'s ${k} has ${c.stats[k].length} values for ${c.numDraws} draws`);
    if (c.inverseMetric.length !== dim && c.inverseMetric.length !== dim * dim) throw bad(`chain ${i}'s metric does not match ${dim} parameters`);
  });
  if (r.chains.some((c) => c.numDraws !== r.chains[0].numDraws)) throw bad("its chains differ in length");
}

function readRecord(bytes: Uint8Array, source: string, bad: (why: string) => InputError): SavedRecord {
  if (bytes.length < MAGIC.length + 8) throw bad("it is too short (truncated?)");
  if (new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw bad("it does not start with the saved-model signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > bytes.length) throw bad("the header runs past the end of the file (truncated?)");
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)));
  } catch {
    throw bad("its header is not valid JSON (corrupted?)");
  }
  const version = header.version;
  if (typeof version !== "number") throw bad("its header has no version");
  if (version > SAVED_MODEL_VERSION) {
    throw new InputError(
      `${source} was written by a newer version of this engine (format ${version}); this version reads format ${SAVED_MODEL_VERSION} and older: upgrade to load it`,
    );
  }
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== stored) throw bad("its checksum does not match (truncated or corrupted)");
  const dataStart = Math.ceil((MAGIC.length + 4 + headerLength) / 8) * 8;
  const entries = header.arrays as ArrayEntry[];
  if (!Array.isArray(entries)) throw bad("its header lists no arrays");
  for (const e of entries) {
    if (typeof e?.name !== "string" || !["f64", "i32", "u8"].includes(e.kind) || !isCount(e.offset) || !isCount(e.length)) {
      throw bad(`its header lists a malformed array entry ${JSON.stringify(e)}`);
    }
  }
  if (!Array.isArray(header.chains)) throw bad("its header lists no chains");
  const byName = new Map<string, NumericArray>();
  for (const e of entries) {
    const start = dataStart + e.offset;
    const width = e.kind === "f64" ? 8 : e.kind === "i32" ? 4 : 1;
    if (start + e.length * width > bytes.length - 4) throw bad(`array ${e.name} runs past the end of the file`);
    // Copy (a Node Buffer's slice would share its pool's memory and offset).
    const copy = new Uint8Array(bytes.subarray(start, start + e.length * width)).buffer;
    byName.set(e.name, e.kind === "f64" ? new Float64Array(copy) : e.kind === "i32" ? new Int32Array(copy) : new Uint8Array(copy));
  }
  const get = <T extends NumericArray>(name: string): T => {
    const a = byName.get(name);
    if (!a) throw bad(`array ${name} is missing`);
    return a as T;
  };
  const chainsMeta = header.chains as Omit<StoredChain, "draws" | "stats" | "inverseMetric" | "initialPosition">[];
  const chains: StoredChain[] = chainsMeta.map((m, i) => {
    const stats = {} as Record<keyof DrawStats, NumericArray>;
    for (const k of STAT_KEYS) stats[k] = get(`chains.${i}.stats.${k}`);
    return {
      ...m,
      draws: get<Float64Array>(`chains.${i}.draws`),
      inverseMetric: get<Float64Array>(`chains.${i}.inverseMetric`),
      initialPosition: get<Float64Array>(`chains.${i}.initialPosition`),
      stats: stats as unknown as DrawStats,
    };
  });
  const kind = header.kind === undefined ? "national" : header.kind;
  if (kind !== "national" && kind !== "geo") throw bad(`unknown model kind ${JSON.stringify(kind)}`);
  const common = {
    config: header.config as FitRecord["config"],
    structure: header.structure as FitRecord["structure"],
    trainRows: header.trainRows as number,
    costs: header.costs as number[],
    timing: header.timing as FitRecord["timing"],
    ...(header.sampling ? { sampling: header.sampling as FitRecord["sampling"] } : {}),
    chains,
  };
  const arrays = {
    target: get<Float64Array>("dataset.target"),
    media: get<Float64Array>("dataset.media"),
    extra: get<Float64Array>("dataset.extra"),
  };
  if (kind === "geo") {
    return {
      kind: "geo",
      ...common,
      scalers: header.scalers as GeoFitRecord["scalers"],
      dataset: { ...(header.dataset as Omit<GeoFitRecord["dataset"], "target" | "media" | "extra">), ...arrays },
    };
  }
  return {
    ...common,
    scalers: header.scalers as FitRecord["scalers"],
    dataset: { ...(header.dataset as Omit<FitRecord["dataset"], "target" | "media" | "extra">), ...arrays },
  };
}
