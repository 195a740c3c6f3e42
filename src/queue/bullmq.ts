// BullMQ and its Redis client are optional dependencies, loaded only by the
// queue commands: a plain install and the browser bundle stay without them.

import { InputError } from "../errors.js";

type BullMq = typeof import("bullmq");
type IoRedisCtor = typeof import("ioredis").default;

export interface QueueLibraries {
  bullmq: BullMq;
  /** A new Redis connection (BullMQ workers need maxRetriesPerRequest: null). */
  connect(url: string): import("ioredis").default;
}

let loaded: Promise<QueueLibraries> | undefined;
const lastErrors = new WeakMap<object, string>();

export function loadQueueLibraries(): Promise<QueueLibraries> {
  loaded ??= (async () => {
    let bullmq: BullMq;
    let IoRedis: IoRedisCtor;
    try {
      bullmq = await import("bullmq");
      IoRedis = (await import("ioredis")).default;
    } catch {
      throw new InputError("the queue commands need the optional packages bullmq and ioredis: npm install bullmq ioredis");
    }
    return {
      bullmq,
      connect: (url: string) => {
        if (!/^rediss?:\/\//.test(url)) throw new InputError(`--redis: "${url}" is not a redis:// or rediss:// URL`);
        const conn = new IoRedis(url, { maxRetriesPerRequest: null, lazyConnect: false });
        // ioredis reconnects on its own; say so once per kind of error instead of on every retry.
        let last = "";
        conn.on("error", (e: Error) => {
          lastErrors.set(conn, e.message);
          if (e.message !== last) process.stderr.write(`queue: Redis at ${redactUrl(url)}: ${(last = e.message)}\n`);
        });
        return conn;
      },
    };
  })();
  return loaded;
}

/** Checks that Redis answers before anything else is done, so a wrong URL fails fast with a clear message. */
export async function pingRedis(conn: import("ioredis").default, url: string, timeoutMs = 5000): Promise<void> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out")), timeoutMs).unref());
  try {
    await Promise.race([conn.ping(), timeout]);
  } catch (e) {
    conn.disconnect();
    throw new InputError(`cannot reach Redis at ${redactUrl(url)}: ${lastErrors.get(conn) ?? (e as Error).message}`);
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
