// What a method gets besides its params: the session, the request's id, and
// a way to send events (progress) before the response.

import type { ParamReader } from "../params.js";
import type { ProgressEvent, RequestId } from "../protocol.js";
import type { Session } from "../session.js";

export interface MethodContext {
  session: Session;
  id: RequestId;
  emit(event: ProgressEvent): void;
}

export type Method = (p: ParamReader, ctx: MethodContext) => unknown;
