// `mmm serve --port 0`: the same protocol over HTTP on 127.0.0.1, answering
// only requests that carry the token it printed.

import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkResult, checkServerMessage, CLI, EXAMPLE_DATA, ROOT } from "./client.js";

interface Ready {
  url: string;
  token: string;
}

function startServer(args: string[] = []) {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const ready = new Promise<Ready>((resolve, reject) => {
    let text = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (s: string) => {
      text += s;
      const nl = text.indexOf("\n");
      if (nl >= 0) {
        const m = JSON.parse(text.slice(0, nl));
        checkServerMessage(m);
        resolve(m);
      }
    });
    child.on("exit", () => reject(new Error("the server exited before it was ready")));
  });
  return { child, ready, exited };
}

/** POSTs a body; returns the status and the ndjson lines of the answer, each checked against the schema. */
async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const lines = (await res.text()).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
  for (const l of lines) checkServerMessage(l);
  return { status: res.status, lines };
}

describe("mmm serve --port", () => {
  let server: ReturnType<typeof startServer>;
  let ready: Ready;
  const auth = () => ({ authorization: `Bearer ${ready.token}` });
  const call = async (method: string, params: Record<string, unknown> = {}) => {
    const r = await post(ready.url, JSON.stringify({ id: method, method, params }), auth());
    const response = r.lines.at(-1);
    expect(response.error).toBeUndefined();
    checkResult(method, response.result);
    return { result: response.result, events: r.lines.slice(0, -1) };
  };

  beforeAll(async () => {
    server = startServer(["--max-request-mb", "0.05"]);
    ready = await server.ready;
  });
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill();
  });

  it("listens on 127.0.0.1 and prints a long random token", () => {
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(ready.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses requests without the token, or with another", async () => {
    const hello = JSON.stringify({ id: 1, method: "hello" });
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer nope" }, { authorization: `Bearer ${ready.token}x` }, { authorization: ready.token }]) {
      const r = await post(ready.url, hello, headers);
      expect(r.status).toBe(401);
      expect(r.lines[0].error.code).toBe("unauthorized");
    }
    const get = await fetch(ready.url, { headers: auth() });
    expect(get.status).toBe(405);
  });

  it("serves the protocol with the token: load, fit with progress events, ROI", async () => {
    const { result: loaded } = await call("load_data", EXAMPLE_DATA);
    const { result: fit, events } = await call("fit", { data: loaded.data, chains: 1, warmup: 40, samples: 30, seed: 2 });
    expect(events.length).toBeGreaterThan(5);
    expect(events.every((e: { event: string; id: string }) => e.event === "progress" && e.id === "fit")).toBe(true);
    const { result: roi } = await call("roi", { model: fit.model });
    expect(roi.roi).toHaveLength(5);
  });

  it("answers bad and oversized bodies with errors and keeps serving", async () => {
    const bad = await post(ready.url, "{oops", auth());
    expect(bad.status).toBe(200);
    expect(bad.lines[0].error.code).toBe("parse_error");
    const big = await post(ready.url, JSON.stringify({ id: 1, method: "hello", params: { pad: "x".repeat(100_000) } }), auth());
    expect(big.status).toBe(413);
    expect(big.lines[0].error.code).toBe("too_large");
    expect((await call("hello")).result.protocol).toBe(1);
  });

  it("stops on close", async () => {
    expect((await call("close")).result.closed).toBe(true);
    expect(await server.exited).toBe(0);
  });
});
