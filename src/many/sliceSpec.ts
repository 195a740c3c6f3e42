// What every slice of a many-model run shares: columns, model and sampler
// options. It is plain JSON (queue jobs carry it), and its hash decides
// whether a slice's stored outputs still answer the question asked.

import type { ModelConfig, SamplerConfig } from "../fit/config.js";
import { sha256 } from "../io/hash.js";

export interface SliceSpec {
  columns: { target: string; media: string[]; extra: string[]; date?: string };
  /** The model options of fit/config.ts a slice spec carries (plain JSON: no lift tests or costs). */
  model: Pick<ModelConfig, "model" | "mediaPriorScale" | "degreesSeasonality" | "weekdaySeasonality" | "scalers"> &
    Partial<Pick<ModelConfig, "seasonalityFrequency" | "customPriors">>;
  /** Sampler settings; the thread count is the scheduler's business (draws do not depend on it). */
  sampler: Omit<Partial<SamplerConfig>, "threads">;
  split: { testRows?: number; testFrom?: string };
  /** Write each slice's report.html too. */
  report: boolean;
}

/** JSON with object keys sorted, so equal specs hash equally whatever order they were built in. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([, e]) => e !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

export function specHash(spec: SliceSpec): string {
  return sha256(canonicalJson(spec));
}
