import { InputError } from "../errors.js";
import { parsePrior, type Prior } from "./priors.js";

/** Custom priors from JSON: {"name": prior | [prior, ...]}. Parameter names are checked by the layout. */
export function parsePriorFile(raw: unknown): Record<string, Prior | Prior[]> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError('priors must be a JSON object keyed by parameter name, e.g. {"slope": {"dist": "Gamma", "concentration": 2, "rate": 1}}');
  }
  const out: Record<string, Prior | Prior[]> = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    out[name] = Array.isArray(v) ? v.map((p, i) => parsePrior(p, `priors.${name}[${i}]`)) : parsePrior(v, `priors.${name}`);
  }
  return out;
}
