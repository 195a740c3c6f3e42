// Reading a request's params: each reader checks one field and fails with an
// invalid_params error that names it ("fit: chains must be ...").

import { ServeError } from "./protocol.js";

export type Params = Record<string, unknown>;

export class ParamReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly method: string,
    readonly params: Params,
  ) {}

  private fail(name: string, need: string, got: unknown): never {
    const shown = got === undefined ? "nothing" : JSON.stringify(got)?.slice(0, 80) ?? String(got);
    throw new ServeError("invalid_params", `${this.method}: ${name} must be ${need}, got ${shown}`);
  }

  has(name: string): boolean {
    return this.params[name] !== undefined && this.params[name] !== null;
  }

  raw(name: string): unknown {
    this.seen.add(name);
    const v = this.params[name];
    return v === null ? undefined : v;
  }

  string(name: string): string;
  string(name: string, optional: true): string | undefined;
  string(name: string, optional = false): string | undefined {
    const v = this.raw(name);
    if (v === undefined && optional) return undefined;
    if (typeof v !== "string" || v === "") this.fail(name, "a non-empty string", v);
    return v;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback?: T): T | undefined {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (typeof v !== "string" || !choices.includes(v as T)) this.fail(name, `one of ${choices.join(", ")}`, v);
    return v as T;
  }

  number(name: string, check: (v: number) => boolean = () => true, need = "a finite number"): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || !check(v)) this.fail(name, need, v);
    return v;
  }

  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    return this.number(name, (v) => Number.isInteger(v) && v >= min && v <= max, `an integer from ${min} to ${max}`);
  }

  boolean(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.fail(name, "true or false", v);
    return v;
  }

  strings(name: string): string[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s !== "")) this.fail(name, "a list of non-empty strings", v);
    return v as string[];
  }

  numbers(name: string): number[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === "number" && Number.isFinite(x))) this.fail(name, "a list of finite numbers", v);
    return v as number[];
  }

  object(name: string): Params | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) this.fail(name, "an object", v);
    return v as Params;
  }

  /** A rectangular numeric array of the given rank, flattened row-major; its shape comes back too. */
  tensor(name: string, rank: number): { values: Float64Array; shape: number[] } | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const shape: number[] = [];
    let level: unknown = v;
    for (let r = 0; r < rank; r++) {
      if (!Array.isArray(level)) this.fail(name, `a ${rank}-dimensional array of numbers`, v);
      shape.push(level.length);
      level = level[0];
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float64Array(size);
    let k = 0;
    const walk = (x: unknown, depth: number, path: string): void => {
      if (depth === rank) {
        if (typeof x !== "number" || !Number.isFinite(x)) {
          throw new ServeError("invalid_params", `${this.method}: ${name}${path} must be a finite number, got ${JSON.stringify(x)}`);
        }
        values[k++] = x;
        return;
      }
      if (!Array.isArray(x) || x.length !== shape[depth]) {
        throw new ServeError("invalid_params", `${this.method}: ${name}${path} must be a list of ${shape[depth]} entries (the array is not rectangular)`);
      }
      x.forEach((y, i) => walk(y, depth + 1, `${path}[${i}]`));
    };
    walk(v, 0, "");
    return { values, shape };
  }

  /** Fails on a param this method does not know (a typo would otherwise be ignored silently). */
  done(): void {
    const unknown = Object.keys(this.params).filter((k) => !this.seen.has(k));
    if (unknown.length) {
      throw new ServeError("invalid_params", `${this.method}: unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
    }
  }
}
