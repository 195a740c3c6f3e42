// `mmm serve --port N`: the same messages over HTTP. POST / with one request
// as the body; the answer is newline-delimited JSON: the request's events
// (fit progress), then its response. Only requests carrying the token printed
// at start (Authorization: Bearer TOKEN) are served, so no web page the user
// visits can drive the engine (a browser cannot add that header cross-origin
// without a CORS preflight, which this server never grants); it listens on
// 127.0.0.1 unless told otherwise.

import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Dispatcher, METHOD_NAMES } from "./dispatcher.js";
import { watchIdle } from "./idle.js";
import { helloResult } from "./methods/session.js";
import { jsonSafe, type ErrorCode, type ServerMessage } from "./protocol.js";
import { Session, type ServeLimits } from "./session.js";

export interface HttpServerOptions {
  limits: ServeLimits;
  host: string;
  port: number;
  /** Where the ready line (url and token) goes. */
  announce(line: string): void;
  /** A fixed token (tests); default 32 random bytes, hex. */
  token?: string;
}

function refuse(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  res.writeHead(status, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify({ id: null, error: { code, message } }) + "\n");
}

function authorised(req: IncomingMessage, token: Buffer): boolean {
  const header = req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  return given.length === token.length && timingSafeEqual(given, token);
}

/** Serves until close or the idle timeout; resolves when the server has stopped. */
export async function serveHttp(o: HttpServerOptions): Promise<void> {
  const session = new Session(o.limits);
  const token = o.token ?? randomBytes(32).toString("hex");
  const tokenBytes = Buffer.from(token);
  let inFlight = 0;
  let stopping = false;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const shutdown = (why?: string) => {
    if (stopping) return;
    stopping = true;
    if (why) process.stderr.write(`mmm serve: ${why}\n`);
    stopIdle();
    session.close();
    server.close(() => stop());
    server.closeIdleConnections();
  };
  // close is answered first; the server stops once that answer has gone out.
  let closeRequested = false;
  const dispatcher = new Dispatcher(session, () => (closeRequested = true));

  const server = createServer((req, res) => {
    if (!authorised(req, tokenBytes)) return refuse(res, 401, "unauthorized", "missing or wrong token: send the header Authorization: Bearer <token printed when the server started>");
    if (req.method !== "POST") return refuse(res, 405, "invalid_request", "send requests with POST, one JSON request as the body");
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > o.limits.maxRequestBytes) {
      req.resume();
      return refuse(res, 413, "too_large", `the request has ${declared} bytes; the limit is ${o.limits.maxRequestBytes} bytes (--max-request-mb)`);
    }
    const parts: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > o.limits.maxRequestBytes) {
        if (!tooLarge) refuse(res, 413, "too_large", `the request has more than ${o.limits.maxRequestBytes} bytes, the limit (--max-request-mb)`);
        tooLarge = true;
        parts.length = 0;
      } else parts.push(chunk);
    });
    req.on("end", () => {
      if (tooLarge) return;
      // Events stream as they come; the response goes out with the end of the body (one write for most requests).
      let final = "";
      const send = (m: ServerMessage) => {
        if ("event" in m) {
          if (!res.headersSent) res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
          res.write(JSON.stringify(m) + "\n");
        } else final = JSON.stringify(m) + "\n";
      };
      inFlight++;
      void dispatcher.handle(Buffer.concat(parts).toString("utf8"), send).finally(() => {
        inFlight--;
        if (!res.headersSent) res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store", "content-length": Buffer.byteLength(final) });
        res.end(final, () => {
          if (closeRequested) {
            shutdown();
            server.closeAllConnections();
          }
        });
      });
    });
  });
  // An abandoned request (client gone mid-fit) still finishes; its answer goes nowhere.
  server.on("clientError", (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  if (!["127.0.0.1", "::1", "localhost"].includes(o.host)) {
    process.stderr.write(`mmm serve: warning: listening on ${o.host}, not only this machine: anyone who can reach it and holds the token can drive the engine and read files it can read\n`);
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const stopIdle = watchIdle(o.limits.idleSeconds, () => dispatcher.lastActivity, () => inFlight > 0, (s) =>
    shutdown(`no request for ${s} s: server stopped (--idle-timeout)`),
  );
  o.announce(JSON.stringify(jsonSafe({ event: "ready", transport: "http", url: `http://${host}:${address.port}/`, token, ...helloResult(METHOD_NAMES, o.limits) })));
  return stopped;
}
