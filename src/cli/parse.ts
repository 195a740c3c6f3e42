// Option values read from text, each failing with an InputError that names
// the option. No file system here, so the browser demo words its errors the
// same way as the CLI.

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
