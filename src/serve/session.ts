// One client's state on the server: the datasets, fitted models and
// densities it holds by id, its running fits (cancellable), and the bounds
// on each. Stdio serves one session per process; HTTP one per server (the
// holder of its token).

import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { FittedMMM } from "../api/fittedMMM.js";
import type { MmmDensity } from "../density/mmmDensity.js";
import type { GeoMediaDataset, MediaDataset } from "../model/dataset.js";
import type { ParameterLayout } from "../model/layout.js";
import { ServeError, type RequestId } from "./protocol.js";
import { Registry } from "./registry.js";

export type HeldDataset = { kind: "national"; dataset: MediaDataset } | { kind: "geo"; dataset: GeoMediaDataset };
export type HeldModel = FittedMMM | FittedGeoMMM;
export interface HeldDensity {
  density: MmmDensity;
  layout: ParameterLayout;
}

export interface ServeLimits {
  /** Largest message accepted, in bytes. */
  maxRequestBytes: number;
  maxModels: number;
  maxDatasets: number;
  maxDensities: number;
  /** Fits running at once. */
  maxRunningFits: number;
  /** Points in one log_density batch. */
  maxBatch: number;
  /** Seconds without a request (and no fit running) after which the server ends the session; 0 never. */
  idleSeconds: number;
}

export const DEFAULT_LIMITS: ServeLimits = {
  maxRequestBytes: 64 * 1024 * 1024,
  maxModels: 16,
  maxDatasets: 16,
  maxDensities: 16,
  maxRunningFits: 2,
  maxBatch: 1_000_000,
  idleSeconds: 1800,
};

export class Session {
  readonly data: Registry<HeldDataset>;
  readonly models: Registry<HeldModel>;
  readonly densities: Registry<HeldDensity>;
  /** Running fits by request id (as a string), to cancel them. */
  private readonly running = new Map<string, AbortController>();
  /** Densities built on demand for fitted models (log_density with a model id). */
  readonly modelDensities = new Map<string, HeldDensity>();
  closed = false;

  constructor(readonly limits: ServeLimits) {
    this.data = new Registry("data", limits.maxDatasets, "--max-data");
    this.models = new Registry("model", limits.maxModels, "--max-models");
    this.densities = new Registry("density", limits.maxDensities, "--max-densities");
  }

  /** Registers a fit about to start; the controller aborts it on cancel or close. */
  startFit(id: RequestId): AbortController {
    const key = String(id);
    if (this.running.has(key)) throw new ServeError("duplicate_id", `a fit with request id ${JSON.stringify(id)} is already running; give each request its own id`);
    if (this.running.size >= this.limits.maxRunningFits) {
      throw new ServeError(
        "limit_reached",
        `${this.running.size} fit(s) already running, the limit (--max-running-fits ${this.limits.maxRunningFits}); wait for one to finish or cancel it`,
      );
    }
    const controller = new AbortController();
    this.running.set(key, controller);
    return controller;
  }

  endFit(id: RequestId): void {
    this.running.delete(String(id));
  }

  cancel(id: RequestId): boolean {
    const c = this.running.get(String(id));
    if (!c) return false;
    c.abort();
    return true;
  }

  get runningFits(): string[] {
    return [...this.running.keys()];
  }

  /** Frees one held object by id; false if there was none. */
  free(id: string): boolean {
    this.modelDensities.delete(id);
    return this.data.delete(id) || this.models.delete(id) || this.densities.delete(id);
  }

  /** Cancels every fit and frees everything (end of session). */
  close(): void {
    this.closed = true;
    for (const c of this.running.values()) c.abort();
    this.data.clear();
    this.models.clear();
    this.densities.clear();
    this.modelDensities.clear();
  }
}
