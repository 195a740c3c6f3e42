import type { Command } from "commander";
import { DEFAULT_SERVE_LIMITS as DEFAULT_LIMITS, serveHttp, serveStdio, type ServeLimits } from "../index.js";
import { parseInteger, parseNumber } from "./options.js";

interface ServeCliOptions {
  port?: string;
  host: string;
  maxRequestMb: string;
  maxModels: string;
  maxData: string;
  maxDensities: string;
  maxRunningFits: string;
  maxBatch: string;
  idleTimeout: string;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("run the engine as a long-lived backend speaking the JSON protocol of docs/serve.md: over stdio (default) or HTTP on localhost (--port)")
    .option("--port <n>", "serve HTTP on this port (0: any free port) instead of stdio; the URL and the token are printed as JSON on stdout")
    .option("--host <address>", "address to listen on with --port (only this machine by default)", "127.0.0.1")
    .option("--max-request-mb <n>", "largest message accepted, in MiB", String(DEFAULT_LIMITS.maxRequestBytes / 2 ** 20))
    .option("--max-models <n>", "fitted models held at once", String(DEFAULT_LIMITS.maxModels))
    .option("--max-data <n>", "datasets held at once", String(DEFAULT_LIMITS.maxDatasets))
    .option("--max-densities <n>", "densities held at once", String(DEFAULT_LIMITS.maxDensities))
    .option("--max-running-fits <n>", "fits running at once", String(DEFAULT_LIMITS.maxRunningFits))
    .option("--max-batch <n>", "points in one log_density batch", String(DEFAULT_LIMITS.maxBatch))
    .option("--idle-timeout <seconds>", "end the session after this long without a request (0: never)", String(DEFAULT_LIMITS.idleSeconds))
    .action(async (o: ServeCliOptions) => {
      const limits: ServeLimits = {
        maxRequestBytes: Math.round(parseNumber(o.maxRequestMb, "--max-request-mb", (v) => v > 0, "a positive number") * 2 ** 20),
        maxModels: parseInteger(o.maxModels, "--max-models", 1),
        maxDatasets: parseInteger(o.maxData, "--max-data", 1),
        maxDensities: parseInteger(o.maxDensities, "--max-densities", 1),
        maxRunningFits: parseInteger(o.maxRunningFits, "--max-running-fits", 1),
        maxBatch: parseInteger(o.maxBatch, "--max-batch", 1),
        idleSeconds: parseNumber(o.idleTimeout, "--idle-timeout", (v) => v >= 0, "a non-negative number of seconds"),
      };
      if (o.port !== undefined) {
        const port = parseInteger(o.port, "--port", 0);
        await serveHttp({ limits, host: o.host, port, announce: (line) => process.stdout.write(line + "\n") });
      } else {
        await serveStdio({ limits, input: process.stdin, output: process.stdout });
      }
      // Worker threads of cancelled fits must not keep the process alive once the session is over.
      process.exit(0);
    });
}
