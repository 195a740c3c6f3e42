// Option values read from text, each failing with an InputError that names
// the option (no file system here: options.ts adds the file readers).

import { InputError } from "../errors.js";

export function parseList(value: string, option: string): string[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new InputError(`${option}: empty name in "${value}"`);
  return items;
}

export function parseNumberList(value: string, option: string): number[] {
  return parseList(value, option).map((s) => {
    const v = Number(s);
    if (!Number.isFinite(v)) throw new InputError(`${option}: "${s}" is not a number`);
    return v;
  });
}

export function parseNumber(value: string, option: string, check?: (v: number) => boolean, need?: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v) || (check && !check(v))) {
    throw new InputError(`${option}: expected ${need ?? "a number"}, got "${value}"`);
  }
  return v;
}

export function parseInteger(value: string, option: string, min: number): number {
  return parseNumber(value, option, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);
}

export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new InputError(`${option}: expected one of ${choices.join(", ")}, got "${value}"`);
  return value as T;
}

/** An integer within [min, max]; `why` says what the bound protects. */
export function parseIntegerIn(value: string, option: string, min: number, max: number, why?: string): number {
  return parseNumber(value, option, (v) => Number.isInteger(v) && v >= min && v <= max, `an integer from ${min} to ${max}${why ? ` (${why})` : ""}`);
}
