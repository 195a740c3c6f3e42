// The `mmm serve` wire protocol (version 1): one JSON object per message.
// Requests carry a client-chosen id, a method and params; every request gets
// exactly one response with the same id (result or error); long requests
// (fit) send events with the request's id before their response.
// docs/serve.md documents it; schema/protocol.schema.json is its schema.

export const PROTOCOL_VERSION = 1;

export type RequestId = string | number;

export interface Request {
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

export type ErrorCode =
  /** Not JSON, not an object, or no usable id / method. */
  | "parse_error"
  | "invalid_request"
  | "unknown_method"
  /** A parameter is missing, has the wrong type or value; the message names it. */
  | "invalid_params"
  /** The data, a file or the model refused what was asked (the engine's InputError). */
  | "input_error"
  /** An id (data, model, density or request) the server does not hold. */
  | "not_found"
  | "too_large"
  | "limit_reached"
  | "duplicate_id"
  | "cancelled"
  | "unauthorized"
  | "shutting_down"
  /** Lockstep chains that did not agree (nested R-hat or R-hat too high): no model is kept; the message gives the figures. */
  | "not_converged"
  /** A chain or the worker thread running chains failed (the message names them): no model is kept. */
  | "sampler_failure"
  | "internal_error";

export interface ErrorObject {
  code: ErrorCode;
  message: string;
}

export type Response =
  | { id: RequestId | null; result: unknown }
  | { id: RequestId | null; error: ErrorObject };

export interface ProgressEvent {
  event: "progress";
  id: RequestId;
  chain: number;
  phase: "warmup" | "sampling";
  iteration: number;
  total: number;
  divergences: number;
}

export type ServerMessage = Response | ProgressEvent | { event: "ready"; [k: string]: unknown };

/** An error meant for the client: its code and message go on the wire as they are. */
export class ServeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ServeError";
  }
}

/**
 * A float64 array in compact form: little-endian IEEE-754 bytes, base64, with
 * its shape. A batch of 10,000 points travels as one string instead of
 * 10,000 JSON arrays, so parsing costs almost nothing next to the density.
 */
export interface EncodedArray {
  dtype: "float64";
  shape: number[];
  data: string;
}

export function isEncodedArray(v: unknown): v is EncodedArray {
  return typeof v === "object" && v !== null && (v as EncodedArray).dtype === "float64" && typeof (v as EncodedArray).data === "string";
}

export function encodeFloat64(values: Float64Array, shape: number[]): EncodedArray {
  // Float64Array is little-endian on every platform Node and browsers run on.
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return { dtype: "float64", shape, data: bytes.toString("base64") };
}

export function decodeFloat64(v: EncodedArray, what: string): { values: Float64Array; shape: number[] } {
  if (!Array.isArray(v.shape) || !v.shape.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new ServeError("invalid_params", `${what}.shape must be a list of non-negative integers`);
  }
  const count = v.shape.reduce((a, b) => a * b, 1);
  const length = Buffer.byteLength(v.data, "base64");
  if (length !== count * 8) {
    throw new ServeError("invalid_params", `${what}: shape [${v.shape.join(", ")}] needs ${count * 8} bytes, the base64 data holds ${length}`);
  }
  // Decoded straight into the (aligned) array: no intermediate copy.
  const values = new Float64Array(count);
  const written = Buffer.from(values.buffer).write(v.data, "base64");
  if (written !== count * 8) throw new ServeError("invalid_params", `${what}.data is not valid base64 (${written} of ${count * 8} bytes decoded)`);
  return { values, shape: v.shape };
}

/**
 * Results made JSON-safe: typed arrays become lists and non-finite numbers
 * null (JSON has no NaN or Infinity; a client reads null as "not defined").
 */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== "object") return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(value)) return value.map(jsonSafe);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
  return out;
}
