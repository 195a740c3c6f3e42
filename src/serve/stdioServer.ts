// `mmm serve` over stdio: requests on stdin, one JSON message per line;
// responses and events on stdout, one per line. Requests run concurrently
// (a fit does not hold up a summary), so responses are matched by id, not
// by order. The session ends on close, at the end of stdin (the client went
// away) or after the idle timeout; running fits are cancelled.

import { Dispatcher, METHOD_NAMES } from "./dispatcher.js";
import { watchIdle } from "./idle.js";
import { LineReader } from "./lineReader.js";
import { helloResult } from "./methods/session.js";
import { jsonSafe, ServeError, type ServerMessage } from "./protocol.js";
import { Session, type ServeLimits } from "./session.js";

export interface StdioServerOptions {
  limits: ServeLimits;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Serves until the session ends; resolves when every request in flight has been answered. */
export function serveStdio(o: StdioServerOptions): Promise<void> {
  const session = new Session(o.limits);
  const send = (m: ServerMessage) => {
    // Two writes: a large answer (a batch of gradients) is not copied once more to append the newline.
    o.output.write(JSON.stringify(m));
    o.output.write("\n");
  };
  const inFlight = new Set<Promise<void>>();
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let ending = false;
  const end = (why?: string) => {
    if (ending) return;
    ending = true;
    if (why) process.stderr.write(`mmm serve: ${why}\n`);
    stopIdle();
    session.close();
    o.input.removeListener("data", onData);
    void Promise.allSettled([...inFlight]).then(() => finish());
  };
  const dispatcher = new Dispatcher(session, () => end());
  const reader = new LineReader(o.limits.maxRequestBytes, {
    line(text) {
      const p = dispatcher.handle(text, send);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
    oversized(bytes) {
      const e = new ServeError("too_large", `a message of more than ${bytes} bytes was dropped; the limit is ${o.limits.maxRequestBytes} bytes (--max-request-mb)`);
      send({ id: null, error: { code: e.code, message: e.message } });
    },
  });
  // The client closed its end of stdout: nobody is listening any more.
  o.output.on("error", () => end("the client closed the output pipe: session closed"));
  const onData = (chunk: Buffer) => reader.push(chunk);
  o.input.on("data", onData);
  o.input.on("end", () => {
    reader.end();
    end();
  });
  const stopIdle = watchIdle(o.limits.idleSeconds, () => dispatcher.lastActivity, () => inFlight.size > 0, (s) =>
    end(`no request for ${s} s: session closed (--idle-timeout)`),
  );
  send(jsonSafe({ event: "ready", transport: "stdio", ...helloResult(METHOD_NAMES, o.limits) }) as ServerMessage);
  return finished;
}
