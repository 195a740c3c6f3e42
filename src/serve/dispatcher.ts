// One message in, one response out (plus events): parsing, the envelope's
// checks, routing to a method, and turning every failure into an error
// object. Nothing a client sends can stop the server: a bad message gets an
// error response and the next one is served.

import { failureKind, type FailureKind } from "../errors.js";
import * as analysis from "./methods/analysis.js";
import type { Method, MethodContext } from "./methods/context.js";
import { loadData } from "./methods/data.js";
import { createDensity, logDensity } from "./methods/density.js";
import { exportPosterior, load, save } from "./methods/files.js";
import { cancel, fit } from "./methods/fit.js";
import { free, helloResult, list } from "./methods/session.js";
import { posterior } from "./methods/posterior.js";
import { ParamReader } from "./params.js";
import { jsonSafe, ServeError, type ErrorCode, type ErrorObject, type RequestId, type ServerMessage } from "./protocol.js";
import type { Session } from "./session.js";

const METHODS: Record<string, Method> = {
  load_data: loadData,
  fit,
  cancel,
  summary: analysis.summary,
  diagnostics: analysis.diagnostics,
  metrics: analysis.metrics,
  posterior,
  predict: analysis.predict,
  contributions: analysis.contributions,
  roi: analysis.roi,
  marginal_roi: analysis.marginalRoi,
  response_curves: analysis.responseCurves,
  optimize: analysis.optimize,
  save,
  load,
  export: exportPosterior,
  create_density: createDensity,
  log_density: logDensity,
  list,
  free,
};

export const METHOD_NAMES = ["hello", ...Object.keys(METHODS), "close"];

export type Send = (message: ServerMessage) => void;

/** The protocol's code for each kind of engine failure the client can act on. */
const ERROR_CODE: Record<Exclude<FailureKind, "internal">, ErrorCode> = { input: "input_error", not_converged: "not_converged", sampler: "sampler_failure" };

function errorOf(e: unknown): ErrorObject {
  if (e instanceof ServeError) return { code: e.code, message: e.message };
  const kind = failureKind(e);
  if (kind !== "internal") return { code: ERROR_CODE[kind], message: (e as Error).message };
  // Not the client's doing: the message goes out, the stack to the server's log.
  process.stderr.write(`mmm serve: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return { code: "internal_error", message: (e as Error)?.message ?? String(e) };
}

export class Dispatcher {
  /** When the last message arrived (ms since the epoch), for the idle timeout. */
  lastActivity = Date.now();
  /** The id of the close request, once one came: the session ends after its answer. */
  private closingId: RequestId | null = null;

  constructor(
    readonly session: Session,
    /** Called once, after the response to close has been sent. */
    private readonly onClose: () => void = () => {},
  ) {}

  /** Handles one message (a line of stdio, a body over HTTP); resolves once its response is sent. */
  async handle(text: string, send: Send): Promise<void> {
    this.lastActivity = Date.now();
    let id: RequestId | null = null;
    try {
      const request = this.parse(text);
      id = request.id;
      const result = await this.run(request.id, request.method, request.params, send);
      send({ id, result: jsonSafe(result) });
    } catch (e) {
      // An envelope error found after the id was read still answers that id.
      id ??= (e as { id?: RequestId }).id ?? null;
      send({ id, error: errorOf(e) });
    } finally {
      this.lastActivity = Date.now();
    }
    if (this.session.closed && id !== null && this.closingId === id) this.onClose();
  }

  private parse(text: string): { id: RequestId; method: string; params: Record<string, unknown> } {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (e) {
      throw new ServeError("parse_error", `the message is not valid JSON: ${(e as Error).message}`);
    }
    if (message === null || typeof message !== "object" || Array.isArray(message)) {
      throw new ServeError("invalid_request", "a request must be a JSON object with id, method and params");
    }
    const m = message as Record<string, unknown>;
    const id = m.id;
    if (!((typeof id === "string" && id !== "") || (typeof id === "number" && Number.isFinite(id)))) {
      throw new ServeError("invalid_request", "a request needs an id: a non-empty string or a number, echoed in its response");
    }
    const bad = Object.keys(m).filter((k) => !["id", "method", "params"].includes(k));
    if (bad.length) throw Object.assign(new ServeError("invalid_request", `unknown field(s) ${bad.join(", ")}: a request has id, method and params`), { id });
    if (typeof m.method !== "string") throw Object.assign(new ServeError("invalid_request", "method must be a string"), { id });
    const params = m.params ?? {};
    if (typeof params !== "object" || params === null || Array.isArray(params)) {
      throw Object.assign(new ServeError("invalid_request", "params must be an object"), { id });
    }
    return { id, method: m.method, params: params as Record<string, unknown> };
  }

  private async run(id: RequestId, method: string, params: Record<string, unknown>, send: Send): Promise<unknown> {
    if (this.session.closed) throw new ServeError("shutting_down", "the session is closed");
    const p = new ParamReader(method, params);
    if (method === "hello") {
      p.done();
      return helloResult(METHOD_NAMES, this.session.limits);
    }
    if (method === "close") {
      p.done();
      this.closingId = id;
      const cancelled = this.session.runningFits;
      this.session.close();
      return { closed: true, cancelled_fits: cancelled };
    }
    const fn = METHODS[method];
    if (!fn) throw new ServeError("unknown_method", `unknown method "${method}"; methods: ${METHOD_NAMES.join(", ")}`);
    const ctx: MethodContext = { session: this.session, id, emit: (event) => send(event) };
    return await fn(p, ctx);
  }
}
