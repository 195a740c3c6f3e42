// A test client for `mmm serve` over stdio: starts the server as a
// subprocess, sends requests, and checks every message the server sends
// against schema/protocol.schema.json (and each result against its method's
// result schema).

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { expect } from "vitest";

export const CLI = fileURLToPath(new URL("../../bin/mmm.js", import.meta.url));
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const EXAMPLE_CSV = fileURLToPath(new URL("../../examples/weekly_sales.csv", import.meta.url));
export const EXAMPLE_DATA = {
  csv: EXAMPLE_CSV,
  target: "sales",
  media: ["tv", "search", "social", "radio", "display"],
  extra: ["price_index", "competitor_promo"],
  date: "week",
};

const schema = JSON.parse(readFileSync(new URL("../../schema/protocol.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
ajv.addSchema(schema);
const ID = schema.$id as string;

export function validator(ref: string): (v: unknown) => void {
  const check = ajv.getSchema(`${ID}#/$defs/${ref}`);
  if (!check) throw new Error(`no schema ${ref}`);
  return (v) => {
    if (!check(v)) throw new Error(`does not match ${ref}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(v).slice(0, 600)}`);
  };
}

export const checkServerMessage = validator("ServerMessage");
export const checkRequest = validator("Request");
export const checkResult = (method: string, result: unknown) => validator(`results/$defs/${method}`)(result);

export type Message = Record<string, unknown> & { id?: string | number | null };
export type Reply = { result?: any; error?: { code: string; message: string } };

export class StdioClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: Message[] = [];
  readonly stderr: string[] = [];
  private buffer = "";
  private waiters: { test: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  private nextId = 1;
  readonly exited: Promise<number | null>;
  /** Methods of the requests sent, by id, to check results against their schema. */
  private readonly methods = new Map<string, string>();

  constructor(args: string[] = []) {
    this.child = spawn(process.execPath, [CLI, "serve", ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (s: string) => this.stderr.push(s));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const m = JSON.parse(line) as Message;
      checkServerMessage(m);
      if ("result" in m && m.id !== null && m.id !== undefined) {
        const method = this.methods.get(String(m.id));
        if (method) checkResult(method, m.result);
      }
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(m)) return true;
        w.resolve(m);
        return false;
      });
    }
  }

  waitFor(test: (m: Message) => boolean): Promise<Message> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Writes raw text (a line is added) without waiting for anything. */
  sendRaw(text: string): void {
    this.child.stdin.write(text.endsWith("\n") ? text : text + "\n");
  }

  /**
   * Sends a request and resolves with its response. The request is checked
   * against the schema first; `invalid: true` sends one the schema must
   * refuse instead (to see that the server refuses it too).
   */
  send(method: string, params?: Record<string, unknown>, id: string | number = `r${this.nextId++}`, o: { invalid?: boolean } = {}): Promise<Reply> {
    const request = { id, method, ...(params ? { params } : {}) };
    if (o.invalid) expect(() => checkRequest(request)).toThrow();
    else checkRequest(request);
    this.methods.set(String(id), method);
    this.sendRaw(JSON.stringify(request));
    return this.waitFor((m) => m.id === id && ("result" in m || "error" in m)) as Promise<Reply>;
  }

  /** A request the schema refuses (bad params, unknown method), sent anyway. */
  sendInvalid(method: string, params?: Record<string, unknown>): Promise<Reply> {
    return this.send(method, params, `r${this.nextId++}`, { invalid: true });
  }

  /** The result of a request that must succeed. */
  async call(method: string, params?: Record<string, unknown>): Promise<any> {
    const r = await this.send(method, params);
    if (r.error) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.stdin.end();
    await this.exited;
  }
}
