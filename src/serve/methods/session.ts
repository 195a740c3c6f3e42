// hello, list, free and close: what the server is and holds, and letting go of it.

import { ENGINE_VERSION } from "../../io/export/version.js";
import { PROTOCOL_VERSION, ServeError } from "../protocol.js";
import type { Method } from "./context.js";

export function helloResult(methods: string[], limits: object) {
  return { protocol: PROTOCOL_VERSION, engine: "mmm-wasm", version: ENGINE_VERSION, methods, limits };
}

export const list: Method = (p, { session }) => {
  p.done();
  return {
    data: session.data.ids(),
    models: session.models.ids(),
    densities: session.densities.ids(),
    running_fits: session.runningFits,
  };
};

export const free: Method = (p, { session }) => {
  const id = p.string("id");
  p.done();
  if (!session.free(id)) throw new ServeError("not_found", `free: nothing held under "${id}"`);
  return { freed: id };
};
